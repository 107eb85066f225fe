"""kassad as the Python test drivers run it (schemathesis, the response
fields check, the console's browser test): tokens added with `kassa auth
add-token`, the server on a free port, waited for, and always stopped.

    tokens = add_tokens(kassa, data, ["staff", "batch"], "console", fail)
    with Kassad(kassad, data, log_path, fail) as server:
        call(server.base, ...)
        server.check_alive("during the staff run")

`fail(message)` is the driver's own: it reports and exits non-zero.
"""

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_tokens(kassa, data, roles, prefix, fail):
    """One token per role (principal PREFIX-ROLE) in DATA/auth.json."""
    tokens = {}
    for role in roles:
        out = subprocess.run([kassa, "auth", "add-token", "--auth-file", os.path.join(data, "auth.json"),
                              "--role", role, "--principal", prefix + "-" + role],
                             stdout=subprocess.PIPE, text=True)
        if out.returncode != 0 or not out.stdout.strip():
            fail("kassa auth add-token --role %s failed" % role)
        tokens[role] = out.stdout.strip()
    return tokens


class Kassad:
    """kassad on DATA, its output in LOG_PATH, answering `wait_path` with
    200 within 60 s (else fail); terminated (killed after 30 s) on exit."""

    def __init__(self, binary, data, log_path, fail, log_level="warn", wait_path="/health"):
        self.binary, self.data, self.log_path, self.fail = binary, data, log_path, fail
        self.log_level, self.wait_path = log_level, wait_path
        self.base = "http://127.0.0.1:%d" % free_port()
        self.process = None

    def __enter__(self):
        port = self.base.rsplit(":", 1)[1]
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen([self.binary, "--data-dir", self.data, "--port", port,
                                             "--log-level", self.log_level],
                                            stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(600):
                try:
                    with urllib.request.urlopen(self.base + self.wait_path, timeout=1):
                        return self
                except urllib.error.HTTPError:  # 503 while catching up
                    time.sleep(0.1)
                except OSError:
                    self.check_alive("before answering")
                    time.sleep(0.1)
            self.fail("kassad did not answer %s within 60 s; see %s" % (self.wait_path, self.log_path))
        except BaseException:
            self.stop()
            raise
        return self

    def check_alive(self, when):
        if self.process.poll() is not None:
            self.fail("kassad exited with %d %s; see %s" % (self.process.returncode, when, self.log_path))

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    @property
    def returncode(self):
        return self.process.returncode

    def __exit__(self, *exc):
        self.stop()
        return False
