#!/usr/bin/env python3
"""The example Python consumer against the real broker (issue 20).

    run_python_consumer.py KASSA WORK_DIR

Installs examples/python-consumer/requirements.txt (pinned, PyPI) into a
venv cached under $KASSA_CACHE; writes a demo population to fresh topics on
the test broker (KASSA_KAFKA_BROKERS, else 127.0.0.1:$KASSA_KAFKA_PORT,
default 9092) with `kassa demo generate`; runs consumer.py reading
everything twice. Passes when the first pass applies exactly the events
kassa wrote, with 20 registrations, the second pass applies none (every
record a duplicate), and no hash or chain is bad. Never skips: no broker,
no pip, no flatc is a failure.
"""

import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "python-consumer")
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from cached_venv import cached_venv  # noqa: E402


def fail(message):
    print("run_python_consumer: " + message, file=sys.stderr, flush=True)
    sys.exit(1)


def venv():
    return os.path.join(cached_venv(os.path.join(EXAMPLE, "requirements.txt"), "consumer"), "python")


def main():
    if len(sys.argv) != 3:
        fail("usage: run_python_consumer.py KASSA WORK_DIR")
    kassa, work = sys.argv[1:]
    brokers = os.environ.get("KASSA_KAFKA_BROKERS") or \
        "127.0.0.1:" + os.environ.get("KASSA_KAFKA_PORT", "9092")
    python = venv()
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    prefix = "example%d%d" % (os.getpid(), int(time.time()))
    generated = subprocess.run(
        [kassa, "demo", "generate", "--data-dir", os.path.join(work, "data"), "--brokers", brokers,
         "--topic-prefix", prefix, "--persons", "20", "--from-year", "2025", "--json",
         "--log-level", "warn"], stdout=subprocess.PIPE, text=True)
    if generated.returncode != 0:
        fail("kassa demo generate on %s failed (is the broker running? scripts/kafka start)" % brokers)
    written = json.loads(generated.stdout)["events"]
    consumed = subprocess.run(
        [python, os.path.join(EXAMPLE, "consumer.py"), "--brokers", brokers, "--prefix", prefix,
         "--passes", "2", "--generated", os.path.join(work, "generated")],
        stdout=subprocess.PIPE, text=True)
    lines = consumed.stdout.strip().splitlines()
    if consumed.returncode != 0 or not lines:
        fail("consumer.py exited %d: %s" % (consumed.returncode, consumed.stdout[-2000:]))
    summary = json.loads(lines[-1])
    print("kassa wrote %d events; the consumer: %s" % (written, lines[-1]))
    problems = []
    if summary["applied"] != written:
        problems.append("applied %d of %d events" % (summary["applied"], written))
    if summary["duplicates"] != written:
        problems.append("the second pass dropped %d duplicates, not %d" % (summary["duplicates"], written))
    if summary["by_type"].get("PersonRegistered") != 20:
        problems.append("%s registrations, not 20" % summary["by_type"].get("PersonRegistered"))
    if summary["broken"] or summary["bad_hash"]:
        problems.append("broken chains or bad hashes")
    if problems:
        fail("; ".join(problems))
    print("run_python_consumer: every event decoded once, redeliveries dropped")


if __name__ == "__main__":
    main()
