#!/usr/bin/env python3
"""scripts/check-layering refuses what the layering forbids, naming file,
line and rule, and accepts what it allows (run on a tree made here)."""
import os
import subprocess
import sys
import tempfile

script = sys.argv[1]
files = {
    # The pure domain: the standard library and the schemas only.
    "src/domain/money.h": '#include <cstdint>\n#include "schemas/envelope_generated.h"\n',
    "src/domain/bad.cpp": '#include <rocksdb/db.h>\n#include "log/event_log.h"\n#include <unistd.h>\n',
    # The log may use RocksDB, not the HTTP layer above it.
    "src/log/journal/journal_log.cpp": '#include <rocksdb/db.h>\n#include "http/router.h"\n',
    # The projections may use RocksDB and the log; never the write side.
    "projections/store.cpp": '#include <rocksdb/db.h>\n#include "log/event_log.h"\n#include "write/aggregate_writer.h"\n',
    # A library nobody declared.
    "src/http/x.cpp": '#include <boost/asio.hpp>\n#include <httplib.h>\n',
}
with tempfile.TemporaryDirectory() as root:
    for rel, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)
    run = subprocess.run([sys.executable, script, root], capture_output=True, text=True)
    out = run.stdout
    print(out)
    expected = [
        "src/domain/bad.cpp:1: #include <rocksdb/db.h>: domain may not use rocksdb",
        "src/domain/bad.cpp:2: #include \"log/event_log.h\": domain may not use log",
        "src/domain/bad.cpp:3: #include <unistd.h>: domain may not use posix",
        "src/log/journal/journal_log.cpp:2: #include \"http/router.h\": log may not use http",
        "projections/store.cpp:3: #include \"write/aggregate_writer.h\": projections may not use write",
        "src/http/x.cpp:1: #include <boost/asio.hpp>: a library this check does not know",
    ]
    missing = [e for e in expected if e not in out]
    lines = [l for l in out.splitlines() if l.strip()]
    if run.returncode != 1 or missing or len(lines) != len(expected):
        print(f"rc={run.returncode}; missing: {missing}; {len(lines)} problems, expected {len(expected)}")
        sys.exit(1)
print("ok")
