"""`octobus serve` re-executes itself once with a deeper glibc malloc thread cache
(GLIBC_TUNABLES=glibc.malloc.tcache_count=256); the user can opt out or choose their own
value, and the start-up line says which happened. (That children never inherit the
tunable is checked in test_instances.py::test_child_process_contract.)"""

import os
import re
import subprocess
from pathlib import Path

from octobus_e2e import BIN

from support.processes import environ


def malloc_state(daemon) -> str:
    match = re.search(r"msg=daemon_listening .* malloc=(\S+)", daemon.log())
    assert match, daemon.log()
    return match.group(1)


def test_the_daemon_runs_with_the_deeper_cache_and_keeps_its_pid(start_daemon):
    d = start_daemon()
    assert malloc_state(d) == "tuned"
    # /proc/<pid>/environ is the environment the running image was started with.
    env = environ(d.process.pid)
    assert env["GLIBC_TUNABLES"] == "glibc.malloc.tcache_count=256"
    assert d.cli("status").returncode == 0
    assert d.stop() == 0


def test_other_tunables_of_the_user_are_kept(start_daemon):
    d = start_daemon(extra_env={"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"})
    assert malloc_state(d) == "tuned"
    # glibc splits GLIBC_TUNABLES in place while parsing it (each ':' becomes a NUL), so
    # the start-up environment shows the two tunables as two entries.
    entries = Path(f"/proc/{d.process.pid}/environ").read_bytes().split(b"\0")
    at = entries.index(b"GLIBC_TUNABLES=glibc.malloc.arena_max=2")
    assert entries[at + 1] == b"glibc.malloc.tcache_count=256"
    assert d.stop() == 0


def test_a_tcache_count_set_by_the_user_wins(start_daemon):
    d = start_daemon(extra_env={"GLIBC_TUNABLES": "glibc.malloc.tcache_count=7"})
    assert malloc_state(d) == "user"
    env = environ(d.process.pid)
    assert env["GLIBC_TUNABLES"] == "glibc.malloc.tcache_count=7"
    assert "OCTOBUS_ALLOCATOR_REEXEC" not in env
    assert d.stop() == 0


def test_opt_out(start_daemon):
    d = start_daemon(extra_env={"OCTOBUS_MALLOC_TUNING": "off"})
    assert malloc_state(d) == "off"
    env = environ(d.process.pid)
    assert "GLIBC_TUNABLES" not in env and "OCTOBUS_ALLOCATOR_REEXEC" not in env
    assert d.cli("status").returncode == 0
    assert d.stop() == 0


def test_other_spellings_of_off_and_a_clear_error_for_nonsense(tmp_path, start_daemon):
    d = start_daemon(extra_env={"OCTOBUS_MALLOC_TUNING": "FALSE"})
    assert malloc_state(d) == "off"
    assert d.stop() == 0
    env = dict(os.environ, OCTOBUS_MALLOC_TUNING="sometimes")
    result = subprocess.run([BIN, "serve", "--addr", "127.0.0.1:0", "--data-dir", str(tmp_path / "never")],
                            capture_output=True, text=True, env=env, timeout=20)
    assert result.returncode == 1
    assert 'OCTOBUS_MALLOC_TUNING must be on or off (or 1/0, true/false, yes/no), not "sometimes"' in result.stderr
    assert not (tmp_path / "never").exists()  # refused before anything was created
