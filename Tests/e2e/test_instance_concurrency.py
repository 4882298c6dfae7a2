"""Overlapping control commands on one instance: the daemon runs them one at a time, so
concurrent starts never spawn two processes and a stop issued during a start wins."""

from __future__ import annotations

import json
import threading
import time

import pytest

from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.helpers import create_instance, imported
from support.processes import instance_get, instance_processes

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


def test_stop_during_start_wins(octobus, pkg):
    imported(octobus, "calculator", pkg.example("calculator-js"))
    create_instance(octobus, "calc1", "calculator", "--no-start")
    start = {}
    thread = threading.Thread(target=lambda: start.update(result=octobus.cli("instance", "start", "calc1")))
    thread.start()
    # Wait until the start is under way (spawned, health not confirmed yet) …
    deadline = time.time() + 20
    while time.time() < deadline and instance_get(octobus, "calc1")["Status"] != "starting":
        time.sleep(0.005)
    # … then stop: it runs after the start finished, and it is what remains.
    stop = octobus.cli("instance", "stop", "calc1")
    thread.join(timeout=60)
    assert stop.returncode == 0, stop.stderr
    final = instance_get(octobus, "calc1")
    assert final["Status"] == "stopped" and final["Enabled"] is False and "PID" not in final
    assert instance_processes("calc1", octobus.data_dir) == []
