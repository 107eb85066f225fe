#!/usr/bin/env python3
"""check_tidy_test.py CHECK_TIDY — scripts/check-tidy refuses what it should.

A file with a use after move and a product widened after it was computed
narrow fails the check, naming the file, the line and each check; the same
file without them passes; a clean file that includes a module's header with
a use after move fails too, the header opened as Kassa's are, through an
include root that links to the module's folder (build/<preset>/include/
<module>/<module>). Each is compiled from a compile_commands.json of its own
in a temporary folder, so the test needs no build tree.
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


HEADER = """#pragma once
#include <string>
#include <utility>
inline std::size_t moved_in_header(std::string s) {
  std::string t = std::move(s);
  return s.size() + t.size();
}
"""
INCLUDING = """#include "mod/bad.h"
std::size_t use() { return moved_in_header("x"); }
"""


def check(tool, folder, name, text, flags=""):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    with open(os.path.join(folder, "compile_commands.json"), "w") as f:
        json.dump([{"directory": folder, "file": path,
                    "command": "c++ -std=c++20 %s -c %s -o %s.o" % (flags, path, path)}], f)
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
        # A module's header, reached through its include root's link.
        module = os.path.join(folder, "module_src")
        os.makedirs(module)
        with open(os.path.join(module, "bad.h"), "w") as f:
            f.write(HEADER)
        os.makedirs(os.path.join(folder, "include", "mod"))
        os.symlink(module, os.path.join(folder, "include", "mod", "mod"))
        code, out = check(tool, folder, "includes.cpp", INCLUDING,
                          "-I" + os.path.join(folder, "include", "mod"))
        if code != 1 or "bad.h:6:" not in out or "bugprone-use-after-move" not in out:
            sys.exit("check_tidy_test: the header's finding was not reported (exit %d):\n%s" % (code, out))
    print("check_tidy_test: a use after move and a narrow product refused, in a file and in a "
          "header through its include root; the fixed file passes")


if __name__ == "__main__":
    main()
