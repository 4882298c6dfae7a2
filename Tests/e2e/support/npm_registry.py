"""A minimal npm registry on 127.0.0.1 (one thread), enough for `npm pack`,
`npm install` and `npm ci` against published tarballs.

Publishing runs `npm pack` on a package directory and serves:

- the packument at `/<name>` (scoped: `/@scope%2fname`, also `/@scope/name`):
  `{"name", "dist-tags": {"latest"}, "versions": {v: {...package.json, "dist": {tarball, shasum, integrity}}}}`
- the tarball at `/<name>/-/<basename>-<version>.tgz`.

Every request is recorded (`requests`, `mark()`/`requests_since()`), so a test
can assert that an `--offline` import never reached the registry. Unknown
names answer 404, so npm can never fall through to the public registry.

Requests for the package named `STALL_PACKAGE` never get an answer while the
stall is on (the default; `release_stalls()` lets them through as 404s): a
dependency on it keeps `npm install` waiting, which is how a test catches an
import in the middle of its install.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from .util import RequestLog

STALL_PACKAGE = "octobus-e2e-stall"


def npm_env(registry_url: str, cache_dir: Path) -> dict:
    """Environment for npm (and for a daemon that runs npm): the given
    registry, a private cache and nothing that phones home."""
    return {
        "npm_config_registry": registry_url.rstrip("/") + "/",
        "npm_config_cache": str(cache_dir),
        "npm_config_update_notifier": "false",
        "npm_config_audit": "false",
        "npm_config_fund": "false",
        "npm_config_progress": "false",
    }


@dataclass
class Published:
    name: str
    version: str
    tarball: Path
    url: str
    shasum: str
    integrity: str
    manifest: dict


class NpmRegistry:
    def __init__(self, work_dir: Path):
        self.work_dir = Path(work_dir)
        self.tarball_dir = self.work_dir / "tarballs"
        self.tarball_dir.mkdir(parents=True, exist_ok=True)
        self.cache_dir = self.work_dir / "pack-cache"
        self.packages: dict[str, dict[str, Published]] = {}
        self.latest: dict[str, str] = {}
        self.log = RequestLog()
        self._lock = threading.Lock()  # guards packages and latest
        self._stall_released = threading.Event()
        registry = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output clean
                pass

            def _send(self, status, body: bytes, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_GET(self):
                registry.log.append((self.command, self.path))
                path = unquote(self.path.split("?", 1)[0])
                if path.lstrip("/").startswith(STALL_PACKAGE):
                    # Hold the request (bounded, so a forgotten stall cannot hang a test run).
                    registry._stall_released.wait(timeout=300)
                status, body, ctype = registry._resolve(path)
                self._send(status, body, ctype)

            do_HEAD = do_GET

            def do_POST(self):  # audit and friends: not supported here
                registry.log.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self._send(404, b'{"error":"not found"}')

            do_PUT = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # Non-blocking accept: a client that connects and resets before accept() would
        # otherwise park serve_forever in accept(), and shutdown() would wait forever.
        self.server.socket.setblocking(False)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="npm-registry", daemon=True)
        self._thread.start()

    # -- serving ---------------------------------------------------------------

    def _resolve(self, path: str):
        if "/-/" in path:
            with self._lock:
                for versions in self.packages.values():
                    for pub in versions.values():
                        if pub.url.endswith(path):
                            return 200, pub.tarball.read_bytes(), "application/octet-stream"
            return 404, b'{"error":"not found"}', "application/json"
        name = path.lstrip("/")
        with self._lock:
            versions = self.packages.get(name)
            if not versions:
                return 404, b'{"error":"not found"}', "application/json"
            doc = {
                "_id": name,
                "name": name,
                "dist-tags": {"latest": self.latest[name]},
                "versions": {v: dict(p.manifest, _id=f"{name}@{v}", dist={
                    "tarball": p.url, "shasum": p.shasum, "integrity": p.integrity}) for v, p in versions.items()},
            }
        return 200, json.dumps(doc).encode(), "application/json"

    # -- publishing ------------------------------------------------------------

    def publish_dir(self, package_dir: Path, latest: bool = True) -> Published:
        """`npm pack` the directory and publish the tarball."""
        with tempfile.TemporaryDirectory(dir=self.work_dir) as out:
            env = dict(os.environ, **npm_env(self.url, self.cache_dir))
            result = subprocess.run(
                ["npm", "pack", "--json", "--ignore-scripts", "--pack-destination", out],
                cwd=package_dir, env=env, capture_output=True, text=True, timeout=120)
            if result.returncode != 0:
                raise RuntimeError(f"npm pack {package_dir} failed:\n{result.stderr}")
            info = json.loads(result.stdout)[0]
            return self.publish_tarball(Path(out) / info["filename"], latest=latest)

    def publish_tarball(self, tarball: Path, latest: bool = True) -> Published:
        data = Path(tarball).read_bytes()
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            member = next(m for m in tar.getmembers() if m.name.split("/", 1)[-1] == "package.json"
                          and m.name.count("/") == 1)
            manifest = json.loads(tar.extractfile(member).read())
        name, version = manifest["name"], manifest["version"]
        basename = name.split("/")[-1]
        dest = self.tarball_dir / f"{name.replace('/', '-').lstrip('@')}-{version}.tgz"
        dest.write_bytes(data)
        pub = Published(
            name=name, version=version, tarball=dest,
            url=f"{self.url}/{name}/-/{basename}-{version}.tgz",
            shasum=hashlib.sha1(data).hexdigest(),
            integrity="sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(),
            manifest=manifest)
        with self._lock:
            self.packages.setdefault(name, {})[version] = pub
            if latest or name not in self.latest:
                self.latest[name] = version
        return pub

    def release_stalls(self):
        """Answers held and future requests for STALL_PACKAGE (with 404)."""
        self._stall_released.set()

    # -- request log -----------------------------------------------------------

    def mark(self) -> int:
        return self.log.mark()

    def requests_since(self, mark: int) -> list[tuple[str, str]]:
        return self.log.since(mark)

    def close(self):
        self.release_stalls()
        self.server.shutdown()
        self.server.server_close()
