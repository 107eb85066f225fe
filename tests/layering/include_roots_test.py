#!/usr/bin/env python3
"""Each module's include path shows only the modules it links: a probe
including a header of a module it links compiles with the module's own
compile flags (read from compile_commands.json); a probe including a module
it does not link fails because the header is not found (not for any other
reason).

  include_roots_test.py CXX COMPILE_COMMANDS 'SOURCE_DIR|HEADER|ok|missing' ...
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

cxx, commands_path = sys.argv[1], sys.argv[2]
with open(commands_path) as f:
    commands = json.load(f)


def include_flags(source_dir):
    """The -I/-isystem flags of the first source compiled under source_dir
    (directly in it, not in a sub-folder)."""
    for c in commands:
        if os.path.dirname(c["file"]) != source_dir:
            continue
        args = shlex.split(c["command"]) if "command" in c else c["arguments"]
        flags = []
        i = 0
        while i < len(args):
            a = args[i]
            if a in ("-I", "-isystem"):
                flags += [a, args[i + 1]]
                i += 2
                continue
            if a.startswith("-I"):
                flags.append(a)
            i += 1
        return flags
    sys.exit(f"no compile command for a source in {source_dir}")


failures = 0
with tempfile.TemporaryDirectory() as tmp:
    for case in sys.argv[3:]:
        source_dir, header, expect = case.split("|")
        probe = os.path.join(tmp, "probe.cpp")
        with open(probe, "w") as f:
            f.write(f'#include "{header}"\nint main() {{ return 0; }}\n')
        run = subprocess.run([cxx, "-std=c++20", "-fsyntax-only", *include_flags(source_dir), probe],
                             capture_output=True, text=True)
        if expect == "ok":
            good = run.returncode == 0
        else:
            good = run.returncode != 0 and f"{header}: No such file or directory" in run.stderr
        print(f"{'ok  ' if good else 'FAIL'} {source_dir}: #include \"{header}\" -> expected {expect}")
        if not good:
            failures += 1
            print(run.stderr[-2000:])
sys.exit(1 if failures else 0)
