#!/usr/bin/env python3
"""openapi.json names every field of every answer: a real kassad, every route.

    response_fields.py KASSA KASSAD WORK_DIR

Generates a demo population (persons, companies, suspense items), adds a
token per role, starts kassad and calls every JSON route the document lists
with real parameters: each GET of a person, a company and the fund, the
commands' CommandResult, a run's RunResult, a bank import's ImportResult,
a match, a backup and a rebuild. Each 2xx answer is validated against its
documented schema (jsonschema_rs, from the schemathesis venv) with every
object closed: a field the document does not name fails, naming the route
and the field's place. Then the other way round: every property a 2xx schema
declares must appear in some answer (a field documented but never sent is
stale), and every documented JSON GET route must have been called.

Exit 0 only when nothing is missing either way. Missing tools fail loudly.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from cached_venv import cached_venv  # noqa: E402
from kassad_server import Kassad, add_tokens  # noqa: E402

ROLES = ["staff", "batch", "auditor", "admin"]
COMPANY = "0403170701"
CAMT = os.path.join(HERE, "..", "data", "bank", "camt053-001-02-fund.xml")
PURPOSE = "response fields test"

# Declared properties no answer of a demo population can show, each with why.
NEVER_SEEN = {
    # the projector halts only on a record it cannot apply
    "/health GET 200.projections.halted",
    "/v1/projections/status GET 200.halted",
    "/ready GET 200.projections.halted",
    # a refused payment in a bank file needs a member's aggregate to refuse it
    "#/components/schemas/ImportResult.lines[].refused",
    # a rebuild keeps the old store aside only when its checksums differ
    "/v1/admin/projections/rebuild POST 200.kept",
    # no command writes an address yet (PersonalDataChanged is folded, not written)
    "/v1/persons/{party_id}/identity GET 200.address.street",
    "/v1/persons/{party_id}/identity GET 200.address.number",
    "/v1/persons/{party_id}/identity GET 200.address.box",
    "/v1/persons/{party_id}/identity GET 200.address.postal_code",
    "/v1/persons/{party_id}/identity GET 200.address.city",
    "/v1/persons/{party_id}/identity GET 200.address.country",
}


def fail(message):
    print("response_fields: " + message, file=sys.stderr, flush=True)
    sys.exit(1)


class Api:
    def __init__(self, base, tokens):
        self.base = base
        self.tokens = tokens
        self.answers = []  # (template, method, status, body)

    def call(self, role, method, template, path=None, body=None, raw=None, content_type=None,
             expect=(200, 201)):
        path = path or template
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if role:
            req.add_header("Authorization", "Bearer " + self.tokens[role])
        req.add_header("X-Kassa-Purpose", PURPOSE)
        if data is not None:
            req.add_header("Content-Type", content_type or "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                status, text = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        parsed = json.loads(text or b"null")
        if status not in expect:
            fail("%s %s as %s answered %d %s" % (method, path, role, status, parsed))
        self.answers.append((template, method, str(status), parsed))
        return parsed


# ---------------------------------------------------------------- schemas

ANNOTATIONS = ("nullable", "example", "description", "discriminator", "xml", "readOnly", "writeOnly",
               "deprecated")


def to_json_schema(node):
    """OpenAPI 3.0's schema dialect to JSON Schema 2020-12: `nullable`
    becomes a null alternative; every object schema without an explicit
    additionalProperties is closed."""
    if isinstance(node, list):
        return [to_json_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ANNOTATIONS:
            continue
        if key in ("properties", "schemas", "patternProperties"):  # maps of schemas by name
            out[key] = {name: to_json_schema(sub) for name, sub in value.items()}
        else:
            out[key] = to_json_schema(value)
    if (node.get("type") == "object" or "properties" in node) and "additionalProperties" not in node:
        out["additionalProperties"] = False
    if node.get("nullable"):
        if "type" not in out:  # OpenAPI 3.0: nullable means nothing without a type
            fail("a nullable schema without a type: %s" % json.dumps(node)[:200])
        out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
    return out


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        target = doc
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def declared(doc, node, where, out, seen_refs):
    """Every (place, property) a schema declares, places named from the
    nearest component or route."""
    if isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in seen_refs:
            return
        seen_refs.add(ref)
        declared(doc, resolve(doc, node), ref, out, seen_refs)
        return
    if not isinstance(node, dict):
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for alt in node.get(key, []):
            declared(doc, alt, where, out, seen_refs)
    for name, sub in node.get("properties", {}).items():
        out.add("%s.%s" % (where, name))
        declared(doc, sub, "%s.%s" % (where, name), out, seen_refs)
    if isinstance(node.get("additionalProperties"), dict):
        declared(doc, node["additionalProperties"], where + ".*", out, seen_refs)
    if "items" in node:
        declared(doc, node["items"], where + "[]", out, seen_refs)


def observed(doc, node, value, where, out):
    """The (place, property) pairs an answer shows, named as declared()."""
    if isinstance(node, dict) and "$ref" in node:
        observed(doc, resolve(doc, node), value, node["$ref"], out)
        return
    if not isinstance(node, dict) or value is None:
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for alt in node.get(key, []):
            observed(doc, alt, value, where, out)
    if isinstance(value, dict):
        props = node.get("properties", {})
        for name, v in value.items():
            if name in props:
                out.add("%s.%s" % (where, name))
                observed(doc, props[name], v, "%s.%s" % (where, name), out)
            elif isinstance(node.get("additionalProperties"), dict):
                observed(doc, node["additionalProperties"], v, where + ".*", out)
    elif isinstance(value, list) and "items" in node:
        for v in value:
            observed(doc, node["items"], v, where + "[]", out)


def response_schema(doc, template, method, status):
    op = doc["paths"].get(template, {}).get(method.lower())
    if op is None:
        fail("openapi.json has no %s %s" % (method, template))
    resp = op.get("responses", {}).get(status)
    if resp is None:
        fail("openapi.json documents no %s answer to %s %s" % (status, method, template))
    schema = resp.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        fail("openapi.json gives no JSON schema for %s %s %s" % (method, template, status))
    return schema


def check(doc, answers, validator_module):
    strict = to_json_schema(doc)
    problems = []
    seen = set()
    for template, method, status, body in answers:
        schema = response_schema(doc, template, method, status)
        root = "%s %s %s" % (template, method, status)
        wrapped = dict(to_json_schema(schema))
        wrapped["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        wrapped["components"] = strict["components"]
        validator = validator_module.validator_for(wrapped, validate_formats=True)
        for error in validator.iter_errors(body):
            at = "/".join("[]" if isinstance(p, int) else str(p) for p in error.instance_path) or "/"
            message = "%s at %s: %s" % (root, at, error.message[:300])
            if message not in problems:
                problems.append(message)
        observed(doc, schema, body, root, seen)
    wanted = set()
    refs = set()
    called = {(t, m, s) for t, m, s, _ in answers}
    for template, method, status in sorted(called):
        declared(doc, response_schema(doc, template, method, status),
                 "%s %s %s" % (template, method, status), wanted, refs)
    for place in sorted(wanted - seen - NEVER_SEEN):
        problems.append("documented but in no answer: " + place)
    for place in sorted(NEVER_SEEN - wanted):
        problems.append("NEVER_SEEN names what the document no longer declares: " + place)
    for template, ops in doc["paths"].items():
        get = ops.get("get")
        if not get:
            continue
        if not any("application/json" in r.get("content", {})
                   for c, r in get.get("responses", {}).items() if c.startswith("2")):
            continue
        if not any(t == template and m == "GET" for t, m, _ in called):
            problems.append("GET %s is documented but this test never calls it" % template)
    return problems


# ---------------------------------------------------------------- the calls

def niss_for(birth, serial):
    """A valid NISS: YYMMDD, a serial, two check digits (97 - n mod 97,
    with a 2 before the number for births from 2000)."""
    base = birth[2:4] + birth[5:7] + birth[8:10] + "%03d" % serial
    n = int(("2" if birth >= "2000" else "") + base)
    return base + "%02d" % (97 - n % 97)


def exercise(api, persons, company, samples, today):
    """Every JSON route with real parameters; the demo's samples (a plan,
    a formal notice, a dispense, a bridging right, a company) bring the
    rarer fields, and a plan asked for then refused brings an appeal."""
    if "formal notice" not in samples:
        fail("the demo population has no formal-notice sample: %s" % sorted(samples))
    debtor = samples["formal notice"]
    debt = api.call("staff", "GET", "/v1/persons/{party_id}/debt", "/v1/persons/%s/debt" % debtor)
    owed = [l["debt"] for l in debt["lines"] if l["outstanding"] != "0.00" and re.match(r"^\d{4}-Q[1-4]$", l["debt"])]
    if not owed:
        fail("the formal-notice sample owes no quarter")
    api.call("staff", "POST", "/v1/persons/{party_id}/payment-plans", "/v1/persons/%s/payment-plans" % debtor,
             body={"quarters": owed[:1], "instalments": 6, "date": today})
    api.call("staff", "POST", "/v1/persons/{party_id}/payment-plans/refuse",
             "/v1/persons/%s/payment-plans/refuse" % debtor,
             body={"reason_code": "NO_GUARANTEE", "reason": "Earlier plans were not kept.",
                   "appeal_body": "Tribunal du travail de Bruxelles", "appeal_deadline": "2027-03-31",
                   "date": today})
    return exercise_reads(api, persons, company, sorted(set(samples.values())), today)


def exercise_reads(api, persons, company, samples, today):
    person = persons[0]
    p = "/v1/persons/" + person
    t_person = "/v1/persons/{party_id}"
    t_company = "/v1/companies/{company_number}"
    api.call(None, "GET", "/health")
    api.call(None, "GET", "/ready")
    api.call("staff", "GET", "/v1/session")
    ident = api.call("staff", "GET", t_person + "/identity", p + "/identity")
    api.call("staff", "GET", "/v1/persons/lookup", "/v1/persons/lookup?niss=" + ident["niss"])
    api.call("staff", "POST", "/v1/persons/lookup", body={"niss": ident["niss"]})
    api.call("staff", "POST", "/v1/persons/search", body={"name": ident["last_name"]})
    api.call("staff", "POST", "/v1/persons/search", body={}, expect=(400,))  # an Error
    api.call("auditor", "GET", t_person + "/events", p + "/events?limit=50")
    api.call("staff", "GET", t_person + "/statement", p + "/statement?limit=5")
    api.call("auditor", "GET", t_person + "/statement", p + "/statement?limit=5&at=2025-06-30&known_at=2026-01-01T00:00:00Z")
    for other in [person] + samples + persons[1:6]:
        q = "/v1/persons/" + other
        for route in ("", "/debt", "/statement", "/career", "/tax-certificate", "/requests"):
            api.call("staff", "GET", t_person + route, q + route)
    for route in ("", "/debt", "/career", "/tax-certificate", "/requests"):  # as of a date
        api.call("auditor", "GET", t_person + route, p + route + "?at=2025-06-30")
    c = "/v1/companies/" + company
    for route in ("", "/statement", "/debt"):
        api.call("staff", "GET", t_company + route, c + route)
        api.call("staff", "GET", t_company + route, c + route + "?at=2025-06-30")
    api.call("auditor", "GET", t_company + "/events", c + "/events")
    api.call("staff", "GET", "/v1/collection/work-list", "/v1/collection/work-list?limit=20")
    api.call("staff", "GET", "/v1/statistics")
    api.call("auditor", "GET", "/v1/audit/access-log", "/v1/audit/access-log?limit=20")
    api.call("admin", "GET", "/v1/projections/status")

    # A person whose account pays one of the bank file's lines (matched by
    # account); the others stay in suspense.
    api.call("staff", "POST", "/v1/persons", body={
        "niss": niss_for("1988-04-12", 57), "first_name": "Field", "last_name": "Payer",
        "start": "2025-01-01", "category": "main", "iban": "BE68539007547034", "date": today})
    with open(CAMT, "rb") as f:
        camt = f.read()
    api.call("batch", "POST", "/v1/payments/import", raw=camt, content_type="application/octet-stream")
    # The same bank's next statement, whose structured credit pays the
    # company's last notice (matched by communication).
    debt = api.call("staff", "GET", t_company + "/debt", c + "/debt")
    digits = re.sub(r"[^0-9]", "", debt["years"][-1]["communication"])
    for old, new in ((b"<Id>2025-0004</Id>", b"<Id>2025-0005</Id>"), (b"312401398067", digits.encode())):
        if camt.count(old) != 1:
            fail("the bank file no longer holds %r once" % old)
        camt = camt.replace(old, new)
    api.call("batch", "POST", "/v1/payments/import", raw=camt, content_type="application/xml")
    suspense = api.call("staff", "GET", "/v1/suspense", "/v1/suspense?limit=5")
    if suspense["items"]:
        api.call("staff", "POST", "/v1/suspense/match",
                 body={"bank_ref": suspense["items"][0]["bank_ref"], "party_id": person})
    api.call("staff", "POST", t_person + "/payments", p + "/payments",
             body={"amount": "12.34", "value_date": today, "bank_ref": "FIELDS-1", "channel": "manual"})
    quarter = "%s-Q%d" % (today[:4], (int(today[5:7]) - 1) // 3 + 1)
    api.call("batch", "POST", "/v1/runs/assessment", body={"quarter": quarter, "date": today})
    api.call("batch", "POST", "/v1/runs/reminders", body={"date": today})
    api.call("auditor", "GET", "/v1/runs")
    api.call("admin", "POST", "/v1/admin/backup", body={"name": "fields"})
    api.call("admin", "POST", "/v1/admin/projections/rebuild")


def main():
    if len(sys.argv) != 4:
        fail("usage: response_fields.py KASSA KASSAD WORK_DIR")
    kassa, kassad, work = sys.argv[1:]
    venv = cached_venv(os.path.join(HERE, "schemathesis", "requirements.txt"), "schemathesis")
    # jsonschema_rs lives in the schemathesis venv: run there
    if os.path.realpath(sys.prefix) != os.path.realpath(os.path.dirname(venv)):
        os.execv(os.path.join(venv, "python"), [os.path.join(venv, "python")] + sys.argv)
    import jsonschema_rs

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    data = os.path.join(work, "data")
    ids = os.path.join(work, "ids.txt")
    demo = subprocess.run([kassa, "demo", "generate", "--data-dir", data, "--persons", "40",
                           "--from-year", "2022", "--party-ids", ids, "--json", "--log-level", "warn"],
                          stdout=subprocess.PIPE, text=True)
    if demo.returncode != 0:
        fail("kassa demo generate failed")
    samples = {s["label"]: s["key"] for s in json.loads(demo.stdout)["samples"]}
    if "company" not in samples:
        fail("the demo population has no company sample: %s" % sorted(samples))
    tokens = add_tokens(kassa, data, ROLES, "fields", fail)
    with open(ids) as f:
        persons = [line.strip() for line in f if line.strip()]

    with Kassad(kassad, data, os.path.join(work, "kassad.log"), fail, wait_path="/ready") as server:
        base = server.base
        with urllib.request.urlopen(base + "/openapi.json", timeout=10) as r:
            doc = json.loads(r.read())
        if os.environ.get("KASSA_OPENAPI_FILE"):  # trying a document before it is built in
            with open(os.environ["KASSA_OPENAPI_FILE"]) as f:
                doc = json.load(f)
        api = Api(base, tokens)
        api.call("staff", "POST", "/v1/companies", body={
            "company_number": COMPANY, "name": "Fields NV", "legal_form": "NV",
            "incorporation": "2015-03-01", "directors": [persons[0]]})
        today = time.strftime("%Y-%m-%d", time.gmtime())
        exercise(api, persons, samples.pop("company"), samples, today)
        with open(os.path.join(work, "answers.json"), "w") as f:
            json.dump(api.answers, f, indent=1)
        problems = check(doc, api.answers, jsonschema_rs)
        print("response_fields: %d answers of %d routes checked" %
              (len(api.answers), len({(t, m) for t, m, _, _ in api.answers})), flush=True)
        if problems:
            for p in problems:
                print("  " + p)
            fail("%d disagreements between openapi.json and the answers" % len(problems))
        print("response_fields: every answer's field is documented and every documented field answered")


if __name__ == "__main__":
    main()
