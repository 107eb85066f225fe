#!/usr/bin/env python3
"""scripts/check-format refuses a file out of the house style, naming it and
its first differing line, accepts a formatted one, and --fix formats it
(run on a tree made here, with the repository's .clang-format)."""
import os
import shutil
import subprocess
import sys
import tempfile

script, style = sys.argv[1], sys.argv[2]
good = "int add(int a, int b) { return a + b; }\n"
bad = "int add(int a, int b) { return a + b; }\nint   twice(int a){return  2*a;}\n"
crlf = "int add(int a, int b) { return a + b; }\r\n"
with tempfile.TemporaryDirectory() as root:
    shutil.copy(style, os.path.join(root, ".clang-format"))
    os.makedirs(os.path.join(root, "src", "domain"))
    for name, text in {"good.cpp": good, "bad.h": bad, "crlf.cpp": crlf}.items():
        with open(os.path.join(root, "src", "domain", name), "w", newline="") as f:
            f.write(text)
    run = subprocess.run([sys.executable, script, root], capture_output=True, text=True)
    print(run.stdout, run.stderr)
    expected = ["src/domain/bad.h:2: not in the house style",
                "src/domain/crlf.cpp:1: not in the house style"]
    if run.returncode != 1 or any(e not in run.stdout for e in expected) or "good.cpp" in run.stdout:
        sys.exit("expected exit 1 naming %r and not good.cpp" % expected)
    fixed = subprocess.run([sys.executable, script, "--fix", root])
    again = subprocess.run([sys.executable, script, root], capture_output=True, text=True)
    with open(os.path.join(root, "src", "domain", "bad.h")) as f:
        text = f.read()
    if fixed.returncode != 0 or again.returncode != 0 or "int twice(int a) { return 2 * a; }" not in text:
        sys.exit("--fix did not format bad.h: %r" % text)
print("ok")
