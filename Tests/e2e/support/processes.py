"""Process-table checks through /proc and polling helpers for instance state.

An instance's node process is recognised by its argv (SPEC §5.1):
`… --runtime serve … --workdir <data>/instances/<iid> --service <sid> --instance <iid>`.
Zombies (exited, not yet reaped) count as gone.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .grpc_client import is_serving
from .util import wait_until


@dataclass
class Proc:
    pid: int
    argv: list[str]

    def flag(self, name: str) -> str | None:
        """Value after `name` in argv, if present."""
        try:
            return self.argv[self.argv.index(name) + 1]
        except (ValueError, IndexError):
            return None


def process_state(pid: int) -> str | None:
    """One-letter state from /proc/<pid>/stat, None if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def is_running(pid: int | None) -> bool:
    if not pid:
        return False
    state = process_state(int(pid))
    return state is not None and state not in ("Z", "X")


def read_argv(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    if not raw:
        return None  # zombie or kernel thread
    return raw.rstrip(b"\0").decode(errors="replace").split("\0")


def all_processes() -> list[Proc]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        argv = read_argv(int(entry))
        if argv and is_running(int(entry)):
            out.append(Proc(int(entry), argv))
    return out


def instance_processes(instance_id: str, data_dir: Path | None = None) -> list[Proc]:
    """Live processes started for `instance_id` (argv `--instance <id>`),
    restricted to the given data dir (argv mentions it) when given."""
    prefix = str(Path(data_dir).resolve()) if data_dir else None
    found = []
    for proc in all_processes():
        if proc.flag("--instance") != instance_id or "--runtime" not in proc.argv:
            continue
        if prefix and not any(_under(arg, prefix) for arg in proc.argv):
            continue
        found.append(proc)
    return found


def processes_mentioning(path: Path) -> list[Proc]:
    """Live processes with an argv element starting with `path`."""
    prefix = str(Path(path).resolve())
    return [p for p in all_processes() if any(_under(arg, prefix) for arg in p.argv)]


def _under(arg: str, prefix: str) -> bool:
    return arg == prefix or arg.startswith(prefix + "/")


def kill_processes_mentioning(path: Path) -> list[int]:
    """Safety net for teardown: SIGKILL whatever a test's daemon left behind."""
    killed = []
    for proc in processes_mentioning(path):
        try:
            os.kill(proc.pid, signal.SIGKILL)
            killed.append(proc.pid)
        except ProcessLookupError:
            pass
    return killed


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    pairs = (item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)
    return dict(pairs)


def cwd(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/cwd")


def wait_gone(pid: int, timeout: float = 10.0):
    wait_until(lambda: not is_running(pid), timeout=timeout, message=f"pid {pid} to exit")


class CmdlineSampler:
    """Samples every process's argv in the background (≈every 5 ms) and keeps
    those containing any of `needles` — `ps` as seen while e.g. git runs."""

    def __init__(self, needles: list[str], interval: float = 0.005):
        self.needles = [n for n in needles if n]
        self.interval = interval
        self.hits: list[list[str]] = []
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cmdline-sampler", daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                argv = read_argv(int(entry))
                if argv and any(n in arg for arg in argv for n in self.needles):
                    self.hits.append(argv)
            self.samples += 1
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)


# -- instance state through the CLI ------------------------------------------------

def cli_json(daemon, *args, input=None, env=None):
    """Runs the CLI, asserts exit 0 and returns the parsed stdout JSON."""
    result = daemon.cli(*args, input=input, env=env)
    assert result.returncode == 0, f"octobus {' '.join(args)} failed ({result.returncode}):\n{result.stderr}"
    return json.loads(result.stdout)


def instance_get(daemon, instance_id: str) -> dict:
    return cli_json(daemon, "instance", "get", instance_id)


def wait_instance(daemon, instance_id: str, predicate, timeout: float = 20.0, message: str = "instance state"):
    """Polls `octobus instance get` until predicate(instance) holds; returns it."""
    seen = []

    def check():
        inst = instance_get(daemon, instance_id)
        seen.append((inst.get("Status"), inst.get("PID")))
        return inst if predicate(inst) else None

    try:
        return wait_until(check, timeout=timeout, interval=0.1, message=f"{instance_id}: {message}")
    except AssertionError as error:
        raise AssertionError(f"{error}\n(status, pid) history: {_squash(seen)}") from None


def wait_running(daemon, instance_id: str, timeout: float = 20.0, other_than_pid: int | None = None) -> dict:
    """Until `running` with a live PID (other than `other_than_pid`) that serves health checks."""
    def ok(inst):
        pid = inst.get("PID")
        return (inst.get("Status") == "running" and pid and pid != other_than_pid and is_running(pid)
                and inst.get("ListenAddr") and is_serving(inst["ListenAddr"], timeout=1.0))
    return wait_instance(daemon, instance_id, ok, timeout=timeout, message="running, healthy"
                         + (f", pid != {other_than_pid}" if other_than_pid else ""))


def _squash(items):
    out = []
    for item in items:
        if not out or out[-1] != item:
            out.append(item)
    return out


class InstanceWatcher:
    """Samples the instance's processes in the background (≈every 20 ms):
    when each pid was first seen, and the most seen alive at once."""

    def __init__(self, instance_id: str, data_dir: Path, interval: float = 0.02):
        self.instance_id = instance_id
        self.data_dir = data_dir
        self.interval = interval
        self.first_seen: dict[int, float] = {}   # pid -> time.monotonic()
        self.max_alive = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"watch-{instance_id}", daemon=True)

    def _run(self):
        while not self._stop.is_set():
            pids = [p.pid for p in instance_processes(self.instance_id, self.data_dir)]
            now = time.monotonic()
            for pid in pids:
                self.first_seen.setdefault(pid, now)
            self.max_alive = max(self.max_alive, len(pids))
            time.sleep(self.interval)

    def first_new_pid_after(self, since: float, exclude=()) -> tuple[int, float] | None:
        """(pid, time) of the earliest pid first seen after `since`."""
        found = sorted((t, pid) for pid, t in self.first_seen.items() if t >= since and pid not in exclude)
        return (found[0][1], found[0][0]) if found else None

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
