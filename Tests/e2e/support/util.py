"""Small helpers shared by the support modules."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path


def wait_until(predicate, timeout=10.0, interval=0.05, message="condition"):
    """Polls `predicate` until it returns a truthy value, which is returned.

    Raises AssertionError with the last value seen after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {message}; last value: {last!r}")
        time.sleep(interval)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RequestLog:
    """What a test server was asked, in order; safe to append from handler threads.
    Tests take a `mark()` before an action and read `since(mark)` after it."""

    def __init__(self):
        self._entries = []
        self._lock = threading.Lock()

    def append(self, entry):
        with self._lock:
            self._entries.append(entry)

    def mark(self) -> int:
        with self._lock:
            return len(self._entries)

    def since(self, mark: int) -> list:
        with self._lock:
            return list(self._entries[mark:])
