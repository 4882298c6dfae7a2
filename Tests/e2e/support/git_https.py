"""HTTPS Git for import tests: a throwaway CA, a TLS HTTP server in front of
`git http-backend` (smart HTTP, CGI), optional Basic auth per repository, and
the repository fixtures the tests import from.


Clients trust the server through `GIT_SSL_CAINFO=<ca.pem>` (tests start the
daemon with it). The certificate is for `127.0.0.1` and `localhost`.
"""

from __future__ import annotations

import base64
import os
import shutil
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .packages import EXAMPLES_DIR, copy_package, read_json, write_json
from .util import RequestLog


# -- certificates ----------------------------------------------------------------

class TestCA:
    """A CA plus a server certificate signed by it, made with the openssl CLI."""

    __test__ = False  # not a pytest class

    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ca_key = self.dir / "ca.key"
        self.ca_file = self.dir / "ca.pem"
        self.key_file = self.dir / "server.key"
        self.cert_file = self.dir / "server.pem"
        self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.ca_key, "-out", self.ca_file,
                      "-days", "7", "-subj", "/CN=OctoBus e2e test CA",
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        csr = self.dir / "server.csr"
        self._openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key_file, "-out", csr,
                      "-subj", "/CN=127.0.0.1")
        ext = self.dir / "server.ext"
        ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                       "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
        self._openssl("x509", "-req", "-in", csr, "-CA", self.ca_file, "-CAkey", self.ca_key, "-CAcreateserial",
                      "-out", self.cert_file, "-days", "7", "-extfile", ext)

    @staticmethod
    def _openssl(*args):
        result = subprocess.run(["openssl", *map(str, args)], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"openssl {args[0]} failed:\n{result.stderr}")

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert_file, self.key_file)
        return ctx

    def client_env(self) -> dict:
        return {"GIT_SSL_CAINFO": str(self.ca_file)}


# -- server ----------------------------------------------------------------------

@dataclass
class GitRequest:
    method: str
    path: str
    user: str | None          # user of a valid Basic authorization
    status: int


class GitHttpsServer:
    """TLS server running `git http-backend` for repositories under
    `project_root`. `auth` maps a repository directory name (e.g. "private.git")
    to the (user, password) it requires."""

    def __init__(self, project_root: Path, ca: TestCA, auth: dict[str, tuple[str, str]] | None = None):
        self.project_root = Path(project_root)
        self.ca = ca
        self.auth = dict(auth or {})
        self.log = RequestLog()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                # TLS handshake in the worker thread, not in the accept loop.
                try:
                    self.request.do_handshake()
                except (ssl.SSLError, OSError):
                    self.request.close()
                    raise
                super().setup()

            def _reply(self, status, headers, body: bytes):
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _handle(self):
                raw_path, _, query = self.path.partition("?")
                body = self._body()
                repo = raw_path.lstrip("/").split("/", 1)[0]
                user = None
                required = outer.auth.get(repo)
                if required is not None:
                    header = self.headers.get("Authorization", "")
                    expected = "Basic " + base64.b64encode(f"{required[0]}:{required[1]}".encode()).decode()
                    if header != expected:
                        outer._record(self.command, self.path, None, 401)
                        self._reply(401, [("WWW-Authenticate", 'Basic realm="octobus-e2e"'),
                                          ("Content-Type", "text/plain")], b"authentication required\n")
                        return
                    user = required[0]
                env = {
                    "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "GIT_PROJECT_ROOT": str(outer.project_root),
                    "GIT_HTTP_EXPORT_ALL": "1",
                    "GIT_CONFIG_NOSYSTEM": "1",
                    "GIT_CONFIG_GLOBAL": "/dev/null",
                    "REQUEST_METHOD": self.command,
                    "PATH_INFO": raw_path,
                    "QUERY_STRING": query,
                    "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                    "CONTENT_LENGTH": str(len(body)),
                    "REMOTE_ADDR": self.client_address[0],
                    "SERVER_PROTOCOL": "HTTP/1.1",
                    "GATEWAY_INTERFACE": "CGI/1.1",
                }
                if user:
                    env["REMOTE_USER"] = user
                for key, value in self.headers.items():
                    if key.lower() in ("authorization", "content-type", "content-length", "transfer-encoding"):
                        continue
                    env["HTTP_" + key.upper().replace("-", "_")] = value
                result = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, timeout=60)
                out = result.stdout
                # CGI reply: header lines, a blank line (CRLF or LF), the body.
                candidates = [(i, 4) for i in [out.find(b"\r\n\r\n")] if i >= 0]
                candidates += [(i, 2) for i in [out.find(b"\n\n")] if i >= 0]
                if result.returncode != 0 or not candidates:
                    outer._record(self.command, self.path, user, 500)
                    self._reply(500, [("Content-Type", "text/plain")], result.stderr or b"http-backend failed\n")
                    return
                sep, width = min(candidates)
                head = out[:sep].decode("latin-1")
                payload = out[sep + width:]
                status = 200
                headers = []
                for line in head.splitlines():
                    if not line.strip():
                        continue
                    key, _, value = line.partition(":")
                    if key.strip().lower() == "status":
                        status = int(value.strip().split()[0])
                    else:
                        headers.append((key.strip(), value.strip()))
                outer._record(self.command, self.path, user, status)
                self._reply(status, headers, payload)

            do_GET = do_POST = do_HEAD = _handle

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self):
                sock, addr = self.socket.accept()
                return ca.server_context().wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

            def handle_error(self, request, client_address):
                pass  # clients that reject the certificate are part of some tests

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"https://127.0.0.1:{self.port}"
        # Non-blocking accept (see http_files.py): serve_forever must never park in accept().
        self.server.socket.setblocking(False)
        self._thread = threading.Thread(target=self.server.serve_forever, name="git-https", daemon=True)
        self._thread.start()

    def _record(self, method, path, user, status):
        self.log.append(GitRequest(method, path, user, status))

    def repo_url(self, repo: str, user: str | None = None, password: str | None = None) -> str:
        userinfo = ""
        if user is not None:
            userinfo = user + (f":{password}" if password is not None else "") + "@"
        return f"https://{userinfo}127.0.0.1:{self.port}/{repo}"

    def mark(self) -> int:
        return self.log.mark()

    def requests_since(self, mark: int) -> list[GitRequest]:
        return self.log.since(mark)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# -- repositories ----------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "OctoBus e2e", "GIT_AUTHOR_EMAIL": "e2e@octobus.invalid",
    "GIT_COMMITTER_NAME": "OctoBus e2e", "GIT_COMMITTER_EMAIL": "e2e@octobus.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_TERMINAL_PROMPT": "0",
}


def git(*args, cwd: Path, env: dict | None = None) -> str:
    full_env = {**os.environ, **GIT_ENV, **(env or {})}
    result = subprocess.run(["git", *map(str, args)], cwd=cwd, env=full_env, capture_output=True, text=True,
                            timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"git {' '.join(map(str, args))} failed:\n{result.stderr}")
    return result.stdout.strip()


@dataclass
class CalculatorRepo:
    """What the calculator repository fixture holds (see build_repositories)."""
    shas: dict[str, str] = field(default_factory=dict)      # label -> commit sha
    names: dict[str, str] = field(default_factory=dict)     # label -> service displayName at that commit


def _set_display_name(tree: Path, name: str, manifest: str = "service.json"):
    data = read_json(tree / manifest)
    data["displayName"] = name
    write_json(tree / manifest, data)


def _commit(tree: Path, message: str) -> str:
    git("add", "-A", cwd=tree)
    git("commit", "-q", "-m", message, cwd=tree)
    return git("rev-parse", "HEAD", cwd=tree)


def build_repositories(project_root: Path, work: Path) -> dict[str, CalculatorRepo]:
    """Creates under `project_root`:

    calc.git (branch main):
      c1 "Calculator v1.0.0"   tag v1.0.0 (lightweight)
      c2 "Calculator v1.2.0"   tag v1.2.0 (annotated)
      c3 "Calculator v1.10.0"  tag v1.10.0 (annotated), adds the `variant/` service
                               root ("calculator-variant") and its bin entry
      c4 "Calculator unreleased" (HEAD of main), tags v9.0.0-beta and release-99
                               (neither matches ^vX.Y.Z$, so `latest` is v1.10.0)
      branch feature from c3: "Calculator feature"
    private.git: a copy of calc.git (the server requires Basic auth for it)
    plain.git: no semver tag; main "Calculator plain HEAD", branch other
      "Calculator plain other", tag release-1.

    Every commit holds calculator-js with its SDK dependency pinned to the
    registry version."""
    project_root.mkdir(parents=True, exist_ok=True)
    repos: dict[str, CalculatorRepo] = {}

    tree = work / "calc"
    copy_package(EXAMPLES_DIR / "calculator-js", tree)
    git("init", "-q", "-b", "main", cwd=tree)
    info = CalculatorRepo()

    def step(label, display):
        _set_display_name(tree, display)
        info.shas[label] = _commit(tree, display)
        info.names[label] = display

    step("v1.0.0", "Calculator v1.0.0")
    git("tag", "v1.0.0", cwd=tree)
    step("v1.2.0", "Calculator v1.2.0")
    git("tag", "-a", "v1.2.0", "-m", "release 1.2.0", cwd=tree)
    variant = tree / "variant"
    variant.mkdir()
    shutil.copytree(tree / "proto", variant / "proto")
    for schema in ("config.schema.json", "secret.schema.json"):
        shutil.copy2(tree / schema, variant / schema)
    manifest = read_json(tree / "service.json")
    manifest.update(name="calculator-variant", displayName="Calculator Variant")
    write_json(variant / "service.json", manifest)
    pkg = read_json(tree / "package.json")
    pkg["bin"]["calculator-variant"] = pkg["bin"]["calculator"]
    write_json(tree / "package.json", pkg)
    step("v1.10.0", "Calculator v1.10.0")
    git("tag", "-a", "v1.10.0", "-m", "release 1.10.0", cwd=tree)
    step("head", "Calculator unreleased")
    git("tag", "-a", "v9.0.0-beta", "-m", "pre-release", cwd=tree)
    git("tag", "release-99", cwd=tree)
    git("checkout", "-q", "-b", "feature", info.shas["v1.10.0"], cwd=tree)
    step("feature", "Calculator feature")
    git("checkout", "-q", "main", cwd=tree)
    git("clone", "-q", "--bare", tree, project_root / "calc.git", cwd=work)
    git("clone", "-q", "--bare", tree, project_root / "private.git", cwd=work)
    repos["calc.git"] = info
    repos["private.git"] = info

    plain = work / "plain"
    copy_package(EXAMPLES_DIR / "calculator-js", plain)
    git("init", "-q", "-b", "main", cwd=plain)
    pinfo = CalculatorRepo()
    _set_display_name(plain, "Calculator plain HEAD")
    pinfo.shas["head"] = _commit(plain, "plain head")
    pinfo.names["head"] = "Calculator plain HEAD"
    git("tag", "release-1", cwd=plain)
    git("checkout", "-q", "-b", "other", cwd=plain)
    _set_display_name(plain, "Calculator plain other")
    pinfo.shas["other"] = _commit(plain, "plain other")
    pinfo.names["other"] = "Calculator plain other"
    git("checkout", "-q", "main", cwd=plain)
    git("clone", "-q", "--bare", plain, project_root / "plain.git", cwd=work)
    repos["plain.git"] = pinfo

    for bare in ("calc.git", "private.git", "plain.git"):
        git("symbolic-ref", "HEAD", "refs/heads/main", cwd=project_root / bare)
    return repos

