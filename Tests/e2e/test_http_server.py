"""The one port: HTTP/1.1 and h2c side by side with real clients, limits and bad input."""

import json
import socket
import subprocess
import time

import pytest

from octobus_e2e import run
from support import h2_raw


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
    # After a valid preface the first frame must be SETTINGS (RFC 9113 §3.4); 0xff… is a frame
    # of type 0xff. The server sends its own SETTINGS, a GOAWAY(PROTOCOL_ERROR), then closes.
    start = time.time()
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=10) as s:
        s.sendall(h2_raw.PREFACE + b"\xff" * 64)
        conn = h2_raw.Connection(s, answer_control=False)  # no ACK: the server is closing
        frames = []
        while (got := conn.read_frame()) is not None:
            frames.append(got)
    elapsed = time.time() - start
    assert [(f.type, f.flags, f.stream) for f in frames] == [(h2_raw.SETTINGS, 0, 0), (h2_raw.GOAWAY, 0, 0)], frames
    assert conn.server_settings[h2_raw.SETTINGS_MAX_HEADER_LIST_SIZE] == 64 * 1024
    goaway = frames[1]
    assert int.from_bytes(goaway.payload[:4], "big") == 0  # last stream id: nothing was processed
    assert h2_raw.goaway_error(goaway) == "PROTOCOL_ERROR", goaway.payload
    # Closed at once, not by the 5 s header timeout.
    assert elapsed < 3, f"closed after {elapsed:.1f}s"
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
    assert status_ok(daemon.url)


# curl and nghttp (libnghttp2) refuse to send a header block over 64 KiB, so the h2c cases
# build their frames on a raw socket (support/h2_raw.py).

def test_h2c_header_list_over_64_kib_gets_431_and_the_connection_lives_on(daemon):
    with h2_raw.Connection.open(daemon.port) as conn:
        # Two 40 000-byte fields: 80 kB in all, each field below HPACK's per-field limit,
        # sent as HEADERS + 4 CONTINUATION frames. Our per-stream check answers 431.
        conn.send_request(1, h2_raw.request_fields(daemon.port, "/admin/v1/status",
                                                   [("x-big-a", "a" * 40000), ("x-big-b", "b" * 40000)]))
        rejected = conn.response(1)
        assert conn.server_settings[h2_raw.SETTINGS_MAX_HEADER_LIST_SIZE] == 64 * 1024
        assert (rejected.status, rejected.reset, rejected.goaway, rejected.eof) == ("431", None, None, False), rejected
        # Only that stream was refused: the next request on the same connection is served.
        conn.send_request(3, h2_raw.request_fields(daemon.port, "/admin/v1/status"))
        served = conn.response(3)
        assert served.status == "200", served
        assert json.loads(served.body) == {"status": "ok", "services": 0}
    # Just over the limit by our accounting (RFC 9113: name + value + 32 per field): 64 fields
    # of 990 bytes plus the pseudo-headers come to about 65 900 > 65 536.
    with h2_raw.Connection.open(daemon.port) as conn:
        fields = [(f"x-h{i:02d}", "v" * 990) for i in range(64)]
        conn.send_request(1, h2_raw.request_fields(daemon.port, "/admin/v1/status", fields))
        assert conn.response(1).status == "431"
    # A list just under the limit is served.
    with h2_raw.Connection.open(daemon.port) as conn:
        fields = [(f"x-h{i:02d}", "v" * 950) for i in range(64)]
        conn.send_request(1, h2_raw.request_fields(daemon.port, "/admin/v1/status", fields))
        assert conn.response(1).status == "200"
    assert status_ok(daemon.url)


def test_h2c_single_header_field_over_64_kib_is_a_compression_error(daemon):
    # One 70 000-byte field exceeds nghttp2's HPACK per-field limit (64 KiB) before our
    # per-stream check sees it: the whole connection ends with GOAWAY(COMPRESSION_ERROR).
    with h2_raw.Connection.open(daemon.port) as conn:
        conn.send_request(1, h2_raw.request_fields(daemon.port, "/admin/v1/status", [("x-big", "y" * 70000)]))
        result = conn.response(1)
        assert (result.status, result.goaway) == (None, "COMPRESSION_ERROR"), result
        assert conn.read_frame() is None  # and the server closes the connection
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


def test_grpc_without_routing_metadata_answers_in_grpc_form(daemon):
    # A trailers-only gRPC answer (HTTP 200, status in the headers), not an HTTP error.
    result = run("curl", "-sS", "--http2-prior-knowledge", "-i", "-H", "content-type: application/grpc",
                 "-H", "te: trailers", "--data-binary", "", daemon.url + "/pkg.Svc/Method")
    assert result.stdout.startswith("HTTP/2 200")
    assert "grpc-status: 3" in result.stdout
    assert "grpc-message: x-octobus-capset and x-octobus-instance metadata are required" in result.stdout
