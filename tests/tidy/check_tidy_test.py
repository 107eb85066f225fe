#!/usr/bin/env python3
"""check_tidy_test.py CHECK_TIDY — scripts/check-tidy refuses what it should.

A file with a use after move and a product widened after it was computed
narrow fails the check, naming the file, the line and each check; the same
file without them passes. Each is compiled from a compile_commands.json of
its own in a temporary folder, so the test needs no build tree.
"""
import json
import os
import subprocess
import sys
import tempfile

BAD = """#include <cstdint>
#include <string>
#include <utility>
std::int64_t micros(int seconds) { return seconds * 1000000; }
std::size_t moved(std::string s) {
  std::string t = std::move(s);
  return s.size() + t.size();
}
"""
GOOD = """#include <cstdint>
#include <string>
#include <utility>
std::int64_t micros(int seconds) { return std::int64_t{seconds} * 1000000; }
std::size_t moved(std::string s) {
  std::string t = std::move(s);
  return t.size();
}
"""


def check(tool, folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    with open(os.path.join(folder, "compile_commands.json"), "w") as f:
        json.dump([{"directory": folder, "file": path,
                    "command": "c++ -std=c++20 -c %s -o %s.o" % (path, path)}], f)
    run = subprocess.run([sys.executable, tool, folder, path], capture_output=True, text=True)
    return run.returncode, run.stdout + run.stderr


def main():
    tool = sys.argv[1]
    with tempfile.TemporaryDirectory() as folder:
        code, out = check(tool, folder, "bad.cpp", BAD)
        expected = ["bad.cpp:4:", "bugprone-implicit-widening-of-multiplication-result",
                    "bad.cpp:7:", "bugprone-use-after-move"]
        missing = [e for e in expected if e not in out]
        if code != 1 or missing:
            sys.exit("check_tidy_test: the bad file gave exit %d, missing %s:\n%s" % (code, missing, out))
        code, out = check(tool, folder, "good.cpp", GOOD)
        if code != 0:
            sys.exit("check_tidy_test: the good file gave exit %d:\n%s" % (code, out))
    print("check_tidy_test: a use after move and a narrow product refused; the fixed file passes")


if __name__ == "__main__":
    main()
