"""Overlapping control commands on one instance: the daemon runs them one at a time, so
concurrent starts never spawn two processes and a stop issued during a start wins."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from pathlib import Path

import pytest

from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.helpers import create_instance, imported, instance_dir
from support.processes import instance_get, instance_processes, is_running, wait_instance
from support.util import wait_until

pytestmark = pytest.mark.timeout(240)


def parallel(octobus, commands):
    results = [None] * len(commands)

    def run(index):
        results[index] = octobus.cli(*commands[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_starts_spawn_one_process(octobus, pkg):
    imported(octobus, "calculator", pkg.example("calculator-js"))
    create_instance(octobus, "calc1", "calculator", "--no-start")
    results = parallel(octobus, [("instance", "start", "calc1")] * 4)
    for result in results:
        assert result.returncode == 0, result.stderr
    pids = {json.loads(r.stdout)["PID"] for r in results}
    assert len(pids) == 1
    assert [p.pid for p in instance_processes("calc1", octobus.data_dir)] == list(pids)
    assert instance_get(octobus, "calc1")["Status"] == "running"


def test_restart_storm_leaves_exactly_one_process(octobus, pkg):
    imported(octobus, "calculator", pkg.example("calculator-js"))
    create_instance(octobus, "calc1", "calculator")
    results = parallel(octobus, [("instance", "restart", "calc1")] * 3 + [("instance", "start", "calc1")])
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    final = instance_get(octobus, "calc1")
    assert final["Status"] == "running"
    assert [p.pid for p in instance_processes("calc1", octobus.data_dir)] == [final["PID"]]


def unread_by_daemon(daemon_port: int, client_port: int) -> int | None:
    """Bytes of our connection (client_port → daemon_port) the daemon has not read yet: the
    receive queue of the daemon's end in /proc/net/tcp. None while no such socket exists."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, queues = fields[1], fields[2], fields[4]
        if int(local.split(":")[1], 16) == daemon_port and int(remote.split(":")[1], 16) == client_port:
            return int(queues.split(":")[1], 16)
    return None


def pids_in(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def test_stop_during_start_wins(octobus, pkg, tmp_path):
    # The gated fixture does not listen until the gate file exists, so the start is in
    # progress (spawned, health checks failing) for exactly as long as this test wants.
    imported(octobus, "gated", pkg.fixture("gated"))
    gate = tmp_path / "gate-open"
    create_instance(octobus, "g1", "gated", "--no-start", "--config-json", json.dumps({"gateFile": str(gate)}))
    workdir = instance_dir(octobus, "g1")
    start = {}
    thread = threading.Thread(target=lambda: start.update(result=octobus.cli("instance", "start", "g1")))
    thread.start()
    try:
        # The start is under way: status starting with the spawned pid, the child waiting at the gate.
        starting = wait_instance(octobus, "g1", lambda i: i["Status"] == "starting" and i.get("PID"), timeout=20,
                                 message="starting, spawned (the gate is closed)")
        child = starting["PID"]
        wait_until(lambda: pids_in(workdir / "gate-waiting.log") == [child], timeout=10,
                   message=f"pid {child} waiting at the gate")
        # Stop over a raw HTTP/1.1 connection, so we can see when the daemon has read the request.
        with socket.create_connection(("127.0.0.1", octobus.port), timeout=60) as stop:
            stop.sendall(b"POST /admin/v1/instances/g1/stop HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
            client_port = stop.getsockname()[1]
            wait_until(lambda: unread_by_daemon(octobus.port, client_port) == 0, timeout=10,
                       message="the daemon to read the stop request")
            # The stop waits for the start: while the gate stays closed nothing moves. (Were the
            # two not serialised, the stop would SIGINT the child and answer at once.)
            hold_until = time.monotonic() + 0.5
            while time.monotonic() < hold_until:
                assert select.select([stop], [], [], 0.05)[0] == [], "the stop answered while the start was running"
                inst = instance_get(octobus, "g1")
                assert (inst["Status"], inst.get("PID")) == ("starting", child), inst
                assert is_running(child) and thread.is_alive()
            assert pids_in(workdir / "gate-passed.log") == []
            gate.touch()  # … now the start completes, and then the stop runs.
            thread.join(timeout=60)
            stop_reply = b""
            while chunk := stop.recv(65536):
                stop_reply += chunk
    finally:
        gate.touch()
        thread.join(timeout=60)
    assert not thread.is_alive()
    # The start was not cut short: it reports the gated child running.
    result = start["result"]
    assert result.returncode == 0, result.stderr
    started = json.loads(result.stdout)
    assert (started["Status"], started["PID"]) == ("running", child), started
    assert pids_in(workdir / "gate-passed.log") == [child]
    # The stop ran after it and is what remains.
    head, _, body = stop_reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), stop_reply[:300]
    stopped = json.loads(body)
    assert stopped["Status"] == "stopped" and stopped["Enabled"] is False and "PID" not in stopped, stopped
    log = octobus.log()
    started_at = log.index(f"msg=instance_started instance_id=g1 pid={child} ")
    stopped_at = log.index(f"msg=instance_stopped instance_id=g1 pid={child}")
    assert started_at < stopped_at
    final = instance_get(octobus, "g1")
    assert final["Status"] == "stopped" and final["Enabled"] is False and "PID" not in final
    assert instance_processes("g1", octobus.data_dir) == []
    assert not is_running(child)
