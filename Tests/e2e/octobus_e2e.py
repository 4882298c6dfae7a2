"""Helpers for end-to-end tests: they run the real `octobus` release binary
(OCTOBUS_BIN, default .build/release/octobus) on a free loopback port with a temp data dir."""

import os
import re
import signal
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = os.environ.get("OCTOBUS_BIN", str(REPO / ".build" / "release" / "octobus"))


class Daemon:
    """A running `octobus serve`."""

    def __init__(self, data_dir: Path, log_path: Path, extra_env=None, addr="127.0.0.1:0", args=(), pass_fds=()):
        self.data_dir = data_dir
        self.log_path = log_path
        env = dict(os.environ)
        env.pop("OCTOBUS_ADDR", None)
        env.update(extra_env or {})
        self.log_file = open(log_path, "ab")
        self.process = subprocess.Popen(
            [BIN, "serve", "--addr", addr, "--data-dir", str(data_dir), *args],
            stdout=self.log_file, stderr=self.log_file, env=env, start_new_session=True, pass_fds=pass_fds)
        self.port = self._wait_for_port()
        self.addr = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.addr}"

    def _wait_for_port(self, timeout=15.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            text = self.log()
            match = re.search(r"msg=daemon_listening addr=\S+:(\d+)", text)
            if match:
                return int(match.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"octobus exited with {self.process.returncode}:\n{text}")
            time.sleep(0.05)
        raise RuntimeError("octobus did not start:\n" + self.log())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig=signal.SIGTERM, timeout=20.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("octobus did not stop within %.0fs after %s" % (timeout, sig))
        self.log_file.close()
        return self.process.returncode

    def cli(self, *args, input=None, env=None, timeout=120):
        """Runs the CLI against this daemon."""
        full_env = dict(os.environ)
        full_env.pop("OCTOBUS_ADMIN_TOKEN", None)
        full_env.update(env or {})
        return subprocess.run([BIN, "--addr", self.addr, *args], input=input, capture_output=True,
                              text=True, env=full_env, timeout=timeout)



def run(*args, timeout=60, **kwargs):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=timeout, **kwargs)
