#!/usr/bin/env python3
"""Checks that the consumer docs follow the schemas and the Kafka headers.

    python3 tests/docs/check_event_docs.py REPO_ROOT

Fails (exit 1, one line per problem) when
  - a member of the EventBody union (schemas/envelope.fbs) is not the first
    cell of a row of an event table in docs/events.md, or not in
    docs/asyncapi.yaml (the kassa.event_type enums);
  - docs/events.md or an asyncapi kassa.event_type enum names an event type
    that is not in the union (stale docs);
  - a header name of src/log/kafka/kafka_headers.h is not a property in
    docs/asyncapi.yaml, or not mentioned in docs/events.md;
  - docs/asyncapi.yaml does not say `asyncapi: 3.0.0`.
Prints "ok" and exits 0 otherwise. Standard library only: the YAML is read
as text, which the layout of docs/asyncapi.yaml allows.
"""

import re
import sys
from pathlib import Path

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise SystemExit(f"check_event_docs: cannot read {path}: {e.strerror}")


def strip_fbs_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def union_members(envelope_fbs: str) -> list:
    """The EventBody members, in order. `Alias: Type` counts as Alias."""
    m = re.search(r"\bunion\s+EventBody\s*\{(.*?)\}", strip_fbs_comments(envelope_fbs), re.S)
    if m is None:
        return []
    members = []
    for item in m.group(1).split(","):
        item = item.strip()
        if not item:
            continue
        name = item.split(":")[0].split("=")[0].strip()
        members.append(name)
    return members


def header_names(headers_h: str) -> list:
    return re.findall(r'constexpr\s+const\s+char\s*\*\s*kHeader\w+\s*=\s*"([^"]+)"', headers_h)


def cells(line: str) -> list:
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|"):
        inner = inner[:-1]
    return [c.strip() for c in inner.split("|")]


def event_table_rows(markdown: str):
    """(line number, first cell) of every body row of a table whose header's
    first cell is "Event type"."""
    rows = []
    in_table = False
    is_event_table = False
    header_seen = False
    for number, line in enumerate(markdown.splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        if not in_table:
            in_table = True
            header_seen = False
            is_event_table = cells(line)[0].lower() == "event type"
            continue
        if not header_seen and re.fullmatch(r"[\s|:\-]+", line):
            header_seen = True
            continue
        if is_event_table:
            rows.append((number, cells(line)[0]))
    return rows


def asyncapi_event_type_enums(text: str):
    """(line number, value) of every item of an `enum:` list that sits under
    a `kassa.event_type:` key."""
    lines = text.splitlines()
    found = []
    enums = 0
    i = 0
    while i < len(lines):
        key = re.match(r"^(\s*)['\"]?kassa\.event_type['\"]?\s*:\s*$", lines[i])
        if key is None:
            i += 1
            continue
        key_indent = len(key.group(1))
        i += 1
        while i < len(lines):
            line = lines[i]
            if line.strip() and len(line) - len(line.lstrip()) <= key_indent:
                break  # left the kassa.event_type mapping
            enum = re.match(r"^(\s*)enum\s*:\s*$", line)
            if enum is not None:
                enums += 1
                enum_indent = len(enum.group(1))
                i += 1
                while i < len(lines):
                    item = re.match(r"^(\s*)-\s*['\"]?([^'\"#\s]+)['\"]?\s*(#.*)?$", lines[i])
                    if item is None or len(item.group(1)) < enum_indent:
                        break
                    found.append((i + 1, item.group(2)))
                    i += 1
                continue
            i += 1
    return enums, found


def main(argv: list) -> int:
    if len(argv) != 2:
        print("usage: check_event_docs.py REPO_ROOT", file=sys.stderr)
        return 2
    root = Path(argv[1])
    envelope_path = root / "schemas" / "envelope.fbs"
    headers_path = root / "src" / "log" / "kafka" / "kafka_headers.h"
    events_path = root / "docs" / "events.md"
    asyncapi_path = root / "docs" / "asyncapi.yaml"

    problems = []
    members = union_members(read(envelope_path))
    if not members:
        problems.append(f"{envelope_path}: no `union EventBody {{ … }}` found")
    bad = [m for m in members if not IDENT.match(m)]
    if bad:
        problems.append(f"{envelope_path}: cannot read union members {bad}")
    union = set(members)

    headers = header_names(read(headers_path))
    if not headers:
        problems.append(f"{headers_path}: no kHeader… = \"…\" constants found")

    # docs/events.md
    events_md = read(events_path)
    rows = event_table_rows(events_md)
    if not rows:
        problems.append(f"{events_path}: no table whose first column is 'Event type'")
    listed = set()
    for number, first in rows:
        m = re.fullmatch(r"`([^`]+)`", first)
        if m is None:
            problems.append(f"{events_path}:{number}: first cell {first!r} of an event table "
                            f"is not an event type in backticks")
            continue
        name = m.group(1)
        if name not in union:
            problems.append(f"{events_path}:{number}: `{name}` is not a member of the EventBody "
                            f"union in {envelope_path} (stale or misspelt)")
        listed.add(name)
    for name in members:
        if name not in listed:
            problems.append(f"{events_path}: EventBody member `{name}` is missing from the event "
                            f"tables")
    for h in headers:
        if h not in events_md:
            problems.append(f"{events_path}: header {h} (from {headers_path}) is not mentioned")

    # docs/asyncapi.yaml
    asyncapi = read(asyncapi_path)
    if not re.search(r"^asyncapi:\s*['\"]?3\.0\.0['\"]?\s*(#.*)?$", asyncapi, re.M):
        problems.append(f"{asyncapi_path}: lacks the line `asyncapi: 3.0.0`")
    enums, values = asyncapi_event_type_enums(asyncapi)
    if enums == 0:
        problems.append(f"{asyncapi_path}: no `enum:` under a `kassa.event_type:` header property")
    enumerated = set()
    for number, value in values:
        if value not in union:
            problems.append(f"{asyncapi_path}:{number}: kassa.event_type value {value} is not a "
                            f"member of the EventBody union (stale or misspelt)")
        enumerated.add(value)
    for name in members:
        if name not in enumerated:
            problems.append(f"{asyncapi_path}: EventBody member {name} is in no kassa.event_type "
                            f"enum")
    for h in headers:
        # A schema property: the key alone on its line (an example's
        # `name: value` does not count).
        if not re.search(r"^\s*['\"]?" + re.escape(h) + r"['\"]?\s*:\s*$", asyncapi, re.M):
            problems.append(f"{asyncapi_path}: header {h} (from {headers_path}) is not described "
                            f"as a header property")

    if problems:
        for p in problems:
            print(f"FAIL: {p}")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
