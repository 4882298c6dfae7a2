"""The one port: HTTP/1.1 and h2c side by side with real clients, limits and bad input."""

import json
import socket
import subprocess
import threading
import time

import pytest

from octobus_e2e import run


def status_ok(url):
    result = run("curl", "-sS", "--max-time", "10", url + "/admin/v1/status")
    return result.returncode == 0 and json.loads(result.stdout)["status"] == "ok"


def test_http1_and_h2c_on_the_same_port_at_once(daemon):
    url = daemon.url + "/admin/v1/status"
    procs = [
        subprocess.Popen(["curl", "-sS", "-i", url], stdout=subprocess.PIPE, text=True),
        subprocess.Popen(["curl", "-sS", "-i", "--http2-prior-knowledge", url], stdout=subprocess.PIPE, text=True),
        subprocess.Popen(["curl", "-sS", "-i", "--http2", url], stdout=subprocess.PIPE, text=True),  # Upgrade: h2c
        subprocess.Popen(["nghttp", "-v", url], stdout=subprocess.PIPE, text=True),
    ]
    outputs = [p.communicate(timeout=30)[0] for p in procs]
    assert outputs[0].startswith("HTTP/1.1 200")
    assert outputs[1].startswith("HTTP/2 200")
    assert "101 Switching Protocols" in outputs[2] and "HTTP/2 200" in outputs[2]
    assert ":status: 200" in outputs[3]
    for out in outputs:
        assert '{"status":"ok","services":0}' in out


def test_admin_errors_use_the_spec_shape(daemon):
    result = run("curl", "-sS", "-w", "\n%{http_code}", daemon.url + "/admin/v1/nope")
    body, code = result.stdout.rsplit("\n", 1)
    assert code == "404"
    assert json.loads(body) == {"error": {"code": "HTTP_404", "message": "unknown admin route", "details": {}}}
    result = run("curl", "-sS", "-X", "DELETE", "-w", "\n%{http_code}", daemon.url + "/admin/v1/status")
    body, code = result.stdout.rsplit("\n", 1)
    assert code == "405"
    assert json.loads(body)["error"]["code"] == "HTTP_405"
    # The same over h2c.
    result = run("curl", "-sS", "--http2-prior-knowledge", "-w", "\n%{http_code}", daemon.url + "/admin/v1/services/x/y/z")
    assert result.stdout.rsplit("\n", 1)[1] == "404"


def test_keep_alive_and_chunked_request_bodies(daemon):
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as s:
        s.sendall(b"POST /admin/v1/nope HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  b"4\r\nabcd\r\n0\r\n\r\n"
                  b"GET /admin/v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    text = data.decode()
    assert text.count("HTTP/1.1 ") == 2
    assert text.startswith("HTTP/1.1 404")
    assert '"services":0' in text


def test_expect_100_continue_with_curl(daemon):
    result = run("curl", "-sS", "-v", "-H", "Expect: 100-continue", "--data-binary", "x" * 5000,
                 daemon.url + "/admin/v1/nope")
    assert "HTTP/1.1 100 Continue" in result.stderr
    assert "HTTP/1.1 404" in result.stderr


def test_a_thousand_concurrent_connections(daemon):
    sockets = []
    try:
        for _ in range(1000):
            s = socket.create_connection(("127.0.0.1", daemon.port), timeout=30)
            sockets.append(s)
        for s in sockets:
            s.sendall(b"GET /admin/v1/status HTTP/1.1\r\nHost: x\r\n\r\n")
        ok = 0
        for s in sockets:
            data = b""
            while b"}\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            ok += data.startswith(b"HTTP/1.1 200") and b'"status":"ok"' in data
        assert ok == 1000
    finally:
        for s in sockets:
            s.close()
    # h2load with 1000 clients over h2c as well.
    result = run("h2load", "-n", "5000", "-c", "1000", "-m", "2", daemon.url + "/admin/v1/status", timeout=120)
    assert "5000 succeeded, 0 failed, 0 errored" in result.stdout, result.stdout
    assert status_ok(daemon.url)


def test_garbage_bytes_get_400_and_a_close(daemon):
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as s:
        s.sendall(bytes(range(1, 200)) + b"\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 400")
    assert status_ok(daemon.url)


def test_bad_http2_preface_continuation_is_closed(daemon):
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as s:
        s.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\xff" * 64)
        s.settimeout(10)
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    # The server answered with SETTINGS and then GOAWAY, or just closed; it did not hang.
    assert status_ok(daemon.url)


def test_half_sent_request_is_closed_after_the_header_timeout(daemon):
    start = time.time()
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=20) as s:
        s.sendall(b"GET /admin/v1/status HTTP/1.1\r\nHost: x\r\nX-Slow:")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    elapsed = time.time() - start
    assert data.startswith(b"HTTP/1.1 408")
    assert 3 <= elapsed < 15
    assert status_ok(daemon.url)


def test_idle_silent_connection_is_closed(daemon):
    start = time.time()
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=20) as s:
        assert s.recv(10) == b""
    assert time.time() - start < 15


def test_one_mebibyte_header_is_rejected(daemon):
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as s:
        s.sendall(b"GET /admin/v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent = 0
        try:
            while sent < (1 << 20):
                s.sendall(b"x" * 65536)
                sent += 65536
            s.sendall(b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before we finished sending
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    assert data.startswith(b"HTTP/1.1 431"), data[:100]
    # h2c: nghttp2's own limits reject it or our 431 answers; either way no hang.
    result = run("curl", "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}",
                 "-H", "X-Big: " + "y" * 70000, daemon.url + "/admin/v1/status")
    assert result.stdout in ("431", "000") or result.returncode != 0
    assert status_ok(daemon.url)


def test_too_many_headers_get_431(daemon):
    args = []
    for i in range(150):
        args += ["-H", f"X-H{i}: v"]
    result = run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", *args, daemon.url + "/admin/v1/status")
    assert result.stdout == "431"
    result = run("curl", "-sS", "--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}", *args,
                 daemon.url + "/admin/v1/status")
    assert result.stdout == "431"


def test_unknown_grpc_route_answers_in_grpc_form(daemon):
    result = run("curl", "-sS", "--http2-prior-knowledge", "-i", "-H", "content-type: application/grpc",
                 "-H", "te: trailers", "--data-binary", "", daemon.url + "/pkg.Svc/Method")
    assert "grpc-status: 12" in result.stdout
