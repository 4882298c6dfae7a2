"""The CLI against an https:// address: a TLS proxy in front of the daemon (SPEC §7).
The CLI reaches https addresses through curl; headers (and the admin token) travel in a
0600 temporary file, never in argv."""

import json
import os
import socket
import ssl
import threading

import pytest

from octobus_e2e import BIN, run
from support.git_https import TestCA


class TLSProxy:
    """Terminates TLS with the test CA's certificate and forwards bytes to the daemon."""

    def __init__(self, ca: TestCA, backend_port: int):
        self.backend_port = backend_port
        self.context = ca.server_context()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)  # so the accept loop notices close()
        self.closed = False
        self.port = self.listener.getsockname()[1]
        self.headers_seen: list[bytes] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                raw, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            raw.settimeout(None)
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw):
        try:
            client = self.context.wrap_socket(raw, server_side=True)
            backend = socket.create_connection(("127.0.0.1", self.backend_port))
        except (OSError, ssl.SSLError):
            raw.close()
            return

        def pump(source, target, record):
            try:
                while data := source.recv(65536):
                    if record:
                        self.headers_seen.append(data)
                    target.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    target.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        threading.Thread(target=pump, args=(backend, client, False), daemon=True).start()
        pump(client, backend, True)

    def close(self):
        self.closed = True
        self.listener.close()


@pytest.fixture
def https_daemon(daemon, tmp_path):
    ca = TestCA(tmp_path / "ca")
    proxy = TLSProxy(ca, daemon.port)
    yield daemon, proxy, ca
    proxy.close()


def cli(proxy, ca, *args, env_extra=None):
    env = dict(os.environ, CURL_CA_BUNDLE=str(ca.ca_file))
    env.pop("OCTOBUS_ADMIN_TOKEN", None)
    env.update(env_extra or {})
    return run(BIN, "--addr", f"https://127.0.0.1:{proxy.port}", *args, env=env, timeout=120)


def test_status_and_listing_over_https(https_daemon):
    daemon, proxy, ca = https_daemon
    result = cli(proxy, ca, "status")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"services": 0, "status": "ok"}
    result = cli(proxy, ca, "service", "list")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"services": []}


def test_https_errors_keep_the_admin_error_body(https_daemon):
    daemon, proxy, ca = https_daemon
    result = cli(proxy, ca, "service", "get", "nope")
    assert result.returncode == 1
    assert result.stderr.startswith("admin API failed: 404: ")
    assert "service not found" in result.stderr


def test_streamed_import_errors_over_https(https_daemon, tmp_path):
    daemon, proxy, ca = https_daemon
    result = cli(proxy, ca, "service", "import", "calc", str(tmp_path / "missing"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr


def test_untrusted_certificates_are_refused(https_daemon):
    daemon, proxy, ca = https_daemon
    env = dict(os.environ)
    env.pop("CURL_CA_BUNDLE", None)
    result = run(BIN, "--addr", f"https://127.0.0.1:{proxy.port}", "status", env=env)
    assert result.returncode == 1
    assert "certificate" in result.stderr.lower()


def test_nothing_listening_is_reported_as_not_running(tmp_path):
    ca = TestCA(tmp_path / "ca")
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    env = dict(os.environ, CURL_CA_BUNDLE=str(ca.ca_file))
    result = run(BIN, "--addr", f"https://127.0.0.1:{port}", "status", env=env)
    assert result.returncode == 1
    assert result.stderr.strip() == f"octobus daemon is not running at https://127.0.0.1:{port}; run `octobus serve` first"


def test_admin_token_is_sent_to_admin_routes_but_not_to_status(https_daemon):
    daemon, proxy, ca = https_daemon
    secret = "tok-" + "s3cr3t" * 4
    result = cli(proxy, ca, "service", "list", env_extra={"OCTOBUS_ADMIN_TOKEN": secret})
    assert result.returncode == 0, result.stderr
    # The token travelled inside TLS to the daemon …
    assert any(f"Bearer {secret}".encode() in chunk for chunk in proxy.headers_seen)
    # … and status is never sent a token (SPEC §7).
    cli(proxy, ca, "status", env_extra={"OCTOBUS_ADMIN_TOKEN": secret})
    status_requests = [c for c in proxy.headers_seen if c.startswith(b"GET /admin/v1/status")]
    assert status_requests and all(b"authorization" not in c.lower() for c in status_requests)
