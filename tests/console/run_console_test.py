#!/usr/bin/env python3
"""The staff console in a real browser: headless Chromium driven by selenium.

    run_console_test.py KASSA KASSAD WORK_DIR

Needs Debian's `chromium` and `chromium-driver` (scripts/setup installs
them) and npm; fails loudly without them: CI never skips this test.
Installs the pinned selenium (requirements.txt) into a venv and the pinned
axe-core (package.json, package-lock.json, `npm ci`) into a folder, both
cached under $KASSA_CACHE (default ~/.cache/kassa) by their files' hash.

Starts kassad on a fresh data folder with a small demo population, one
person registered through the API with a known NISS and an assessment run
(so that person has notices), then, as fund staff would, in French:
signs in with a token (a wrong one first), finds the person by NISS,
states the purpose by keyboard, opens the file, records a payment (a
field error from the form, one from the API next to its field, then a
confirmed payment whose confirm button is double-clicked) and sees the
debt and the statement change, records a personal contact, a payment
plan asked for and then refused with its appeal, sees a refund refused
next to its IBAN field, gives the person's account and new address (an
API refusal next to the postal code first) and sees the identity change,
pages the statement, prints it to PDF,
pages the collection work-list, matches a bank line in suspense to the
person by NISS and sees it booked, switches language, signs out. axe-core
runs on every page and dialog: any serious or critical violation fails.

Artefacts in WORK_DIR/screenshots/ (PNG per step, statement.pdf) and
WORK_DIR/kassad.log; ctest puts WORK_DIR in the build folder
(build/<preset>/tests/console/console-work).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "support"))
from cached_venv import cached_venv  # noqa: E402
from kassa_api import call  # noqa: E402
from kassad_server import Kassad, add_tokens  # noqa: E402

NISS = "85073003328"  # born 30/07/1985, serial 033, check digits 28
BANK_FILE = os.path.realpath(os.path.join(HERE, "..", "data", "bank", "camt053-001-02-fund.xml"))
PAYMENT = "100.00"


def fail(message):
    print("run_console_test: FAIL: " + message, file=sys.stderr, flush=True)
    sys.exit(1)


def step(message):
    print("run_console_test: " + message, flush=True)


def require_tools():
    missing = [tool for tool in ("chromium", "chromedriver", "npm") if shutil.which(tool) is None]
    if missing:
        fail("missing " + ", ".join(missing) + ": install Debian's chromium and chromium-driver "
             "(and npm) with scripts/setup; this test never skips")


def in_venv():
    """Re-runs this script under the cached venv's python (with selenium)."""
    if os.environ.get("KASSA_CONSOLE_TEST_VENV") == "1":
        return
    python = os.path.join(cached_venv(os.path.join(HERE, "requirements.txt"), "selenium"), "python")
    # Selenium Manager never downloads a driver or a browser: Debian's are given.
    env = dict(os.environ, KASSA_CONSOLE_TEST_VENV="1", SE_OFFLINE="true", SE_AVOID_STATS="true")
    os.execve(python, [python, os.path.abspath(__file__)] + sys.argv[1:], env)


def axe_source():
    """axe.min.js from the pinned axe-core, installed once with npm ci."""
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        with open(os.path.join(HERE, name), "rb") as f:
            digest.update(f.read())
    cache = os.environ.get("KASSA_CACHE", os.path.expanduser("~/.cache/kassa"))
    root = os.path.join(cache, "npm-console-" + digest.hexdigest()[:16])
    script = os.path.join(root, "node_modules", "axe-core", "axe.min.js")
    if not os.path.exists(os.path.join(root, "installed")):
        shutil.rmtree(root, ignore_errors=True)
        os.makedirs(root)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(HERE, name), root)
        if subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                          cwd=root).returncode != 0:
            fail("npm ci could not install axe-core from the npm registry")
        open(os.path.join(root, "installed"), "w").close()
    with open(script) as f:
        return f.read()


def check_words():
    """words_fr.js, words_nl.js and words_en.js have the same keys."""
    keys = {}
    for lang in ("fr", "nl", "en"):
        with open(os.path.join(HERE, "..", "..", "console", "words_%s.js" % lang), encoding="utf-8") as f:
            keys[lang] = set(re.findall(r'^  "([^"]+)":', f.read(), re.MULTILINE))
    for lang in ("fr", "nl"):
        if keys[lang] != keys["en"]:
            fail("console/words_%s.js and words_en.js differ: only in %s %s, only in en %s" % (
                lang, lang, sorted(keys[lang] - keys["en"]), sorted(keys["en"] - keys[lang])))
    step("%d words in each language" % len(keys["en"]))


def api(base, method, path, token, body=None, purpose=None):
    return call(base, method, path, token, body, purpose, timeout=60)


def prepare(kassa, work):
    """A data folder: 100 demo persons (over 20 debtors: two pages of the
    work-list), tokens; returns (data, tokens)."""
    data = os.path.join(work, "data")
    subprocess.run([kassa, "demo", "generate", "--data-dir", data, "--persons", "100", "--from-year",
                    "2025", "--log-level", "warn"], check=True)
    tokens = add_tokens(kassa, data, ("staff", "batch", "auditor"), "console", fail)
    return data, tokens


def register(base, tokens):
    """One person with a known NISS and notices (an assessment run), and
    bank lines in suspense (a camt.053 import)."""
    today = time.strftime("%Y-%m-%d")
    year = int(today[:4])
    quarter = "%d-Q%d" % (year, (int(today[5:7]) - 1) // 3 + 1)
    status, body = api(base, "POST", "/v1/persons", tokens["staff"], {
        "niss": NISS, "first_name": "Camille", "last_name": "Dewaele", "start": "%d-01-01" % year,
        "category": "main", "date": today})
    if status != 201:
        fail("registering the person answered %d %s" % (status, body))
    party = body["party_id"]
    status, body = api(base, "POST", "/v1/runs/assessment", tokens["batch"], {"quarter": quarter, "date": today})
    if status not in (200, 201):
        fail("the assessment run answered %d %s" % (status, body))
    # A bank statement whose credits match nobody: items in suspense.
    with open(BANK_FILE, "rb") as f:
        req = urllib.request.Request(base + "/v1/payments/import", data=f.read(), method="POST")
    req.add_header("Authorization", "Bearer " + tokens["batch"])
    req.add_header("Content-Type", "application/xml")
    with urllib.request.urlopen(req, timeout=60) as r:
        body = json.loads(r.read())
    if body.get("suspense", 0) < 2:
        fail("the bank import left %s items in suspense; the test needs two" % body.get("suspense"))
    return party


def demo_person(base, tokens):
    """The demo person with member number 1, found the way the API offers
    (POST /v1/persons/search); the journey then finds it by name."""
    status, body = api(base, "POST", "/v1/persons/search", tokens["staff"], {"member_number": 1},
                       purpose="console test set-up")
    if status != 200 or len(body.get("persons", [])) != 1:
        fail("the search by member number 1 answered %d %s" % (status, body))
    person = body["persons"][0]
    if not person.get("first_name") or not person.get("last_name"):
        fail("demo member 1 has no name: %s" % person)
    return person


def check_search_logged(base, token, party):
    """The name search is in the access log with the purpose typed for it."""
    status, body = api(base, "GET", "/v1/audit/access-log?party_id=%s&limit=10000" % party, token)
    if status != 200:
        fail("the access log answered %d %s" % (status, body))
    purposes = {(r["route"], r["purpose"]) for r in body["records"]}
    for route in ("POST /v1/persons/search", "GET /v1/persons/{party_id}/identity"):
        if not any(r == route and p.endswith("courrier du membre") for r, p in purposes):
            fail("no access-log record of %s with the purpose of the name search: %s" % (
                route, sorted(purposes)))
    step("the name search and the file it opened are in the access log")


def check_access_log(base, token, party):
    """The file's reads are in the access log with the purpose the browser
    sent, accents and all (the console sends it as UTF-8)."""
    status, body = api(base, "GET", "/v1/audit/access-log?party_id=%s&limit=10000" % party, token)
    if status != 200:
        fail("the access log answered %d %s" % (status, body))
    routes = {r["route"] for r in body["records"]
              if r["purpose"] == "Appel téléphonique du membre — rappel reçu"}
    for route in ("POST /v1/persons/lookup", "GET /v1/persons/{party_id}",
                  "GET /v1/persons/{party_id}/debt", "GET /v1/persons/{party_id}/statement"):
        if route not in routes:
            fail("no access-log record of %s with the purpose given in the browser: %s" % (
                route, sorted({(r["route"], r["purpose"]) for r in body["records"]})))
    step("the access log holds the purpose as typed")


def browser(downloads):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US",
                 "--user-data-dir=" + downloads):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_script_timeout(60)
    return driver


def main():
    if len(sys.argv) != 4:
        fail("usage: run_console_test.py KASSA KASSAD WORK_DIR")
    require_tools()
    in_venv()
    started = time.monotonic()
    check_words()
    kassa, kassad, work = sys.argv[1:]
    axe = axe_source()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "screenshots"))
    data, tokens = prepare(kassa, work)
    with Kassad(kassad, data, os.path.join(work, "kassad.log"), fail, log_level="info") as server:
        base = server.base
        driver = None
        try:
            party = register(base, tokens)
            step("kassad on %s; the person %s registered and assessed (%.1f s)" % (
                base, party, time.monotonic() - started))
            driver = browser(os.path.join(work, "chromium-profile"))
            from journey import Journey
            demo = demo_person(base, tokens)
            Journey(driver, base, axe, os.path.join(work, "screenshots"), tokens["staff"], NISS, party,
                    PAYMENT, demo, tokens["auditor"], tokens["batch"], BANK_FILE).run()
            check_access_log(base, tokens["auditor"], party)
            check_search_logged(base, tokens["auditor"], demo["party_id"])
            log_path = os.path.join(work, "kassad.log")
            with open(log_path) as f:
                log = f.read()
            for secret in (tokens["staff"], NISS, "Camille", "Dewaele", demo["last_name"]):
                if secret in log:
                    fail("kassad.log carries personal data or a token")
            step("passed in %.1f s; screenshots in %s" % (time.monotonic() - started,
                                                           os.path.join(work, "screenshots")))
        finally:
            if driver is not None:
                driver.quit()


if __name__ == "__main__":
    main()
