"""A plain HTTP static file server on 127.0.0.1 (remote .tgz/.zip sources).

Serves files from `root` by URL path (query strings ignored); anything else is
404. Requests are recorded with their path, query and Authorization header so
tests can check what the daemon asked for.
"""

from __future__ import annotations


import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from .util import RequestLog


@dataclass
class FileRequest:
    method: str
    path: str
    query: str
    authorization: str | None
    status: int


class StaticFileServer:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.log = RequestLog()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                raw_path, _, query = self.path.partition("?")
                target = (outer.root / unquote(raw_path).lstrip("/")).resolve()
                inside = target == outer.root or outer.root in target.parents
                if inside and target.is_file():
                    status, body, ctype = 200, target.read_bytes(), "application/octet-stream"
                else:
                    status, body, ctype = 404, b"not found\n", "text/plain"
                outer.log.append(FileRequest(self.command, raw_path, query,
                                             self.headers.get("Authorization"), status))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # Non-blocking accept: a client that connects and resets before accept() would
        # otherwise park serve_forever in accept(), and shutdown() would wait forever.
        self.server.socket.setblocking(False)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="http-files", daemon=True)
        self._thread.start()

    def add(self, name: str, data: bytes | Path) -> str:
        """Stores a file under `name` and returns its URL."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else Path(data).read_bytes())
        return f"{self.url}/{name}"

    def mark(self) -> int:
        return self.log.mark()

    def requests_since(self, mark: int) -> list[FileRequest]:
        return self.log.since(mark)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
