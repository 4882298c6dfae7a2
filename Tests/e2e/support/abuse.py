"""Abusive clients for the hardening tests: what an attacker on the daemon's port would do.

Each function drives the daemon with real sockets (h2 frames from the `h2` library, raw
HTTP/1.1 bytes) and returns what it observed; the tests assert the daemon's memory, file
descriptors and answers around them. Process figures come from /proc.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import h2.config
import h2.connection
import h2.events
import h2.exceptions


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


class PeakRSS:
    """Samples a process's RSS every 20 ms in the background; `.peak` in KiB."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = rss_kib(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.02):
            try:
                self.peak = max(self.peak, rss_kib(self.pid))
            except (FileNotFoundError, ProcessLookupError, RuntimeError):
                return

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _connect(port: int, timeout: float = 10.0) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def rapid_reset_connection(port: int, streams: int, path: str) -> dict:
    """One h2c connection: open `streams` GET streams, resetting each right after its HEADERS
    (CVE-2023-44487). Returns what the server said: GOAWAY error code, REFUSED_STREAM count."""
    outcome = {"goaway": None, "refused": 0, "sent": 0, "error": None}
    try:
        sock = _connect(port)
    except OSError as error:
        outcome["error"] = str(error)
        return outcome
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    try:
        sock.sendall(conn.data_to_send())
        headers = [(":method", "GET"), (":scheme", "http"), (":authority", f"127.0.0.1:{port}"), (":path", path)]
        for _ in range(streams):
            stream_id = conn.get_next_available_stream_id()
            conn.send_headers(stream_id, headers, end_stream=True)
            conn.reset_stream(stream_id)
            outcome["sent"] += 1
            if outcome["sent"] % 50 == 0:
                sock.sendall(conn.data_to_send())
        sock.sendall(conn.data_to_send())
        sock.settimeout(3.0)
        deadline = time.time() + 3.0
        while time.time() < deadline:
            data = sock.recv(65536)
            if not data:
                break
            try:
                events = conn.receive_data(data)
            except h2.exceptions.ProtocolError:
                break
            for event in events:
                if isinstance(event, h2.events.ConnectionTerminated):
                    outcome["goaway"] = int(event.error_code)
                elif isinstance(event, h2.events.StreamReset) and int(event.error_code) == 7:
                    outcome["refused"] += 1
            if outcome["goaway"] is not None:
                break
    except (OSError, h2.exceptions.ProtocolError) as error:
        outcome["error"] = str(error)
    finally:
        sock.close()
    return outcome


def rapid_reset(port: int, connections: int, streams: int, path: str, workers: int = 50) -> list[dict]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda _: rapid_reset_connection(port, streams, path), range(connections)))


def pipeline_without_reading(port: int, requests: int, request: bytes) -> tuple[socket.socket, int]:
    """Sends up to `requests` pipelined requests and never reads a response. Returns the open
    socket (the caller closes it) and how many request bytes the server took before the
    kernel buffers filled (a server that keeps answering would take them all)."""
    sock = _connect(port)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    payload = request * requests
    sent = 0
    deadline = time.time() + 10.0
    while sent < len(payload) and time.time() < deadline:
        try:
            sent += sock.send(payload[sent:sent + 65536])
        except BlockingIOError:
            time.sleep(0.01)
            # Stalled for a second with nothing more taken: the server stopped reading.
            stalled_since = time.time()
            while time.time() - stalled_since < 1.0:
                try:
                    n = sock.send(payload[sent:sent + 65536])
                    sent += n
                    break
                except BlockingIOError:
                    time.sleep(0.05)
            else:
                break
    return sock, sent


def post_body(port: int, path: str, size: int, content_type: str = "application/json") -> int:
    """HTTP/1.1 POST of a `size`-byte JSON body; returns the response status (0: no answer)."""
    body = b'{"blob":"' + b"a" * max(0, size - 11) + b'"}'
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    try:
        with _connect(port, timeout=30.0) as sock:
            sock.sendall(head)
            view = memoryview(body)
            for offset in range(0, len(body), 1 << 16):
                sock.sendall(view[offset:offset + (1 << 16)])
            reply = sock.recv(64)
    except OSError:
        return 0
    parts = reply.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def parallel_bodies(port: int, count: int, size: int, path: str) -> list[int]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: post_body(port, path, size), range(count)))


def slow_body_connections(port: int, count: int, path: str) -> list[socket.socket]:
    """Opens `count` connections that each send a request head announcing a body and then only
    its first byte (a client that will drip the rest, one byte every few seconds)."""
    socks = []
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000\r\n\r\n{").encode()
    for _ in range(count):
        sock = _connect(port)
        sock.sendall(head)
        socks.append(sock)
    return socks


def closed_by_server(sock: socket.socket, timeout: float) -> bytes | None:
    """What the server sent before closing `sock` within `timeout`; None if still open."""
    sock.settimeout(timeout)
    received = b""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return received
            received += data
    except (socket.timeout, TimeoutError):
        return None
    except OSError:
        return received
