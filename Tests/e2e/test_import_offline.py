"""Import where the gateway is deployed: no npm registry (npm pointed at a closed
loopback port), upstream-style packages that declare `"@chaitin-ai/octobus-sdk":
"^0.5.0"`, the SDK that ships with the daemon standing in for it, fast one-line
failures, `octobus-sdk pack --bundle-deps` tarballs, catalog-scale recursive
imports, and the reason an instance could not start.

Everything is real: the release binary, npm, node, protoc, and gRPC calls to the
instances with grpcio.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from octobus_e2e import Daemon
from support.grpc_client import Descriptors, to_dict
from support.helpers import (assert_nothing_committed, create_instance, error_text, import_cli, imported, list_of,
                             service_dir, services_dir, staging_leftovers)
from support.packages import FIXTURES_DIR, SDK_DIR, bundle_sdk, read_json, sdk_version, write_json
from support.processes import cli_json, instance_get, kill_processes_mentioning, processes_mentioning

pytestmark = pytest.mark.timeout(300)

SDK_NAME = "@chaitin-ai/octobus-sdk"
UPSTREAM = FIXTURES_DIR / "upstream-greeter"
GREET = "greeter.v1.GreeterService/Greet"
RUNTIME_SDK = Path("runtime") / "node_modules" / "@chaitin-ai" / "octobus-sdk"


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def airgapped(tmp_path):
    """A daemon whose npm registry is unreachable (a closed loopback port) and whose npm
    cache starts empty: nothing can be fetched."""
    registry = f"http://127.0.0.1:{closed_port()}/"
    env = {"npm_config_registry": registry, "npm_config_cache": str(tmp_path / "npm-cache"),
           "npm_config_update_notifier": "false", "npm_config_audit": "false", "npm_config_fund": "false"}
    d = Daemon(tmp_path / "data", tmp_path / "daemon.log", extra_env=env)
    d.registry = registry
    yield d
    code = d.stop()
    kill_processes_mentioning(tmp_path)
    assert code == 0, d.log()[-4000:]


def upstream_copy(dest: Path, name: str | None = None, dependencies: dict | None = None, sdk_spec: str = "^0.5.0") -> Path:
    """The upstream-style fixture, optionally renamed (package, bin key and service name)."""
    shutil.copytree(UPSTREAM, dest)
    pkg = read_json(dest / "package.json")
    pkg["dependencies"] = {SDK_NAME: sdk_spec, **(dependencies or {})}
    if name:
        pkg["name"] = f"@acme/{name}-service"
        pkg["bin"] = {name: "bin/greeter.js"}
        manifest = read_json(dest / "service.json")
        manifest["name"] = name
        write_json(dest / "service.json", manifest)
    write_json(dest / "package.json", pkg)
    return dest


def greet(d, service_id: str, instance_id: str, name: str = "Ada") -> dict:
    inst = instance_get(d, instance_id)
    desc = Descriptors.from_file(service_dir(d, service_id) / "descriptor.protoset")
    return to_dict(desc.call(inst["ListenAddr"], GREET, {"name": name}))


def leftover_processes(d) -> list:
    """Processes other than the daemon that mention its data directory (npm, node, protoc)."""
    return [p for p in processes_mentioning(Path(d.data_dir)) if p.pid != d.process.pid]


# -- the bundled SDK stands in for the upstream range ------------------------------------------

@pytest.mark.parametrize("flags", [(), ("--offline",)], ids=["registry-unreachable", "offline"])
def test_upstream_package_imports_and_serves_without_a_registry(airgapped, tmp_path, flags):
    src = upstream_copy(tmp_path / "greeter")
    started = time.monotonic()
    svc = imported(airgapped, "greeter", src, *flags)["service"]
    elapsed = time.monotonic() - started
    print(f"upstream-style import {' '.join(flags) or '(registry unreachable)'}: {elapsed:.2f} s")
    assert svc["SDK"] == f"bundled {sdk_version()}"
    assert cli_json(airgapped, "service", "get", "greeter")["SDK"] == f"bundled {sdk_version()}"
    # the package is stored as published: its package.json still asks for ^0.5.0
    for sub in ("package", "runtime"):
        assert read_json(service_dir(airgapped, "greeter") / sub / "package.json")["dependencies"] == {SDK_NAME: "^0.5.0"}
    assert read_json(service_dir(airgapped, "greeter") / RUNTIME_SDK / "package.json")["version"] == sdk_version()
    assert not (service_dir(airgapped, "greeter") / "runtime" / "package-lock.json").exists()

    inst = create_instance(airgapped, "greeter-1", "greeter", "--config-json", '{"salutation":"Hi"}',
                           "--secret-json", '{"apiToken":"tok-e2e-4711"}')
    assert inst["Status"] == "running", inst
    reply = greet(airgapped, "greeter", "greeter-1")
    assert reply == {"text": "Hi, Ada", "service_id": "greeter", "has_token": True}


def test_the_bundled_sdk_is_one_copy_shared_by_every_service(airgapped, tmp_path):
    for index in range(3):
        imported(airgapped, f"greeter{index}", upstream_copy(tmp_path / f"g{index}"))
    store = Path(airgapped.data_dir) / "artifacts" / "sdk"
    copies = [p for p in store.iterdir()]
    assert len(copies) == 1, copies
    stored = copies[0] / "package.json"
    # one inode: the store's name and one per runtime directory
    assert os.stat(stored).st_nlink == 4
    assert all(os.path.samefile(stored, service_dir(airgapped, f"greeter{i}") / RUNTIME_SDK / "package.json")
               for i in range(3))
    # a deleted service gives its link back; the copy stays while others use it
    assert airgapped.cli("service", "delete", "greeter0").returncode == 0
    assert os.stat(stored).st_nlink == 3


def test_a_range_the_bundled_sdk_cannot_serve_is_a_clear_error(airgapped, tmp_path):
    src = upstream_copy(tmp_path / "future", sdk_spec="^1.0.0")
    result = import_cli(airgapped, "future", src)
    assert result.returncode == 1
    text = error_text(result)
    assert f"{SDK_NAME}@^1.0.0" in text and f"bundled SDK {sdk_version()}" in text and "--sdk registry" in text, text
    assert_nothing_committed(airgapped, "future")
    # --sdk registry hands it to npm, which cannot reach a registry here: the one-line fetch error
    result = import_cli(airgapped, "future", src, "--sdk", "registry")
    assert result.returncode == 1
    assert f'dependency "{SDK_NAME}" could not be fetched' in error_text(result), result.stderr
    assert_nothing_committed(airgapped, "future")


# -- fast, clear failures -------------------------------------------------------------------------

@pytest.mark.parametrize("flags,reason", [((), "could not be fetched: the npm registry at"),
                                          (("--offline",), "is not in the npm cache")],
                         ids=["registry-unreachable", "offline"])
def test_an_unfetchable_dependency_fails_fast_with_one_line(airgapped, tmp_path, flags, reason):
    src = upstream_copy(tmp_path / "needs-left-pad", dependencies={"left-pad": "^1.3.0"})
    started = time.monotonic()
    result = import_cli(airgapped, "padded", src, *flags)
    elapsed = time.monotonic() - started
    print(f"unfetchable dependency {' '.join(flags)}: failed in {elapsed:.2f} s")
    assert result.returncode == 1
    assert elapsed < 10, f"took {elapsed:.1f} s"
    failures = [line for line in result.stderr.splitlines() if line.startswith("import failed:")]
    assert len(failures) == 1, result.stderr
    line = failures[0]
    assert 'dependency "left-pad"' in line and reason in line, line
    assert "--offline" in line and "bundle-deps" in line, line
    if not flags:
        assert airgapped.registry in line and "ECONNREFUSED" in line, line
    assert "npm error" not in result.stderr and "FetchError" not in result.stderr, result.stderr
    assert_nothing_committed(airgapped, "padded")
    assert not (Path(airgapped.data_dir) / "artifacts" / "sdk").exists() or \
        list((Path(airgapped.data_dir) / "artifacts" / "sdk").iterdir()) == [], "an unused SDK copy was left"
    assert leftover_processes(airgapped) == []


# -- a package that ships its node_modules -------------------------------------------------------

def test_a_bundle_deps_tarball_imports_offline(airgapped, tmp_path):
    src = upstream_copy(tmp_path / "greeter")
    # the developer's machine: the SDK installed in node_modules (as npm would), then packed with it
    bundle_sdk(src, marker="SHIPPED_WITH_THE_PACKAGE")
    out = tmp_path / "dist"
    packed = subprocess.run(["node", str(SDK_DIR / "bin" / "octobus-sdk.js"), "pack", "--bundle-deps", "--out", str(out)],
                            cwd=src, capture_output=True, text=True, timeout=60)
    assert packed.returncode == 0, packed.stderr
    tarball = Path(packed.stdout.strip().splitlines()[-1])
    assert tarball.is_file() and tarball.parent == out

    svc = imported(airgapped, "greeter", tarball, "--offline")["service"]
    assert svc["SDK"] == f"vendored {sdk_version()}"
    # the package's own copy is the one that runs (the SDK's own files do not carry the marker;
    # the packer keeps only what the SDK publishes, so check the version and that it is not the store's)
    runtime_sdk = service_dir(airgapped, "greeter") / RUNTIME_SDK / "package.json"
    assert read_json(runtime_sdk)["version"] == sdk_version()
    assert os.stat(runtime_sdk).st_nlink == 1
    assert create_instance(airgapped, "shipped", "greeter", "--secret-json", '{"apiToken":"t-1"}')["Status"] == "running"
    assert greet(airgapped, "greeter", "shipped", "Bo")["text"] == "Hello, Bo"


# -- catalog-scale recursive import ---------------------------------------------------------------

def make_catalog(root: Path, count: int) -> Path:
    for index in range(1, count + 1):
        upstream_copy(root / "services" / f"greeter-{index:02d}", name=f"greeter{index:02d}")
    return root


def test_a_directory_of_50_packages_imports_with_one_command(airgapped, tmp_path):
    catalog = make_catalog(tmp_path / "catalog", 50)
    # one broken package among them: a dependency nothing can fetch here
    upstream_copy(catalog / "services" / "zz-broken", name="broken", dependencies={"left-pad": "^1.3.0"})
    # and a directory that is a package but not a service package: left out, with a note
    (catalog / "tools" / "helper").mkdir(parents=True)
    write_json(catalog / "tools" / "helper" / "package.json", {"name": "helper", "version": "1.0.0"})

    started = time.monotonic()
    result = import_cli(airgapped, None, catalog, recursive=True)
    elapsed = time.monotonic() - started
    print(f"\nrecursive import of 50 SDK-only packages (+1 broken): {elapsed:.2f} s")
    assert elapsed < 60, f"took {elapsed:.1f} s"
    # some services were not imported: exit 1, but the result is printed
    assert result.returncode == 1, result.stderr
    complete = json.loads(result.stdout)
    ids = sorted(s["ID"] for s in complete["services"])
    assert ids == [f"greeter{i:02d}" for i in range(1, 51)]
    assert all(s["SDK"] == f"bundled {sdk_version()}" for s in complete["services"])
    assert [f["package"] for f in complete["failed"]] == ["services/zz-broken"], complete["failed"]
    failure = complete["failed"][0]
    assert failure["stage"] == "prepare_runtime"
    assert 'dependency "left-pad"' in failure["error"] and "(needed by broken)" in failure["error"], failure
    assert "services/zz-broken" in result.stderr and "not imported" in result.stderr
    # progress per service, NDJSON fields kept: [current/total] and the service id
    assert "[50/50] greeter50: commit_service" in result.stderr, result.stderr[-2000:]
    assert "tools/helper has a package.json but no service.json" in result.stderr

    # the broken one left nothing behind; the others are whole
    assert airgapped.cli("service", "get", "broken").returncode == 1
    assert not service_dir(airgapped, "broken").exists()
    assert cli_json(airgapped, "status")["services"] == 50
    assert staging_leftovers(airgapped) == []
    assert leftover_processes(airgapped) == []
    # one SDK copy for fifty services
    store = list((Path(airgapped.data_dir) / "artifacts" / "sdk").iterdir())
    assert len(store) == 1 and os.stat(store[0] / "package.json").st_nlink == 51
    # and they run
    assert create_instance(airgapped, "g17", "greeter17", "--secret-json", '{"apiToken":"t"}')["Status"] == "running"
    assert greet(airgapped, "greeter17", "g17")["service_id"] == "greeter17"


def test_service_roots_left_out_of_the_packed_package_are_reported(airgapped, tmp_path):
    catalog = tmp_path / "catalog"
    pkg = catalog / "duo"
    for name in ("alpha", "beta"):
        root = pkg / "services" / name
        shutil.copytree(UPSTREAM / "proto", root / "proto")
        manifest = read_json(UPSTREAM / "service.json")
        manifest.update(name=name, configSchema=None, secretSchema=None)
        write_json(root / "service.json", {k: v for k, v in manifest.items() if v is not None})
    shutil.copytree(UPSTREAM / "bin", pkg / "bin")
    write_json(pkg / "package.json", {"name": "duo", "version": "1.0.0", "type": "module",
                                      "bin": {"alpha": "bin/greeter.js", "beta": "bin/greeter.js"},
                                      "files": ["bin/", "services/alpha/"],
                                      "dependencies": {SDK_NAME: "^0.5.0"}})
    result = import_cli(airgapped, None, catalog, recursive=True)
    assert result.returncode == 1, result.stderr
    complete = json.loads(result.stdout)
    assert [s["ID"] for s in complete["services"]] == ["alpha"]
    assert len(complete["failed"]) == 1
    failure = complete["failed"][0]
    assert failure["package"] == "duo" and failure["service_id"] == "beta"
    assert 'service root "services/beta"' in failure["error"] and "not in the packed package" in failure["error"]
    assert 'service root "services/beta"' in result.stderr
    assert not service_dir(airgapped, "beta").exists()
    # the same package imported on its own (one package, several roots): reported the same way
    result = import_cli(airgapped, None, pkg, recursive=True)
    assert result.returncode == 1, result.stderr
    complete = json.loads(result.stdout)
    assert [s["ID"] for s in complete["services"]] == ["alpha"]
    assert [(f["package"], f["service_id"], f["stage"]) for f in complete["failed"]] == [(".", "beta", "validate_manifest")]
    assert not service_dir(airgapped, "beta").exists()


# -- why an instance did not start ------------------------------------------------------------------

def test_an_instance_that_throws_at_start_says_why(airgapped, tmp_path):
    imported(airgapped, "greeter", upstream_copy(tmp_path / "greeter"))
    result = airgapped.cli("instance", "create", "broken-start", "--service", "greeter",
                           "--config-json", '{"failAtStart":"yes"}', "--secret-json", '{"apiToken":"tok-never-shown-93"}')
    assert result.returncode == 1
    cause = "greeter cannot start: the upstream endpoint setting is missing"
    text = error_text(result)
    assert "process exited (exit status 1)" in text and cause in text, text
    assert "    at " not in text, "stack frames are left out"
    inst = instance_get(airgapped, "broken-start")
    assert inst["Status"] == "failed"
    assert cause in inst["LastError"]
    # the start that works afterwards clears it
    assert airgapped.cli("instance", "update-config", "broken-start", "--config-json", "{}").returncode == 0
    assert cli_json(airgapped, "instance", "start", "broken-start")["Status"] == "running"
    assert "LastError" not in instance_get(airgapped, "broken-start")
