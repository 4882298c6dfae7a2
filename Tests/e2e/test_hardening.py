"""Regression tests for the attack review (hardening issue): each test is written from one
finding and drives the real daemon the way an attacker would — a hostile package process,
a hostile local client, a web page in the user's browser."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from support import abuse
from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.helpers import api_get, create_instance, imported, instance_dir
from support.processes import instance_processes, is_running, wait_gone, wait_running
from support.util import sha256_bytes, wait_until

pytestmark = pytest.mark.timeout(300)

ADMIN_TOKEN = "adm-7c1d0f2e9b8a4d3c"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw(daemon, method: str, path: str, headers: dict | None = None, body: bytes | None = None) -> httpx.Response:
    with httpx.Client(base_url=daemon.url, trust_env=False, timeout=30) as client:
        return client.request(method, path, headers=headers or {}, content=body)


def socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:"):
            found.add(target)
    return found


def import_calculator(d, pkg, service_id="calculator") -> dict:
    return imported(d, service_id, pkg.example("calculator-js"))["service"]


# -- descriptors ----------------------------------------------------------------------------

def test_service_processes_hold_no_socket_of_the_daemon(octobus, pkg):
    import_calculator(octobus, pkg)
    inst = create_instance(octobus, "calc1", "calculator")
    daemon_sockets = socket_inodes(octobus.process.pid)
    assert daemon_sockets, "the daemon has no sockets?"
    child = inst["PID"]
    leaked = socket_inodes(child) & daemon_sockets
    assert not leaked, f"node holds daemon sockets {leaked}"
    # Only stdio (0-2) and nothing else of the daemon's is inherited: the secret pipe on fd 3
    # is read and closed by the SDK, the rest are the child's own (its listener, epoll, …).
    listening = {line.split()[9] for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                 if line.split()[3] == "0A" and int(line.split()[1].split(":")[1], 16) == octobus.port}
    assert {f"socket:[{inode}]" for inode in listening} <= daemon_sockets
    assert not {f"socket:[{inode}]" for inode in listening} & socket_inodes(child)


@pytest.mark.parametrize("malloc_tuning", ["on", "off"])
def test_descriptors_the_daemon_inherited_do_not_reach_its_children(start_octobus, pkg, malloc_tuning):
    """A descriptor the daemon was started with (a shell's or supervisor's, not close-on-exec)
    is not passed on to the services it spawns, whether or not the daemon re-executes itself
    for the malloc tuning; the daemon itself keeps it (a supervisor may watch it for the
    daemon's exit)."""
    read_end, write_end = os.pipe()
    os.set_inheritable(read_end, True)
    try:
        d = start_octobus(pass_fds=(read_end,), extra_env={"OCTOBUS_MALLOC_TUNING": malloc_tuning})
        inherited = os.readlink(f"/proc/self/fd/{read_end}")
        assert inherited in {os.readlink(f"/proc/{d.process.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{d.process.pid}/fd")}
        import_calculator(d, pkg)
        child = create_instance(d, "calc1", "calculator")["PID"]
        held = set()
        for fd in os.listdir(f"/proc/{child}/fd"):
            try:
                held.add(os.readlink(f"/proc/{child}/fd/{fd}"))
            except OSError:
                continue
        assert inherited not in held, f"the service holds the daemon's inherited {inherited}"
    finally:
        os.close(read_end)
        os.close(write_end)


def test_serve_restarts_on_the_same_port_after_kill_9_with_live_children(start_octobus, pkg, tmp_path):
    port = free_port()
    data = tmp_path / "data"
    first = start_octobus(data_dir=data, addr=f"127.0.0.1:{port}")
    import_calculator(first, pkg)
    old_pid = create_instance(first, "calc1", "calculator")["PID"]
    first.process.send_signal(signal.SIGKILL)
    first.process.wait()
    assert is_running(old_pid), "the child should outlive a killed daemon"
    second = start_octobus(data_dir=data, addr=f"127.0.0.1:{port}")
    assert second.port == port
    inst = wait_running(second, "calc1", other_than_pid=old_pid)
    wait_gone(old_pid)
    assert inst["PID"] != old_pid
    assert api_get(second, "/status").status_code == 200


# -- admin access ---------------------------------------------------------------------------

ADMIN_ROUTES = [
    ("GET", "/admin/v1/services"), ("GET", "/admin/v1/services/x"), ("PATCH", "/admin/v1/services/x"),
    ("DELETE", "/admin/v1/services/x"), ("POST", "/admin/v1/services/import"), ("GET", "/admin/v1/instances"),
    ("POST", "/admin/v1/instances"), ("GET", "/admin/v1/instances/x"), ("PATCH", "/admin/v1/instances/x"),
    ("DELETE", "/admin/v1/instances/x"), ("POST", "/admin/v1/instances/x/start"),
    ("POST", "/admin/v1/instances/x/stop"), ("POST", "/admin/v1/instances/x/restart"),
    ("POST", "/admin/v1/instances/x/config"), ("POST", "/admin/v1/instances/x/secret"),
    ("GET", "/admin/v1/tokens"), ("POST", "/admin/v1/tokens"), ("GET", "/admin/v1/tokens/t9"),
    ("DELETE", "/admin/v1/tokens/t9"),
]


def test_admin_tokens_guard_every_route(octobus):
    added = octobus.cli("admin-token", "add", "t1", "--token-stdin", input=ADMIN_TOKEN + "\n")
    assert added.returncode == 0, added.stderr
    assert ADMIN_TOKEN not in added.stdout and '"TokenHash": "******"' in added.stdout
    stored = api_get(octobus, "/tokens/t1")
    assert stored.status_code == 401
    for method, path in ADMIN_ROUTES:
        body = b"{}" if method in ("POST", "PATCH") else None
        json_headers = {"content-type": "application/json"}
        for auth in (None, "Bearer wrong-token", f"Basic {ADMIN_TOKEN}", f"Bearer {ADMIN_TOKEN}x"):
            headers = dict(json_headers)
            if auth:
                headers["authorization"] = auth
            reply = raw(octobus, method, path, headers, body)
            assert reply.status_code == 401, (method, path, auth, reply.text)
            assert reply.json()["error"]["message"] == "admin token is required"
        reply = raw(octobus, method, path, {**json_headers, "authorization": f"bearer  {ADMIN_TOKEN}"}, body)
        assert reply.status_code != 401, (method, path, reply.text)
    # The probe stays open; the CLI works with the token from the environment.
    assert raw(octobus, "GET", "/admin/v1/status").status_code == 200
    listed = octobus.cli("admin-token", "list", env={"OCTOBUS_ADMIN_TOKEN": ADMIN_TOKEN})
    assert listed.returncode == 0 and '"ID": "t1"' in listed.stdout, listed.stderr
    assert octobus.cli("instance", "list").returncode == 1
    # last_used_at is recorded (coalesced, off the request path).
    wait_until(lambda: json.loads(octobus.cli("admin-token", "get", "t1", env={"OCTOBUS_ADMIN_TOKEN": ADMIN_TOKEN}).stdout)
               ["LastUsedAt"] != "0001-01-01T00:00:00Z", timeout=5, message="LastUsedAt to be recorded")
    # Removing the last token opens the API again (for loopback clients).
    removed = octobus.cli("admin-token", "remove", "t1", env={"OCTOBUS_ADMIN_TOKEN": ADMIN_TOKEN})
    assert removed.returncode == 0, removed.stderr
    assert octobus.cli("instance", "list").returncode == 0
    assert ADMIN_TOKEN not in octobus.log()


def test_admin_token_input_errors(octobus):
    for args, message in [(["t1"], "one of --token, --token-file or --token-stdin is required"),
                          (["t1", "--token", "a", "--token-stdin"], "mutually exclusive"),
                          (["9bad", "--token", "abc"], "invalid admin token id"),
                          (["t1", "--token", "   "], "token is empty")]:
        result = octobus.cli("admin-token", "add", *args, input="")
        assert result.returncode == 1 and message in result.stderr, (args, result.stderr)
    ok = octobus.cli("admin-token", "add", "t1", "--token", "abc")
    assert ok.returncode == 0
    dup = octobus.cli("admin-token", "add", "t1", "--token", "abc", env={"OCTOBUS_ADMIN_TOKEN": "abc"})
    assert dup.returncode == 1 and "already exists" in dup.stderr
    spaced = raw(octobus, "POST", "/admin/v1/tokens", {"content-type": "application/json", "authorization": "Bearer abc"},
                 b'{"id":"t2","token":"a b"}')
    assert spaced.status_code == 400 and "printable ASCII" in spaced.text


def test_cross_site_requests_are_refused(octobus, pkg):
    source = str(pkg.example("calculator-js"))
    body = json.dumps({"service_id": "calculator", "source": source}).encode()
    # A page on another origin posting a "simple" request (no preflight).
    for headers in ({"origin": "http://evil.example", "content-type": "text/plain"},
                    {"origin": "null", "content-type": "text/plain"},
                    {"origin": "http://localhost:3000", "content-type": "application/json"}):
        reply = raw(octobus, "POST", "/admin/v1/services/import", headers, body)
        assert reply.status_code == 403, (headers, reply.text)
        assert "cross-site" in reply.json()["error"]["message"]
    # No Origin (curl, scripts) but not JSON: HTML forms can only send these types.
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        reply = raw(octobus, "POST", "/admin/v1/services/import", {"content-type": content_type}, body)
        assert reply.status_code == 415, (content_type, reply.text)
    assert api_get(octobus, "/services").json()["services"] == []
    # The daemon's own origin is fine.
    same = raw(octobus, "GET", "/admin/v1/services", {"origin": f"http://127.0.0.1:{octobus.port}"})
    assert same.status_code == 200


def test_dns_rebinding_host_names_are_refused(octobus):
    for host in ("evil.example", f"evil.example:{octobus.port}", "127.0.0.1.nip.io"):
        reply = raw(octobus, "GET", "/admin/v1/instances", {"host": host})
        assert reply.status_code == 403, (host, reply.text)
        assert "localhost" in reply.json()["error"]["message"]
    for host in (f"127.0.0.1:{octobus.port}", f"localhost:{octobus.port}", "app.localhost", "[::1]"):
        assert raw(octobus, "GET", "/admin/v1/instances", {"host": host}).status_code == 200, host


def non_loopback_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent; picks the outgoing interface
            address = probe.getsockname()[0]
        except OSError:
            address = ""
    if not address or address.startswith("127."):
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
        address = next((a for a in out if not a.startswith("127.") and ":" not in a), "")
    assert address, "this machine has no non-loopback IPv4 address to test from"
    return address


def test_non_loopback_clients_need_an_admin_token(start_octobus):
    address = non_loopback_address()
    port = free_port()
    d = start_octobus(addr=f"0.0.0.0:{port}")
    assert "msg=admin_api_exposed" in d.log() and "answers only loopback clients" in d.log()
    remote = f"http://{address}:{port}/admin/v1"
    with httpx.Client(trust_env=False, timeout=10) as client:
        refused = client.get(remote + "/instances")
        assert refused.status_code == 403 and "loopback" in refused.json()["error"]["message"]
        assert client.get(remote + "/status").status_code == 200
        assert d.cli("admin-token", "add", "ops", "--token", ADMIN_TOKEN).returncode == 0
        assert client.get(remote + "/instances").status_code == 401
        allowed = client.get(remote + "/instances", headers={"authorization": f"Bearer {ADMIN_TOKEN}"})
        assert allowed.status_code == 200, allowed.text


# -- secrets and instance files ----------------------------------------------------------------

def test_secret_digests_cannot_be_guessed_and_old_secrets_are_scrubbed(octobus, pkg):
    import_calculator(octobus, pkg)
    secret = '{"apiToken":"dev-token"}'  # the README's own example
    create_instance(octobus, "calc1", "calculator", "--secret-json", secret)
    digest = api_get(octobus, "/instances/calc1").json()["SecretSHA256"]
    guesses = [secret, '{"apiToken": "dev-token"}', "{}", '{"apiToken":"token"}', '{"apiToken":"secret"}']
    assert digest not in {sha256_bytes(g.encode()) for g in guesses}
    # Still shows whether the secret changed.
    assert octobus.cli("instance", "update-secret", "calc1", "--secret-json", '{"apiToken":"rotated-77"}').returncode == 0
    rotated = api_get(octobus, "/instances/calc1").json()["SecretSHA256"]
    assert rotated != digest
    assert octobus.cli("instance", "update-secret", "calc1", "--secret-json", secret).returncode == 0
    assert api_get(octobus, "/instances/calc1").json()["SecretSHA256"] == digest
    assert octobus.cli("instance", "update-secret", "calc1", "--secret-json", '{"apiToken":"current-55"}').returncode == 0
    db_files = [octobus.data_dir / n for n in ("octobus.db", "octobus.db-wal")]
    contents = b"".join(p.read_bytes() for p in db_files if p.exists())
    assert b"rotated-77" not in contents and b"dev-token" not in contents
    assert b"current-55" in contents
    assert octobus.cli("instance", "delete", "calc1").returncode == 0
    contents = b"".join(p.read_bytes() for p in db_files if p.exists())
    assert b"current-55" not in contents


def test_concurrent_config_writes_leave_file_and_store_agreeing(octobus, pkg):
    import_calculator(octobus, pkg)
    create_instance(octobus, "calc1", "calculator", "--no-start")
    labels = [f"label-{i}" for i in range(250)]

    def write(label):
        with httpx.Client(base_url=octobus.url + "/admin/v1", trust_env=False, timeout=60) as client:
            return client.post("/instances/calc1/config", json={"config": {"label": label}})

    with ThreadPoolExecutor(max_workers=50) as pool:
        replies = list(pool.map(write, labels))
    assert [r.status_code for r in replies] == [200] * 250, [r.text for r in replies if r.status_code != 200][:3]
    stored = api_get(octobus, "/instances/calc1").json()["ConfigJSON"]
    on_disk = json.loads((instance_dir(octobus, "calc1") / "config.json").read_text())
    assert stored == on_disk and stored["label"] in labels
    assert [p.name for p in instance_dir(octobus, "calc1").iterdir() if ".tmp-" in p.name] == []


def test_instance_delete_removes_its_directory(octobus, pkg):
    import_calculator(octobus, pkg)
    create_instance(octobus, "calc1", "calculator")
    directory = instance_dir(octobus, "calc1")
    assert (directory / "config.json").exists() and (directory / "stderr.log").exists()
    assert octobus.cli("instance", "delete", "calc1").returncode == 0
    assert not directory.exists()


# -- bounded resources ------------------------------------------------------------------------

def settled_rss(pid: int, ceiling_kib: int, timeout: float = 20.0) -> int:
    """Waits for the RSS to fall to `ceiling_kib` (freed memory is returned in the background);
    returns the last reading either way."""
    deadline = time.time() + timeout
    current = abuse.rss_kib(pid)
    while time.time() < deadline and current > ceiling_kib:
        time.sleep(0.2)
        current = abuse.rss_kib(pid)
    return current


def test_rapid_reset_over_many_connections_keeps_memory_bounded(octobus):
    pid = octobus.process.pid
    idle = abuse.rss_kib(pid)
    peak = abuse.PeakRSS(pid)
    started = time.time()
    # 400 connections × 300 streams on a store-backed route, each reset right away.
    outcomes = abuse.rapid_reset(octobus.port, connections=400, streams=300, path="/admin/v1/instances")
    burst_seconds = time.time() - started
    # The store is still responsive right after the burst.
    t0 = time.time()
    assert api_get(octobus, "/instances").status_code == 200
    store_latency = time.time() - t0
    peak_kib = peak.stop()
    sent = sum(o["sent"] for o in outcomes)
    assert sent >= 100_000, outcomes[:3]
    after = settled_rss(pid, idle + 24 * 1024)
    print(f"rapid reset: {sent} streams in {burst_seconds:.1f}s; RSS idle {idle} KiB, peak {peak_kib} KiB, "
          f"after {after} KiB; store latency {store_latency * 1000:.0f} ms")
    assert store_latency < 2.0
    assert peak_kib - idle < 64 * 1024, f"peak {peak_kib} KiB from idle {idle} KiB"
    assert after - idle < 24 * 1024, f"RSS stayed at {after} KiB (idle {idle} KiB)"


def test_rapid_reset_on_one_connection_gets_enhance_your_calm(octobus):
    outcome = abuse.rapid_reset_connection(octobus.port, streams=2000, path="/admin/v1/instances")
    assert outcome["goaway"] == 0xB, outcome  # ENHANCE_YOUR_CALM
    assert "limit=stream_resets" in octobus.log()
    assert api_get(octobus, "/status").status_code == 200


def test_pipelining_without_reading_responses_is_bounded(octobus):
    pid = octobus.process.pid
    idle = abuse.rss_kib(pid)
    request = f"GET /admin/v1/status HTTP/1.1\r\nHost: 127.0.0.1:{octobus.port}\r\n\r\n".encode()
    sockets = []
    peak = abuse.PeakRSS(pid)
    for _ in range(4):
        sock, sent = abuse.pipeline_without_reading(octobus.port, 400_000, request)
        sockets.append(sock)
        # The daemon stopped taking requests (and the kernel buffers filled) long before all
        # 400,000 (22 MB) were sent.
        assert sent < len(request) * 400_000 // 2, sent
    peak_kib = peak.stop()
    assert peak_kib - idle < 48 * 1024, f"peak {peak_kib} KiB from idle {idle} KiB"
    assert "limit=unsent_response_bytes" in octobus.log()
    # A client that does read still gets answers; the stalled ones get the rest once they read.
    assert api_get(octobus, "/status").status_code == 200
    stalled = sockets[0]
    stalled.setblocking(True)
    stalled.settimeout(10)
    received = stalled.recv(65536)
    assert received.startswith(b"HTTP/1.1 200")
    for sock in sockets:
        sock.close()


def test_parallel_large_bodies_are_bounded(octobus):
    pid = octobus.process.pid
    idle = abuse.rss_kib(pid)
    peak = abuse.PeakRSS(pid)
    statuses = abuse.parallel_bodies(octobus.port, count=200, size=4 * 1024 * 1024 - 64, path="/admin/v1/instances")
    peak_kib = peak.stop()
    # Each body is either collected (then refused as an invalid instance) or refused for the budget.
    assert set(statuses) <= {400, 503}, sorted(set(statuses))
    assert 503 in statuses and 400 in statuses
    print(f"200 parallel 4 MiB bodies: RSS idle {idle} KiB, peak {peak_kib} KiB; statuses {sorted(set(statuses))}")
    assert peak_kib - idle < 320 * 1024, f"peak {peak_kib} KiB from idle {idle} KiB"
    after = settled_rss(pid, idle + 24 * 1024)
    assert after - idle < 24 * 1024, f"RSS stayed at {after} KiB (idle {idle} KiB)"


def test_slow_bodies_time_out_and_give_back_their_descriptors(start_octobus):
    d = start_octobus(args=("--body-timeout", "2s"))
    pid = d.process.pid
    fds_before = abuse.fd_count(pid)
    sockets = abuse.slow_body_connections(d.port, 300, "/admin/v1/instances")
    wait_until(lambda: abuse.fd_count(pid) >= fds_before + 300, timeout=10, message="connections accepted")
    started = time.time()
    replies = [abuse.closed_by_server(sock, timeout=8) for sock in sockets]
    elapsed = time.time() - started
    assert all(r is not None for r in replies), "a slow body kept its connection"
    assert all(r.startswith(b"HTTP/1.1 408") for r in replies), {r[:40] for r in replies}
    assert elapsed < 8
    for sock in sockets:
        sock.close()
    wait_until(lambda: abuse.fd_count(pid) <= fds_before + 2, timeout=10, message="descriptors given back")


def test_connection_limit_keeps_the_admin_api_reachable(start_octobus):
    d = start_octobus(args=("--max-connections", "80"))
    # 80 slots; the admin API keeps min(32, 80 / 4) = 20 of them. Take every slot with idle connections.
    held = [socket.create_connection(("127.0.0.1", d.port)) for _ in range(80)]
    try:
        for sock in held:
            sock.sendall(b"GET /admin/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        # Beyond the limit a connection is closed at once.
        extra = socket.create_connection(("127.0.0.1", d.port))
        extra.sendall(b"GET /admin/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
        assert abuse.closed_by_server(extra, timeout=5) == b""
        extra.close()
        assert "limit=connections" in d.log()
        # Free reserved slots: admin requests work there, others are told why not.
        for sock in held[-10:]:
            sock.close()
        def status_on_new_connection(path):
            with socket.create_connection(("127.0.0.1", d.port)) as sock:
                sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
                return abuse.closed_by_server(sock, timeout=5) or b""
        wait_until(lambda: status_on_new_connection("/admin/v1/instances").startswith(b"HTTP/1.1 200"), timeout=5,
                   message="an admin request on a reserved slot")
        reply = status_on_new_connection("/capsets/x/openapi.json")
        assert reply.startswith(b"HTTP/1.1 503") and b"connection limit" in reply
    finally:
        for sock in held:
            sock.close()


def test_idle_h2c_connection_without_requests_is_closed_early(octobus):
    sock = socket.create_connection(("127.0.0.1", octobus.port))
    sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
    started = time.time()
    received = abuse.closed_by_server(sock, timeout=20)
    assert received is not None, "the connection was kept beyond 20 s"
    assert 8 < time.time() - started < 15
    sock.close()
