"""Supervision end to end (SPEC §5.1 plus the sturdier choices over §13.7):
`running` only after the health check passes; a crashed child is restarted
with a new pid after backoff 1 s, 2 s, 5 s…; stop/start cancel pending
restarts; stop escalates SIGINT → SIGKILL after 2 s; children are stopped on
daemon shutdown and enabled instances relaunched by the next `serve`; after a
`kill -9` of the daemon (its children live on) the next `serve` stops the
left-over children and starts new ones, never losing or duplicating one.

The probe fixture (Tests/e2e/fixtures/packages/probe) logs "<pid> <epoch ms>"
to <workdir>/starts.log at each start and takes start-delay / crash / signal
knobs from its config; the calculator example covers the acceptance paths.

No fixed sleeps: the tests wait on the daemon's log events (support/daemon_log.py:
`instance_spawned`, `instance_started`, `instance_exited … restart_in_ms=…`,
`instance_restarted`, `instance_orphan_stopped`, `instances_restored`), the process
table and the API. Where a test asserts that something does NOT happen, it first waits
for a later event that proves the window for it has passed.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from support import daemon_log
from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.grpc_client import Descriptors, is_serving, to_dict
from support.helpers import create_instance, error_text, imported, instance_dir, service_dir
from support.processes import (InstanceWatcher, cli_json, instance_get, instance_processes, is_running,
                               wait_gone, wait_instance, wait_running)
from support.util import wait_until

ADD = "calculator.v1.CalculatorService/Add"
INFO = "probe.v1.ProbeService/Info"
BACKOFF = [1.0, 2.0, 5.0, 10.0, 30.0]


def import_calculator(d, pkg):
    return imported(d, "calculator", pkg.example("calculator-js"))["service"]


def import_probe(d, pkg):
    return imported(d, "probe", pkg.fixture("probe"))["service"]


def call(d, service_id: str, inst: dict, method: str, request: dict) -> dict:
    desc = Descriptors.from_file(service_dir(d, service_id) / "descriptor.protoset")
    return to_dict(desc.call(inst["ListenAddr"], method, request))


def starts(d, instance_id: str) -> list[tuple[int, float]]:
    """(pid, epoch seconds) per start of the probe, from its starts.log."""
    path = instance_dir(d, instance_id) / "starts.log"
    if not path.exists():
        return []
    out = []
    for line in path.read_text().splitlines():
        pid, ms = line.split()
        out.append((int(pid), int(ms) / 1000.0))
    return out


def pids(d, instance_id: str) -> list[int]:
    return [p.pid for p in instance_processes(instance_id, d.data_dir)]


def spawned(d, instance_id: str, after: int = -1, upto: int | None = None) -> list[int]:
    """Pids of `instance_spawned` events for the instance (log index in (after, upto])."""
    return [int(e["pid"]) for e in daemon_log.events(d, "instance_spawned", after=after, instance_id=instance_id)
            if upto is None or e.index <= upto]


LAUNCH_EVENTS = ("instance_spawned", "instance_started", "instance_restarted", "instance_restart_failed",
                 "instance_start_failed")


def launches(d, instance_id: str, after: int) -> list[daemon_log.Event]:
    """Every sign of a start attempt for the instance logged after `after`."""
    return [e for e in daemon_log.events(d, after=after, instance_id=instance_id) if e.msg in LAUNCH_EVENTS]


def pending_restart_deadline(d, instance_id: str) -> float:
    """When the latest restart the daemon announced for the instance is (or was) due, in
    the daemon's clock: `instance_exited … restart_in_ms=N` / `instance_restart_failed
    … retry_in_ms=N` at ts plus N. 0 if none was announced."""
    due = [e.time + int(e.get("restart_in_ms") or e.get("retry_in_ms")) / 1000.0
           for e in daemon_log.events(d, instance_id=instance_id)
           if e.msg in ("instance_exited", "instance_restart_failed")]
    return max(due, default=0.0)


def wait_daemon_past(d, deadline: float, margin: float = 1.0) -> daemon_log.Event:
    """Proof that the daemon's clock passed `deadline` + `margin`: a crash-looping probe
    instance `clock` (the probe service must be imported) logs events on its own; returns
    the first one logged later than that, then stops the clock. A restart wrongly left
    pending for another instance would have been spawned (and logged) by then."""
    target = deadline + margin
    before = daemon_log.mark(d)
    create_instance(d, "clock", "probe", "--config-json", '{"exitAfterMs":200}')
    try:
        return wait_until(lambda: next((e for e in daemon_log.events(d, after=before, instance_id="clock")
                                        if e.time > target), None),
                          timeout=max(0.0, target - time.time()) + 30, interval=0.05,
                          message="a clock event logged after the deadline")
    finally:
        cli_json(d, "instance", "stop", "clock")


# -- crash → restart --------------------------------------------------------------------------

@pytest.mark.timeout(120)
def test_killed_child_is_restarted_with_a_new_pid_after_backoff(octobus, pkg):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator", "--config-json", '{"label":"sup"}',
                           "--secret-json", '{"apiToken":"sup-token"}')
    old = inst["PID"]
    assert pids(octobus, "calc1") == [old]
    with InstanceWatcher("calc1", octobus.data_dir) as watch:
        before = daemon_log.mark(octobus)
        killed_at = time.monotonic()
        os.kill(old, signal.SIGKILL)
        exited = daemon_log.wait_event(octobus, "instance_exited", after=before, instance_id="calc1", timeout=10)
        assert (exited["status"], exited["restart_in_ms"], exited["attempt"]) == ("killed by signal 9", "1000", "1")
        # exit while enabled → degraded, pid NULL, until the restart after 1 s
        degraded = wait_instance(octobus, "calc1", lambda i: i["Status"] == "degraded", timeout=3,
                                 message="degraded after the crash")
        assert "PID" not in degraded and degraded["Enabled"] is True
        restarted = daemon_log.wait_event(octobus, "instance_restarted", after=exited.index, instance_id="calc1")
        assert restarted.time - exited.time >= BACKOFF[0] - 0.05, (exited, restarted)
        new = wait_running(octobus, "calc1", timeout=20, other_than_pid=old)
    first = watch.first_new_pid_after(killed_at, exclude={old})
    assert first is not None and first[0] == new["PID"]
    assert first[1] - killed_at >= BACKOFF[0] - 0.15, f"restarted after {first[1] - killed_at:.2f}s"
    assert watch.max_alive == 1
    assert not is_running(old)
    assert pids(octobus, "calc1") == [new["PID"]]
    assert spawned(octobus, "calc1", after=before) == [new["PID"]]
    # config and secret (re-sent on fd 3) survive the restart
    reply = call(octobus, "calculator", new, ADD, {"left": 20, "right": 22})
    assert (reply["result"], reply["label"], reply["secret_token"]) == (42.0, "sup", "sup-token")


@pytest.mark.timeout(150)
def test_crash_loop_backoff_escalates_and_never_overlaps(octobus, pkg):
    import_probe(octobus, pkg)
    with InstanceWatcher("p1", octobus.data_dir) as watch:
        # each run lives ≥1 s after listening (health passes), then exits 3
        create_instance(octobus, "p1", "probe", "--config-json", '{"exitAfterMs":1000,"exitCode":3}')
        third = daemon_log.wait_event(octobus, "instance_exited", instance_id="p1", attempt="3", timeout=30)
        # degraded while the 5 s backoff runs
        wait_instance(octobus, "p1", lambda i: i["Status"] == "degraded" and "PID" not in i, timeout=4,
                      message="degraded during the backoff")
        fourth = daemon_log.wait_event(octobus, "instance_restarted", after=third.index, instance_id="p1",
                                       timeout=30)
        # stop ends the loop for good
        stopped = cli_json(octobus, "instance", "stop", "p1")
    assert stopped["Status"] == "stopped" and "PID" not in stopped
    exits = daemon_log.events(octobus, "instance_exited", instance_id="p1")
    # SPEC gives no length for the "stable period" after which the backoff resets; we assume a
    # run of ~1 s is not stable, so the n-th consecutive restart waits BACKOFF[n].
    assert [(e["attempt"], e["restart_in_ms"]) for e in exits[:3]] == [("1", "1000"), ("2", "2000"), ("3", "5000")]
    assert [e["status"] for e in exits[:3]] == ["exit status 3"] * 3
    runs = starts(octobus, "p1")
    assert len(runs) == 4, runs
    gaps = [b[1] - a[1] for a, b in zip(runs, runs[1:])]
    # gap n = run time (≥1 s) + backoff n (1 s, 2 s, 5 s)
    for n, gap in enumerate(gaps):
        assert 1.0 + BACKOFF[n] - 0.1 <= gap <= 1.0 + BACKOFF[n] + 3.0, f"gaps {gaps}"
    assert spawned(octobus, "p1") == [pid for pid, _ in runs]
    assert len({pid for pid, _ in runs}) == len(runs), "every restart is a new process"
    assert watch.max_alive == 1, "never two processes for one instance"
    # No restart after the stop, not even one announced before it (had the 4th run already
    # exited, a 10 s restart would be pending): wait until the daemon is past any such time.
    wait_daemon_past(octobus, max(pending_restart_deadline(octobus, "p1"), time.time()))
    assert launches(octobus, "p1", after=fourth.index) == []
    assert len(starts(octobus, "p1")) == 4
    assert pids(octobus, "p1") == []
    assert instance_get(octobus, "p1")["Status"] == "stopped"


@pytest.mark.timeout(90)
@pytest.mark.parametrize("action", ["stop", "delete"])
def test_stop_or_delete_during_backoff_cancels_the_pending_restart(octobus, pkg, action):
    import_probe(octobus, pkg)
    create_instance(octobus, "p1", "probe", "--config-json", '{"exitAfterMs":300}')
    exited = daemon_log.wait_event(octobus, "instance_exited", instance_id="p1", timeout=10)
    assert exited["restart_in_ms"] == "1000"
    cli_json(octobus, "instance", action, "p1")
    count = len(starts(octobus, "p1"))
    # The action came within the 1 s backoff: nothing was started after the crash.
    assert launches(octobus, "p1", after=exited.index) == [], "the restart ran before the action (test too slow?)"
    # The restart was due at exited + 1 s; wait until the daemon is well past that.
    past = wait_daemon_past(octobus, pending_restart_deadline(octobus, "p1"))
    assert past.time > exited.time + BACKOFF[0] + 1.0
    assert launches(octobus, "p1", after=exited.index) == [], "a restart ran after the instance was stopped"
    assert len(starts(octobus, "p1")) == count
    assert pids(octobus, "p1") == []
    if action == "stop":
        inst = instance_get(octobus, "p1")
        assert inst["Status"] == "stopped" and inst["Enabled"] is False and "PID" not in inst
    else:
        assert octobus.cli("instance", "get", "p1").returncode == 1


@pytest.mark.timeout(90)
def test_start_during_backoff_leaves_exactly_one_process(octobus, pkg):
    # a manual start/restart supersedes the pending restart (generation counter)
    import_probe(octobus, pkg)
    with InstanceWatcher("p1", octobus.data_dir) as watch:
        first = create_instance(octobus, "p1", "probe", "--config-json", '{"exitAfterMs":300}')
        exited = daemon_log.wait_event(octobus, "instance_exited", instance_id="p1", timeout=10)
        assert (exited["attempt"], exited["restart_in_ms"]) == ("1", "1000")
        restarted = cli_json(octobus, "instance", "restart", "p1")
        assert restarted["Status"] == "running"
        # The restarted process crashes too (300 ms after listening) and the daemon restarts it
        # 1 s later, on the same loop as the superseded timer, which was due earlier (exited + 1 s):
        # once that restart is logged, the stale one has had its turn.
        crashed = daemon_log.wait_event(octobus, "instance_exited", after=exited.index, instance_id="p1")
        again = daemon_log.wait_event(octobus, "instance_restarted", after=crashed.index, instance_id="p1")
        cli_json(octobus, "instance", "stop", "p1")
    # the manual restart came during the backoff …
    manual = daemon_log.events(octobus, "instance_spawned", after=exited.index, instance_id="p1")[0]
    assert int(manual["pid"]) == restarted["PID"]
    assert manual.time < exited.time + BACKOFF[0], "the restart came after the pending restart was due"
    # … reset the backoff (the next crash is attempt 1 again) …
    assert (crashed["attempt"], crashed["restart_in_ms"]) == ("1", "1000")
    assert again.time - crashed.time >= BACKOFF[0] - 0.05
    # … and the stale restart started nothing: one spawn for the manual restart, one for the
    # restart after its crash.
    automatic = int(again_pid(octobus, again))
    assert spawned(octobus, "p1", after=exited.index, upto=again.index) == [restarted["PID"], automatic]
    assert [pid for pid, _ in starts(octobus, "p1")] == [first["PID"], restarted["PID"], automatic]
    assert watch.max_alive == 1
    assert pids(octobus, "p1") == []


def again_pid(d, restarted: daemon_log.Event) -> str:
    """The pid of the launch an `instance_restarted` event reports (from the `instance_started` before it)."""
    started = [e for e in daemon_log.events(d, "instance_started", instance_id=restarted["instance_id"])
               if e.index < restarted.index]
    return started[-1]["pid"]


# -- stop -----------------------------------------------------------------------------------

@pytest.mark.timeout(90)
def test_stop_escalates_to_sigkill_after_two_seconds(octobus, pkg):
    import_probe(octobus, pkg)
    inst = create_instance(octobus, "p1", "probe", "--config-json", '{"ignoreSigint":true}')
    began = time.monotonic()
    stopped = cli_json(octobus, "instance", "stop", "p1")
    elapsed = time.monotonic() - began
    assert stopped["Status"] == "stopped" and "PID" not in stopped
    assert 1.8 <= elapsed <= 8.0, f"stop took {elapsed:.2f}s"
    assert not is_running(inst["PID"])
    assert pids(octobus, "p1") == []
    stderr_log = (instance_dir(octobus, "p1") / "stderr.log").read_text()
    assert "probe: ignoring SIGINT" in stderr_log  # SIGINT came first


# -- health gate ------------------------------------------------------------------------------

@pytest.mark.timeout(90)
def test_running_only_after_the_health_check_passes(octobus, pkg):
    import_probe(octobus, pkg)
    delay = 2.5
    result = {}

    def create():
        began = time.monotonic()
        result["out"] = octobus.cli("instance", "create", "p1", "--service", "probe",
                                    "--config-json", json.dumps({"startDelayMs": int(delay * 1000)}))
        result["elapsed"] = time.monotonic() - began

    began = time.monotonic()
    worker = threading.Thread(target=create)
    worker.start()
    early = []
    while worker.is_alive():
        got = octobus.cli("instance", "get", "p1")
        if time.monotonic() - began < delay - 0.5 and got.returncode == 0:
            early.append(json.loads(got.stdout)["Status"])
        time.sleep(0.1)
    worker.join()
    assert result["out"].returncode == 0, result["out"].stderr
    assert result["elapsed"] >= delay
    inst = json.loads(result["out"].stdout)
    assert inst["Status"] == "running" and is_serving(inst["ListenAddr"])
    # We assume admin reads are not blocked while an instance starts (the row exists before spawn).
    assert early, "the instance row should be visible while it starts"
    assert "running" not in early, early  # sturdier than upstream (§13.7): not before health passes
    assert set(early) <= {"starting", "stopped"}, early


@pytest.mark.timeout(90)
def test_failed_health_check_marks_the_instance_failed(octobus, pkg):
    import_probe(octobus, pkg)
    began = time.monotonic()
    result = octobus.cli("instance", "create", "p1", "--service", "probe", "--config-json", '{"startDelayMs":9000}')
    elapsed = time.monotonic() - began
    assert result.returncode == 1
    assert "instance health check failed at 127.0.0.1:" in error_text(result), result.stderr
    assert 4.5 <= elapsed <= 20, f"gave up after {elapsed:.1f}s (SPEC: 5 s)"
    # SPEC §5.1 step 8: status failed, the child killed. What supervision does afterwards is not
    # specified, so only the state right after the failed create is checked.
    assert instance_get(octobus, "p1")["Status"] == "failed"
    first_pid = starts(octobus, "p1")[0][0]
    wait_gone(first_pid, timeout=5)
    stopped = cli_json(octobus, "instance", "stop", "p1")
    assert stopped["Status"] == "stopped"
    wait_until(lambda: pids(octobus, "p1") == [], timeout=5, message="no probe process after stop")


# -- daemon lifecycle ----------------------------------------------------------------------------

@pytest.mark.timeout(180)
def test_daemon_shutdown_stops_children_and_serve_relaunches_enabled_instances(start_octobus, pkg, tmp_path):
    data = tmp_path / "shared-data"
    d = start_octobus(data_dir=data)
    import_calculator(d, pkg)
    on = create_instance(d, "calc-on", "calculator", "--secret-json", '{"apiToken":"kept"}')
    create_instance(d, "calc-off", "calculator", "--no-start")
    assert d.stop() == 0
    # children are stopped with the daemon (sturdier than upstream, §13.7)
    wait_until(lambda: pids(d, "calc-on") == [], timeout=3, message="child gone after daemon shutdown")
    assert not is_running(on["PID"])

    d2 = start_octobus(data_dir=data)
    inst = wait_running(d2, "calc-on", timeout=30, other_than_pid=on["PID"])
    assert pids(d2, "calc-on") == [inst["PID"]]
    assert call(d2, "calculator", inst, ADD, {"left": 1, "right": 2})["secret_token"] == "kept"
    off = instance_get(d2, "calc-off")
    assert off["Status"] == "stopped" and off["Enabled"] is False and "PID" not in off
    assert pids(d2, "calc-off") == []
    assert "instance_started" in d2.log()
    assert d2.stop() == 0
    wait_until(lambda: pids(d2, "calc-on") == [], timeout=3, message="child gone after second shutdown")


@pytest.mark.timeout(180)
def test_killed_daemon_then_serve_again_has_no_orphans_or_duplicates(start_octobus, pkg, tmp_path):
    data = tmp_path / "shared-data"
    d = start_octobus(data_dir=data)
    import_calculator(d, pkg)
    import_probe(d, pkg)
    calc = create_instance(d, "c1", "calculator", "--config-json", '{"label":"before"}',
                           "--secret-json", '{"apiToken":"orphan-token"}')
    probe = create_instance(d, "p1", "probe")
    create_instance(d, "c2", "calculator", "--no-start")
    old = {"c1": calc["PID"], "p1": probe["PID"]}

    d.process.kill()  # kill -9 of the daemon: no chance to stop its children
    d.process.wait()
    d.log_file.close()
    # The children live on (own session, no pipe to the daemon): orphans.
    for iid, pid in old.items():
        assert is_running(pid) and pids(d, iid) == [pid], f"{iid}: orphan {pid} should still run"

    d2 = start_octobus(data_dir=data)
    # restore stops each orphan, then starts one new process per enabled instance; when it
    # logs `instances_restored` it is done, so a late duplicate cannot come after that.
    restored = daemon_log.wait_event(d2, "instances_restored", timeout=60)
    assert (restored["started"], restored["failed"]) == ("2", "0"), restored
    reaped = {e["instance_id"]: int(e["pid"]) for e in daemon_log.events(d2, "instance_orphan_stopped")}
    assert reaped == old
    for iid, pid in old.items():
        assert not is_running(pid), f"{iid}: orphan {pid} still running"
    now = {}
    for iid in ("c1", "p1"):
        inst = wait_running(d2, iid, timeout=30)
        assert inst["PID"] != old[iid]
        assert spawned(d2, iid) == [inst["PID"]], f"{iid}: spawned {spawned(d2, iid)} vs PID {inst['PID']}"
        assert pids(d2, iid) == [inst["PID"]], f"{iid}: processes {pids(d2, iid)} vs PID {inst['PID']}"
        now[iid] = inst
    assert [pid for pid, _ in starts(d2, "p1")] == [old["p1"], now["p1"]["PID"]]
    reply = call(d2, "calculator", now["c1"], ADD, {"left": 20, "right": 22})
    assert (reply["result"], reply["label"], reply["secret_token"]) == (42.0, "before", "orphan-token")
    assert call(d2, "probe", now["p1"], INFO, {"note": "x"})["pid"] == now["p1"]["PID"]
    off = instance_get(d2, "c2")
    assert off["Status"] == "stopped" and "PID" not in off and pids(d2, "c2") == []
    assert spawned(d2, "c2") == []
    # the next shutdown stops them all
    assert d2.stop() == 0
    for iid in ("c1", "p1"):
        wait_until(lambda: pids(d2, iid) == [], timeout=5, message=f"{iid} gone after shutdown")
    assert not is_running(now["c1"]["PID"]) and not is_running(now["p1"]["PID"])


@pytest.mark.timeout(180)
def test_killed_daemon_with_a_dead_child_restarts_it_once(start_octobus, pkg, tmp_path):
    # the child dies while no daemon is running: the next serve starts exactly one new process
    data = tmp_path / "shared-data"
    d = start_octobus(data_dir=data)
    import_probe(d, pkg)
    probe = create_instance(d, "p1", "probe")
    d.process.kill()
    d.process.wait()
    d.log_file.close()
    assert pids(d, "p1") == [probe["PID"]]  # it outlived the daemon …
    os.kill(probe["PID"], signal.SIGKILL)  # … and dies now, with no daemon to see it
    wait_gone(probe["PID"])
    d2 = start_octobus(data_dir=data)
    restored = daemon_log.wait_event(d2, "instances_restored", timeout=60)
    assert (restored["started"], restored["failed"]) == ("1", "0"), restored
    assert daemon_log.events(d2, "instance_orphan_stopped") == []  # nothing left to stop
    inst = wait_running(d2, "p1", timeout=30, other_than_pid=probe["PID"])
    assert spawned(d2, "p1") == [inst["PID"]]
    assert pids(d2, "p1") == [inst["PID"]]
    assert [pid for pid, _ in starts(d2, "p1")] == [probe["PID"], inst["PID"]]
    assert d2.stop() == 0
