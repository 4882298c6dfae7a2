"""pytest fixtures for the import / instance / supervision tests.

Import them into a test module (`from support.fixtures import *`); pytest
registers fixtures found in a test module's namespace. The expensive shared
things (npm registry with the SDK and example copies, test CA, HTTPS Git server
and repos, static file server) are built once per test process (`World`) and
reused by every module; each test still gets its own daemon, data dir and npm
cache.
"""

from __future__ import annotations

import atexit
from pathlib import Path

import pytest

from octobus_e2e import Daemon

from .git_https import GitHttpsServer, TestCA, build_repositories
from .http_files import StaticFileServer
from .npm_registry import NpmRegistry, npm_env
from .packages import (EXAMPLES_DIR, FIXTURES_DIR, SDK_DIR, broken_package, calculator_v2, copy_package,
                       sdk_version)
from .processes import kill_processes_mentioning

GIT_USER = "alice"
GIT_PASSWORD = "pa55-w0rd-e2e-7f3c"  # distinctive: tests grep for it
SCOPED_CALCULATOR = "@octobus-e2e/calculator-js"

__all__ = ["world", "npm_registry", "tls_ca", "git_server", "http_files", "pkg", "start_octobus", "octobus",
           "World", "GIT_USER", "GIT_PASSWORD", "SCOPED_CALCULATOR"]


class World:
    """Shared servers and published packages (lazily built, one per process)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.sdk_version = sdk_version()
        self._registry = self._ca = self._git = self._files = None
        self.git_repos = {}

    @property
    def registry(self) -> NpmRegistry:
        if self._registry is None:
            reg = NpmRegistry(self.root / "registry")
            pub = self.root / "publish"
            reg.publish_dir(SDK_DIR)
            reg.publish_dir(copy_package(EXAMPLES_DIR / "calculator-js", pub / "calculator-0.1.0"))
            # 0.2.0 adds Multiply and is `latest`.
            reg.publish_dir(calculator_v2(pub / "calculator-0.2.0"))
            reg.publish_dir(copy_package(EXAMPLES_DIR / "calculator-js", pub / "calculator-scoped",
                                         package_edits={"name": SCOPED_CALCULATOR}))
            reg.publish_dir(copy_package(EXAMPLES_DIR / "calculator-on-demand-js", pub / "calculator-on-demand"))
            reg.publish_dir(copy_package(FIXTURES_DIR / "two-services", pub / "two-services"))
            self._registry = reg
        return self._registry

    @property
    def ca(self) -> TestCA:
        if self._ca is None:
            self._ca = TestCA(self.root / "ca")
        return self._ca

    @property
    def git(self) -> GitHttpsServer:
        if self._git is None:
            repos = self.root / "git" / "repos"
            self.git_repos = build_repositories(repos, self.root / "git" / "work")
            self._git = GitHttpsServer(repos, self.ca, auth={"private.git": (GIT_USER, GIT_PASSWORD)})
        return self._git

    @property
    def files(self) -> StaticFileServer:
        if self._files is None:
            self._files = StaticFileServer(self.root / "files")
        return self._files

    def daemon_env(self, npm_cache: Path) -> dict:
        """What every test daemon gets: npm on the test registry with a private
        cache, and trust in the test CA for HTTPS Git."""
        env = npm_env(self.registry.url, npm_cache)
        env.update(self.ca.client_env())
        return env

    def close(self):
        for server in (self._registry, self._git, self._files):
            if server is not None:
                server.close()


_WORLD: World | None = None


def _world(tmp_path_factory) -> World:
    global _WORLD
    if _WORLD is None:
        _WORLD = World(tmp_path_factory.mktemp("world"))
        atexit.register(_WORLD.close)
    return _WORLD


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> World:
    return _world(tmp_path_factory)


@pytest.fixture(scope="session")
def npm_registry(world) -> NpmRegistry:
    return world.registry


@pytest.fixture(scope="session")
def tls_ca(world) -> TestCA:
    return world.ca


@pytest.fixture(scope="session")
def git_server(world) -> GitHttpsServer:
    return world.git


@pytest.fixture(scope="session")
def http_files(world) -> StaticFileServer:
    return world.files


class PackageCopies:
    """Fresh per-test copies of examples and fixtures, SDK dependency pinned."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.count = 0

    def _dest(self, name: str) -> Path:
        self.count += 1
        return self.root / f"{self.count:02d}" / name

    def example(self, name: str, **edits) -> Path:
        return copy_package(EXAMPLES_DIR / name, self._dest(name), **edits)

    def fixture(self, name: str, **edits) -> Path:
        return copy_package(FIXTURES_DIR / name, self._dest(name), **edits)

    def broken(self, case: str) -> Path:
        return broken_package(case, self._dest(case))

    def calculator_v2(self) -> Path:
        return calculator_v2(self._dest("calculator-js"))


@pytest.fixture
def pkg(tmp_path) -> PackageCopies:
    return PackageCopies(tmp_path / "src")


@pytest.fixture
def start_octobus(tmp_path, world):
    """Factory: start a daemon with the test registry/CA environment.

    start_octobus(data_dir=None, npm_cache=None, extra_env=None) -> Daemon.
    Teardown stops every daemon still running (SIGTERM; exit code 0 is
    asserted) and SIGKILLs any process left that mentions the test's tmp dir."""
    started: list[Daemon] = []

    def start(data_dir=None, npm_cache=None, extra_env=None, **kwargs):
        index = len(started)
        env = world.daemon_env(Path(npm_cache or tmp_path / "npm-cache"))
        env.update(extra_env or {})
        d = Daemon(Path(data_dir or tmp_path / f"data{index}"), tmp_path / f"daemon{index}.log", extra_env=env,
                   **kwargs)
        started.append(d)
        return d

    yield start
    codes = {}
    for d in started:
        if d.process.poll() is None:
            codes[d.log_path.name] = d.stop()
    kill_processes_mentioning(tmp_path)
    bad = {name: code for name, code in codes.items() if code != 0}
    assert not bad, f"daemon exit codes at teardown: {bad}"


@pytest.fixture
def octobus(start_octobus) -> Daemon:
    """One daemon for the test (registry + CA environment)."""
    return start_octobus()

