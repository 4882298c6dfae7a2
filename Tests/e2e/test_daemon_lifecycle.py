"""Daemon start-up, data directory, signals and the CLI's basic commands."""

import json
import os
import signal
import stat
import subprocess
import threading
import time

from octobus_e2e import BIN, Daemon, run


def test_status_and_version_commands(daemon):
    result = daemon.cli("status")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"services": 0, "status": "ok"}
    assert result.stdout == '{\n  "services": 0,\n  "status": "ok"\n}\n'
    version = run(BIN, "version")
    lines = version.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["version", "commit", "date"]
    assert all(line.split(": ", 1)[1] for line in lines)


def test_cli_address_forms(daemon):
    for form in (daemon.addr, f"http://{daemon.addr}", f"http://{daemon.addr}/ignored/path?x=1"):
        result = run(BIN, "--addr", form, "status")
        assert result.returncode == 0, (form, result.stderr)
        result = run(BIN, "status", "--addr", form)
        assert result.returncode == 0, (form, result.stderr)
    env = dict(os.environ, OCTOBUS_ADDR=daemon.addr)
    assert run(BIN, "status", env=env).returncode == 0
    bad = run(BIN, "--addr", "ftp://127.0.0.1:1", "status")
    assert bad.returncode == 1
    assert "unsupported scheme" in bad.stderr


def test_daemon_not_running_message():
    result = run(BIN, "--addr", "127.0.0.1:1", "status")
    assert result.returncode == 1
    assert result.stderr.strip() == "octobus daemon is not running at http://127.0.0.1:1; run `octobus serve` first"


def test_data_dir_permissions_and_lock(tmp_path, start_daemon):
    first = start_daemon(data_dir=tmp_path / "shared")
    mode = stat.S_IMODE(os.stat(tmp_path / "shared").st_mode)
    assert mode == 0o700
    db_mode = stat.S_IMODE(os.stat(tmp_path / "shared" / "octobus.db").st_mode)
    assert db_mode == 0o600
    second = subprocess.run([BIN, "serve", "--addr", "127.0.0.1:0", "--data-dir", str(tmp_path / "shared")],
                            capture_output=True, text=True, timeout=30)
    assert second.returncode == 1
    assert "is in use by another octobus daemon" in second.stderr
    assert f"pid {first.process.pid}" in second.stderr
    assert first.cli("status").returncode == 0


def test_port_in_use_is_a_clear_error(daemon):
    result = subprocess.run([BIN, "serve", "--addr", daemon.addr, "--data-dir", str(daemon.data_dir) + "-other"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "cannot listen on" in result.stderr and "address already in use" in result.stderr.lower()


def test_restart_keeps_the_database(tmp_path, start_daemon):
    d = start_daemon(data_dir=tmp_path / "keep")
    assert d.stop() == 0
    again = start_daemon(data_dir=tmp_path / "keep")
    assert again.cli("status").returncode == 0
    assert again.stop() == 0
    assert "daemon_stopped" in again.log()


def test_sigterm_during_load_exits_zero(daemon):
    load = subprocess.Popen(["h2load", "-n", "2000000", "-c", "50", "-m", "10", daemon.url + "/admin/v1/status"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        start = time.time()
        code = daemon.stop(signal.SIGTERM, timeout=15)
        assert code == 0, daemon.log()
        assert time.time() - start < 12
    finally:
        load.kill()
        load.wait()
    log = daemon.log()
    assert "msg=daemon_stopping signal=SIGTERM" in log
    assert "msg=daemon_stopped" in log


def test_sigint_exits_zero(daemon):
    assert daemon.stop(signal.SIGINT) == 0


def test_env_defaults_for_serve(tmp_path):
    env = dict(os.environ, OCTOBUS_ADDR="127.0.0.1:0", OCTOBUS_DATA_DIR=str(tmp_path / "envdata"))
    process = subprocess.Popen([BIN, "serve"], stderr=subprocess.PIPE, text=True, env=env)
    line = process.stderr.readline()
    assert "msg=daemon_listening" in line
    assert f"data_dir={tmp_path / 'envdata'}" in line
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    assert (tmp_path / "envdata" / "octobus.db").exists()
