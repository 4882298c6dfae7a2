"""Fixtures for driving SDK service packages with a real gRPC client (grpcio).

Packages are copied to a temp dir and installed offline against this checkout's
SDK; descriptors are compiled with protoc like the daemon does at import; and
request/response classes are built at run time from that FileDescriptorSet, so
no generated code is committed. Every process started here is killed at
teardown, also when a test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

SDK_DIR = Path(__file__).resolve().parents[2]
REPO_DIR = SDK_DIR.parent
EXAMPLES_DIR = REPO_DIR / "examples"
FIXTURES_DIR = SDK_DIR / "test" / "fixtures"

HEALTH_CHECK = "/grpc.health.v1.Health/Check"
SERVING = b"\x08\x01"


def pytest_collection_modifyitems(items):
    # A hung server must fail the test, not the CI run.
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(120))


def prepare_package(source: Path, dest_root: Path) -> Path:
    """Copy a package, point `file:` deps at absolute paths, npm install offline."""
    dest = dest_root / source.name
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("node_modules"))
    pkg_file = dest / "package.json"
    pkg = json.loads(pkg_file.read_text())
    for name, spec in list(pkg.get("dependencies", {}).items()):
        if isinstance(spec, str) and spec.startswith("file:"):
            pkg["dependencies"][name] = "file:" + str((source / spec[5:]).resolve())
    pkg_file.write_text(json.dumps(pkg, indent=2))
    subprocess.run(
        ["npm", "install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
        cwd=dest,
        check=True,
        capture_output=True,
    )
    return dest


def entry_of(package_dir: Path) -> Path:
    pkg = json.loads((package_dir / "package.json").read_text())
    manifest = json.loads((package_dir / "service.json").read_text())
    bin_ = pkg["bin"]
    return package_dir / (bin_ if isinstance(bin_, str) else bin_[manifest["name"]])


def compile_descriptor(package_dir: Path, out_dir: Path) -> Path:
    manifest = json.loads((package_dir / "service.json").read_text())
    out = out_dir / "descriptor.protoset"
    subprocess.run(
        [
            "protoc",
            "--include_imports",
            "--include_source_info",
            f"--descriptor_set_out={out}",
            *[f"-I{(package_dir / r).resolve()}" for r in manifest["proto"]["roots"]],
            *[str((package_dir / f).resolve()) for f in manifest["proto"]["files"]],
        ],
        check=True,
        capture_output=True,
    )
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DynamicStub:
    """Callables for every method of a service, built from descriptors.

    `stub.Echo(request)` etc.; `stub.Request("Echo")` / `stub.Response("Echo")`
    are the message classes.
    """

    def __init__(self, channel: grpc.Channel, pool: descriptor_pool.DescriptorPool, service: str):
        svc = pool.FindServiceByName(service)
        self._types = {}
        for method in svc.methods:
            req = message_factory.GetMessageClass(method.input_type)
            resp = message_factory.GetMessageClass(method.output_type)
            self._types[method.name] = (req, resp)
            factory = {
                (False, False): channel.unary_unary,
                (False, True): channel.unary_stream,
                (True, False): channel.stream_unary,
                (True, True): channel.stream_stream,
            }[(method.client_streaming, method.server_streaming)]
            setattr(
                self,
                method.name,
                factory(
                    f"/{svc.full_name}/{method.name}",
                    request_serializer=req.SerializeToString,
                    response_deserializer=resp.FromString,
                ),
            )

    def Request(self, method: str, **fields):
        return self._types[method][0](**fields)

    def Response(self, method: str):
        return self._types[method][1]


def load_pool(descriptor: Path) -> descriptor_pool.DescriptorPool:
    fds = descriptor_pb2.FileDescriptorSet.FromString(descriptor.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in fds.file:  # protoc --include_imports lists dependencies first
        pool.Add(file)
    return pool


class ServiceProcess:
    """`<entry> --runtime serve …` started with the daemon's exact argv and env.

    The secret goes through a pipe on fd 3: `sh` moves the pipe we write into
    from fd 0 to fd 3 before exec'ing the entry, as the daemon's spawn does.
    """

    def __init__(self, package_dir: Path, workdir: Path, descriptor: Path, *, config=None, secret=None,
                 service_id="svc", instance_id="inst", extra_env=None):
        self.package_dir = package_dir
        self.workdir = workdir
        self.descriptor = descriptor
        self.config = config if config is not None else {}
        self.secret = secret if secret is not None else {}
        self.service_id = service_id
        self.instance_id = instance_id
        self.extra_env = extra_env or {}
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> "ServiceProcess":
        self.workdir.mkdir(parents=True, exist_ok=True)
        config_path = self.workdir / "config.json"
        config_path.write_text(json.dumps(self.config))
        self.port = free_port()
        argv = [
            str(entry_of(self.package_dir)), "--runtime", "serve", "--host", "127.0.0.1", "--port", str(self.port),
            "--config", str(config_path), "--secret-fd", "3", "--workdir", str(self.workdir),
            "--service", self.service_id, "--instance", self.instance_id,
        ]
        env = {
            **os.environ,
            "OCTOBUS_SERVICE_ID": self.service_id,
            "OCTOBUS_INSTANCE_ID": self.instance_id,
            "OCTOBUS_PACKAGE_DIR": str(self.package_dir),
            "OCTOBUS_DESCRIPTOR_PATH": str(self.descriptor),
            **self.extra_env,
        }
        self.stdout_path = self.workdir / "stdout.log"
        self.stderr_path = self.workdir / "stderr.log"
        self.proc = subprocess.Popen(
            ["sh", "-c", 'exec "$0" "$@" 3<&0 0</dev/null', *argv],
            cwd=self.workdir,
            env=env,
            stdin=subprocess.PIPE,
            stdout=self.stdout_path.open("ab"),
            stderr=self.stderr_path.open("ab"),
        )
        self.proc.stdin.write(json.dumps(self.secret).encode())
        self.proc.stdin.close()
        self._wait_healthy(timeout)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = None
        with grpc.insecure_channel(self.address) as channel:
            check = channel.unary_unary(HEALTH_CHECK, request_serializer=None, response_deserializer=None)
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"service exited with {self.proc.returncode}: {self.stderr()}")
                try:
                    if check(b"", timeout=0.5) == SERVING:
                        return
                except grpc.RpcError as error:
                    last = error
                time.sleep(0.1)
        raise RuntimeError(f"service not healthy at {self.address}: {last}; stderr: {self.stderr()}")

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def packages(tmp_path_factory):
    """Installed temp copies of the example and fixture packages, by name."""
    root = tmp_path_factory.mktemp("packages")
    cache: dict[str, Path] = {}
    sources = {
        "streaming": EXAMPLES_DIR / "streaming-js",
        "calculator": EXAMPLES_DIR / "calculator-js",
        "probe": FIXTURES_DIR / "probe-service",
        "ledger": FIXTURES_DIR / "upstream-style",
        "styles": FIXTURES_DIR / "handler-styles",
    }

    def get(name: str) -> Path:
        if name not in cache:
            cache[name] = prepare_package(sources[name], root / name)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def descriptors(tmp_path_factory):
    root = tmp_path_factory.mktemp("descriptors")
    cache: dict[Path, Path] = {}

    def get(package_dir: Path) -> Path:
        if package_dir not in cache:
            out = root / package_dir.name
            out.mkdir()
            cache[package_dir] = compile_descriptor(package_dir, out)
        return cache[package_dir]

    return get


@pytest.fixture
def start_service(packages, descriptors, tmp_path):
    """Start a package by name; everything started is killed at teardown."""
    started: list[ServiceProcess] = []

    def start(name: str, **kwargs) -> ServiceProcess:
        package_dir = packages(name)
        proc = ServiceProcess(package_dir, tmp_path / f"work-{name}-{len(started)}", descriptors(package_dir), **kwargs)
        started.append(proc)
        return proc.start()

    yield start
    for proc in started:
        proc.stop()


def stub_for(proc: ServiceProcess, service: str, channel: grpc.Channel) -> DynamicStub:
    return DynamicStub(channel, load_pool(proc.descriptor), service)


@pytest.fixture(scope="module")
def module_services(tmp_path_factory, packages, descriptors):
    """Like start_service, but shared by the tests of one module."""
    started: list[ServiceProcess] = []
    root = tmp_path_factory.mktemp("module-services")

    def start(name: str, **kwargs) -> ServiceProcess:
        package_dir = packages(name)
        proc = ServiceProcess(package_dir, root / f"work-{name}-{len(started)}", descriptors(package_dir), **kwargs)
        started.append(proc)
        return proc.start()

    yield start
    for proc in started:
        proc.stop()


__all__ = ["ServiceProcess", "DynamicStub", "stub_for", "signal"]
