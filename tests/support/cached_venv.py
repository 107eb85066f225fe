"""A venv with pinned PyPI packages, cached per requirements file.

Used by the Python test drivers (schemathesis, the example consumer):
cached_venv(requirements, name) returns the venv's bin folder under
$KASSA_CACHE (default ~/.cache/kassa), named after `name` and the
requirements' hash, installing them once. A missing venv module, pip or
registry fails loudly: the tests never skip.
"""

import hashlib
import os
import shutil
import subprocess
import sys


def cached_venv(requirements, name):
    with open(requirements, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    cache = os.environ.get("KASSA_CACHE", os.path.expanduser("~/.cache/kassa"))
    root = os.path.join(cache, "venv-%s-%s" % (name, digest))
    bin_dir = os.path.join(root, "bin")
    if os.path.exists(os.path.join(root, "installed")):
        return bin_dir
    shutil.rmtree(root, ignore_errors=True)
    if subprocess.run([sys.executable, "-m", "venv", root]).returncode != 0:
        sys.exit("cached_venv: cannot create a venv (python3 -m venv) at " + root)
    if subprocess.run([os.path.join(bin_dir, "python"), "-m", "pip", "install", "-q",
                       "--disable-pip-version-check", "-r", requirements]).returncode != 0:
        sys.exit("cached_venv: pip could not install " + requirements + " from PyPI")
    open(os.path.join(root, "installed"), "w").close()
    return bin_dir
