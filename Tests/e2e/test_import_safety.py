"""Import safety end to end, written the way a hostile package author would try it:
what an import runs (npm scripts, a package's .npmrc, build scripts), what it reads
(local-path dependencies, FIFOs and devices), how much it may unpack and write, what
a daemon killed in the middle of an import leaves behind, what `service delete`
leaves, and how a hostile schema is bounded.

Most packages here are "tiny": no SDK dependency (nothing to fetch), never started,
so each import takes about a second.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import signal
import socket
import subprocess
import tarfile
import time
from pathlib import Path

import pytest

from octobus_e2e import BIN
from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.helpers import (assert_nothing_committed, create_instance, error_text, import_cli, imported, list_of,
                             service_dir, service_get, services_dir, staging_leftovers)
from support.npm_registry import STALL_PACKAGE
from support.packages import EXAMPLES_DIR, SDK_DIR, make_tgz, write_json
from support.processes import all_processes, cli_json, is_running
from support.util import wait_until

pytestmark = pytest.mark.timeout(240)

SDK_PACKAGE_JSON = Path("node_modules") / "@chaitin-ai" / "octobus-sdk" / "package.json"
REFUSED_KIND = "only regular files (archives) and directories can be imported"
OUTSIDE = "may be local dependencies"


def tiny_package(dest: Path, name: str = "tiny", dependencies: dict | None = None, scripts: dict | None = None,
                 proto: str | None = None) -> Path:
    """A valid package with no SDK dependency: package.json (bin), service.json, one proto."""
    dest = Path(dest)
    (dest / "bin").mkdir(parents=True)
    (dest / "proto").mkdir()
    (dest / "bin" / f"{name}.js").write_text("#!/usr/bin/env node\n")
    package = {"name": f"octobus-e2e-{name}", "version": "1.0.0", "bin": {name: f"bin/{name}.js"}}
    if dependencies:
        package["dependencies"] = dependencies
    if scripts:
        package["scripts"] = scripts
    write_json(dest / "package.json", package)
    write_json(dest / "service.json", {"schema": "chaitin.octobus.service.v1", "name": name,
                                       "proto": {"roots": ["proto"], "files": [f"proto/{name}.proto"]}})
    (dest / "proto" / f"{name}.proto").write_text(proto or (
        'syntax = "proto3";\npackage tiny.v1;\nmessage Ping { string text = 1; }\n'
        "service TinyService { rpc Call(Ping) returns (Ping); }\n"))
    return dest


def local_dependency(path: Path, name: str, scripts: dict | None = None, dependencies: dict | None = None) -> Path:
    path.mkdir(parents=True)
    package = {"name": name, "version": "1.0.0"}
    if scripts:
        package["scripts"] = scripts
    if dependencies:
        package["dependencies"] = dependencies
    write_json(path / "package.json", package)
    (path / "index.js").write_text("module.exports = 1;\n")
    return path


def writes_marker(path: Path) -> str:
    """An npm script that creates `path`."""
    return f"node -e \"require('fs').writeFileSync('{path}', 'ran')\""


def runtime_dir(d, service_id: str) -> Path:
    return service_dir(d, service_id) / "runtime"


# -- 1. npm scripts and the package's .npmrc -------------------------------------------------------

def test_lifecycle_scripts_run_only_with_allow_scripts(octobus, tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    src = tiny_package(tmp_path / "scripty", dependencies={"helper": "file:./deps/helper"}, scripts={
        "preinstall": writes_marker(markers / "own-preinstall"),
        "postinstall": writes_marker(markers / "own-postinstall")})
    local_dependency(src / "deps" / "helper", "helper", scripts={"postinstall": writes_marker(markers / "dep-postinstall")})

    svc = imported(octobus, "quiet", src)["service"]
    assert svc["AllowScripts"] is False
    assert (runtime_dir(octobus, "quiet") / "node_modules" / "helper" / "index.js").is_file(), "the install did run"
    assert sorted(p.name for p in markers.iterdir()) == []

    svc = imported(octobus, "scripted", src, "--allow-scripts")["service"]
    assert svc["AllowScripts"] is True
    assert sorted(p.name for p in markers.iterdir()) == ["dep-postinstall", "own-postinstall", "own-preinstall"]
    # recorded on the service: get and list show it
    assert service_get(octobus, "scripted")["AllowScripts"] is True
    listed = {s["ID"]: s["AllowScripts"] for s in list_of(cli_json(octobus, "service", "list"), "services")}
    assert listed == {"quiet": False, "scripted": True}


def test_the_package_npmrc_is_ignored_unless_scripts_are_allowed(octobus, tmp_path):
    # A project .npmrc can name the program npm runs as git, even with --ignore-scripts.
    # `npm pack` leaves .npmrc out, but a hand-made archive can ship one into the runtime dir.
    marker = tmp_path / "fake-git-ran"
    fake_git = tmp_path / "fake-git.sh"
    fake_git.write_text(f"#!/bin/sh\necho \"$@\" > {marker}\nexit 1\n")
    fake_git.chmod(0o755)
    src = tiny_package(tmp_path / "npmrc", dependencies={"gitdep": "git+https://127.0.0.1:9/nothing.git"})
    (src / ".npmrc").write_text(f"git={fake_git}\n")
    src = make_tgz(src, tmp_path / "npmrc.tgz")

    result = import_cli(octobus, "npmrc", src)
    assert result.returncode == 1  # the real git cannot reach port 9
    assert not marker.exists(), "npm ran the program the package's .npmrc named"
    assert_nothing_committed(octobus, "npmrc")

    result = import_cli(octobus, "npmrc", src, "--allow-scripts")
    assert result.returncode == 1
    assert marker.exists(), "with --allow-scripts the package's .npmrc applies"


def test_a_package_that_needs_its_build_script_needs_allow_scripts(octobus, pkg):
    src = pkg.fixture("needs-build")
    for flags in ((), ("--build", "always")):
        result = import_cli(octobus, "built", src, *flags)
        assert result.returncode == 1
        text = error_text(result)
        assert "--allow-scripts" in text and 'package\'s "build" script' in text, text
    assert not (src / "dist").exists()
    assert_nothing_committed(octobus, "built")

    svc = imported(octobus, "built", src, "--allow-scripts")["service"]
    assert svc["NodeEntry"] == "dist/built.js" and svc["AllowScripts"] is True


# -- 2. local-path dependencies ---------------------------------------------------------------------

OUTSIDE_SPECS = {
    "absolute file: spec": ("file:{outside}", "points outside the package"),
    "bare absolute path": ("{outside}", "points outside the package"),
    "relative escape": ("file:../outside", "points outside the package"),
    "bare relative escape": ("../outside", "points outside the package"),
    "root of the host": ("file:/", "points outside the package"),
    "home directory": ("~/.ssh", "home directory"),
    "git+file repository": ("git+file://{outside}", "git+file: dependencies are not allowed"),
    "symlink inside the package": ("file:./escape", "through a symbolic link"),
}


@pytest.mark.parametrize("case", sorted(OUTSIDE_SPECS))
def test_local_dependencies_outside_the_package_are_refused(octobus, tmp_path, case):
    template, reason = OUTSIDE_SPECS[case]
    outside = local_dependency(tmp_path / "outside", "outside")
    (outside / "secret.txt").write_text("host secret\n")
    src = tiny_package(tmp_path / "pkg")
    (src / "escape").symlink_to(outside)
    spec = template.format(outside=outside)
    package = json.loads((src / "package.json").read_text())
    package["dependencies"] = {"evil": spec}
    write_json(src / "package.json", package)

    result = import_cli(octobus, "evil", src)
    assert result.returncode == 1
    text = error_text(result)
    assert f'local dependency "evil" ({spec})' in text and reason in text, text
    assert_nothing_committed(octobus, "evil")


def test_dependencies_of_local_dependencies_are_checked_too(octobus, tmp_path):
    outside = local_dependency(tmp_path / "outside", "outside")
    src = tiny_package(tmp_path / "pkg", dependencies={"helper": "file:./deps/helper"})
    local_dependency(src / "deps" / "helper", "helper", dependencies={"sneaky": f"file:{outside}"})
    result = import_cli(octobus, "nested", src)
    assert result.returncode == 1
    assert f'local dependency "sneaky" (file:{outside}) points outside the package' in error_text(result)
    assert_nothing_committed(octobus, "nested")


def test_every_dependency_section_is_checked(octobus, tmp_path):
    outside = local_dependency(tmp_path / "outside", "outside")
    src = tiny_package(tmp_path / "pkg")
    package = json.loads((src / "package.json").read_text())
    package["devDependencies"] = {"devtool": f"file:{outside}"}
    write_json(src / "package.json", package)
    result = import_cli(octobus, "dev", src)
    assert result.returncode == 1
    assert 'local dependency "devtool"' in error_text(result)


def test_local_dependencies_inside_the_package_and_the_bundled_sdk_are_installed(octobus, tmp_path):
    # The examples depend on the SDK shipped with the daemon by a relative path outside
    # themselves (file:../../sdk): imported straight from the repository, that still works.
    svc = imported(octobus, "calculator", EXAMPLES_DIR / "calculator-js")["service"]
    sdk = json.loads((runtime_dir(octobus, "calculator") / SDK_PACKAGE_JSON).read_text())
    assert sdk["version"] == json.loads((SDK_DIR / "package.json").read_text())["version"]
    assert svc["AllowScripts"] is False
    # ... and so does a dependency inside the package, reached through a symlink that stays inside
    src = tiny_package(tmp_path / "pkg", dependencies={"helper": "file:./linked"})
    local_dependency(src / "deps" / "helper", "helper")
    (src / "linked").symlink_to("deps/helper")
    imported(octobus, "inside", src)
    assert (runtime_dir(octobus, "inside") / "node_modules" / "helper" / "index.js").is_file()


def test_a_source_given_through_a_symlink_is_copied_and_left_alone(octobus, tmp_path):
    src = tiny_package(tmp_path / "real", dependencies={"helper": "file:./deps/helper"})
    local_dependency(src / "deps" / "helper", "helper")
    (src / ".npmrc").write_text("fund=false\n")
    before = sorted(str(p.relative_to(src)) for p in src.rglob("*"))
    (tmp_path / "link").symlink_to(src)
    svc = imported(octobus, "linked", tmp_path / "link")["service"]
    assert svc["PackageSource"] == str(tmp_path / "link")
    assert sorted(str(p.relative_to(src)) for p in src.rglob("*")) == before, "the source directory changed"
    assert (runtime_dir(octobus, "linked") / "node_modules" / "helper" / "index.js").is_file()


# -- 3. FIFOs, sockets and devices ------------------------------------------------------------------

def unix_socket(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    return sock


def test_special_files_as_sources_are_refused_before_anything_blocks(octobus, tmp_path):
    fifo = tmp_path / "package.fifo"
    os.mkfifo(fifo)
    sock = unix_socket(tmp_path / "package.sock")
    try:
        cases = [(fifo, "a FIFO (named pipe)"), (tmp_path / "package.sock", "a socket"),
                 (Path("/dev/zero"), "a character device")]
        for source, kind in cases:
            for given in (str(source), f"npm:{source}"):
                started = time.monotonic()
                result = import_cli(octobus, "special", given)
                assert result.returncode == 1
                assert f'is {kind}: {REFUSED_KIND}' in error_text(result), error_text(result)
                assert time.monotonic() - started < 10
        # the daemon's workers are free: the next import goes through
        imported(octobus, "tiny", tiny_package(tmp_path / "tiny"))
    finally:
        sock.close()


def test_special_files_inside_a_package_directory_are_skipped(octobus, tmp_path):
    src = tiny_package(tmp_path / "pkg")
    os.mkfifo(src / "pipe")
    (src / "sub").mkdir()
    os.mkfifo(src / "sub" / "pipe")
    sock = unix_socket(src / "sub" / "sock")
    try:
        started = time.monotonic()
        imported(octobus, "tiny", src)
        assert time.monotonic() - started < 30
    finally:
        sock.close()
    sdir = service_dir(octobus, "tiny")
    for sub in ("package", "runtime"):
        assert not (sdir / sub / "pipe").exists() and not (sdir / sub / "sub" / "pipe").exists()
        assert not (sdir / sub / "sub" / "sock").exists()


# -- 4. unpacked-size and disk limits ---------------------------------------------------------------

def test_unpacked_size_limit(start_octobus, tmp_path):
    d = start_octobus(args=("--import-max-unpacked-bytes", "1M"))
    src = tiny_package(tmp_path / "pkg")
    (src / "blob.bin").write_bytes(os.urandom(1536 * 1024))
    result = import_cli(d, "big", src)
    assert result.returncode == 1
    assert "more than the import allows (1 MiB unpacked, octobus serve --import-max-unpacked-bytes)" in error_text(result)
    archive = make_tgz(src, tmp_path / "big.tgz")
    result = import_cli(d, "big", archive)
    assert result.returncode == 1
    assert "archive contents exceed 1048576 bytes" in error_text(result)
    assert_nothing_committed(d, "big")
    # below the limit: fine
    (src / "blob.bin").write_bytes(os.urandom(512 * 1024))
    imported(d, "big", src)


def test_disk_limit_counts_what_npm_installs(start_octobus, tmp_path):
    # 2 MiB of incompressible data in a dependency inside the package: the staging directory
    # holds it in the source copy, the packed tarball and the unpacked package (~6 MiB), then
    # the runtime copy and its node_modules (~10 MiB).
    d = start_octobus(extra_env={"OCTOBUS_IMPORT_MAX_DISK_BYTES": "8M"})
    src = tiny_package(tmp_path / "pkg", dependencies={"helper": "file:./deps/helper"})
    helper = local_dependency(src / "deps" / "helper", "helper")
    (helper / "data.bin").write_bytes(os.urandom(2 << 20))
    result = import_cli(d, "heavy", src)
    assert result.returncode == 1
    text = error_text(result)
    assert re.search(r"(end of prepare_runtime|npm was stopped).*more than the (disk )?limit of 8 MiB "
                     r"\(octobus serve --import-max-disk-bytes\)", text), text
    assert_nothing_committed(d, "heavy")


def test_serve_refuses_malformed_limits(tmp_path):
    for args, env, expected in [
        (["--import-max-disk-bytes", "12X"], {}, 'invalid --import-max-disk-bytes "12X"'),
        (["--import-max-unpacked-bytes", "0"], {}, 'invalid --import-max-unpacked-bytes "0"'),
        ([], {"OCTOBUS_IMPORT_MAX_UNPACKED_BYTES": "lots"}, 'invalid OCTOBUS_IMPORT_MAX_UNPACKED_BYTES "lots"'),
    ]:
        result = subprocess.run([BIN, "serve", "--addr", "127.0.0.1:0", "--data-dir", str(tmp_path / "data"), *args],
                                capture_output=True, text=True, timeout=30, env={**os.environ, **env})
        assert result.returncode == 1
        assert expected in result.stderr, result.stderr


class Zeros(io.RawIOBase):
    """`size` zero bytes, read in chunks (tarfile copies file data from it)."""

    def __init__(self, size: int):
        self.left = size

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


def zero_archive(dest: Path, package: Path, files: int, size: int) -> Path:
    """npm's layout (package/…) plus `files` entries of `size` zero bytes each."""
    with gzip.open(dest, "wb", compresslevel=1) as raw, tarfile.open(fileobj=raw, mode="w") as tar:
        for path in sorted(package.rglob("*")):
            tar.add(path, arcname="package/" + str(path.relative_to(package)), recursive=False)
        for index in range(files):
            info = tarfile.TarInfo(f"package/blob{index}.bin")
            info.size = size
            tar.addfile(info, io.BufferedReader(Zeros(size), buffer_size=1 << 20))
    return dest


def test_a_huge_archive_is_refused_early_with_the_default_limits(octobus, tmp_path):
    # 1.9 GB unpacked (19 × 100 MB): the default 1 GiB unpacked limit stops the extraction.
    archive = zero_archive(tmp_path / "huge.tgz", tiny_package(tmp_path / "pkg"), files=19, size=100_000_000)
    started = time.monotonic()
    result = import_cli(octobus, "huge", archive)
    elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert "archive contents exceed 1073741824 bytes: the package is larger than the import allows" in error_text(result)
    assert elapsed < 60, f"refusing took {elapsed:.1f}s"
    assert_nothing_committed(octobus, "huge")


# -- 5. a daemon killed in the middle of an import --------------------------------------------------

def processes_in(directory: Path) -> list:
    """Live processes whose working directory is inside `directory`."""
    prefix = str(directory.resolve())
    found = []
    for proc in all_processes():
        try:
            where = os.readlink(f"/proc/{proc.pid}/cwd")
        except OSError:
            continue
        if where == prefix or where.startswith(prefix + "/"):
            found.append(proc)
    return found


def test_serve_stops_the_tools_and_removes_the_staging_a_killed_daemon_left(start_octobus, npm_registry, tmp_path):
    data = tmp_path / "data"
    first = start_octobus(data_dir=data)
    # npm install waits forever on this dependency: the import stays in prepare_runtime.
    src = tiny_package(tmp_path / "pkg", dependencies={STALL_PACKAGE: "1.0.0"})
    client = subprocess.Popen([BIN, "--addr", first.addr, "service", "import", "stuck", str(src)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        npm = wait_until(lambda: [p for p in processes_in(services_dir(first)) if any("npm" in a for a in p.argv)],
                         timeout=60, message="npm installing in the staging directory")
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        assert all(is_running(p.pid) for p in npm), "npm should outlive a killed daemon"
        assert ".staging-stuck" in staging_leftovers(first, settle=0)

        second = start_octobus(data_dir=data)
        assert processes_in(data) == [], "tools of the killed daemon still run"
        assert staging_leftovers(second, settle=0) == []
        assert "msg=import_leftovers_cleaned" in second.log()
        imported(second, "tiny", tiny_package(tmp_path / "tiny"))
    finally:
        client.kill()
        client.wait()


def test_an_interrupted_commit_is_rolled_back_to_the_version_that_served(start_octobus, tmp_path):
    data = tmp_path / "data"
    d = start_octobus(data_dir=data)
    svc = imported(d, "tiny", tiny_package(tmp_path / "pkg"))["service"]
    assert d.stop() == 0
    root = services_dir(d)
    # killed between the two renames of a commit: only `.tiny.previous` is left
    (root / "tiny").rename(root / ".tiny.previous")
    (root / ".staging-tiny" / "commit").mkdir(parents=True)
    (root / ".staging-recursive-import").mkdir()

    d = start_octobus(data_dir=data)
    assert sorted(p.name for p in root.iterdir()) == ["tiny"]
    assert service_get(d, "tiny") == svc
    assert Path(svc["DescriptorPath"]).is_file() and Path(svc["PackageArtifactPath"]).is_file()
    assert d.stop() == 0

    # killed after the database row was written: the stale `.tiny.previous` just goes
    subprocess.run(["cp", "-a", str(root / "tiny"), str(root / ".tiny.previous")], check=True)
    d = start_octobus(data_dir=data)
    assert sorted(p.name for p in root.iterdir()) == ["tiny"]
    assert service_get(d, "tiny") == svc


# -- 6. service delete ---------------------------------------------------------------------------------

def test_service_delete_removes_its_files(octobus, tmp_path):
    imported(octobus, "tiny", tiny_package(tmp_path / "pkg"))
    imported(octobus, "other", tiny_package(tmp_path / "other"))
    assert service_dir(octobus, "tiny").is_dir()
    assert cli_json(octobus, "service", "delete", "tiny") == {"deleted": True, "service_id": "tiny"}
    assert not service_dir(octobus, "tiny").exists()
    assert service_dir(octobus, "other").is_dir(), "only the deleted service's files go"
    # refused while an instance uses the service: the files stay
    create_instance(octobus, "idle", "other", "--no-start")
    result = octobus.cli("service", "delete", "other")
    assert result.returncode == 1 and 'service "other" is used by instance "idle"' in error_text(result)
    assert (service_dir(octobus, "other") / "descriptor.protoset").is_file()


# -- 7. descriptor size and complexity -----------------------------------------------------------------

def peak_rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1))


def test_a_schema_with_huge_names_is_refused_without_the_memory(octobus, tmp_path):
    # A 100,000-character message name and 5,000 fields (a 410 KB .proto): every field's
    # full name repeats the message's. Decoding that once took the daemon to ~500 MB.
    name = "M" + "x" * 100_000
    fields = "".join(f"  string f{i} = {i + 1};\n" for i in range(5000))
    proto = (f'syntax = "proto3";\npackage tiny.v1;\nmessage {name} {{\n{fields}}}\n'
             f"service TinyService {{ rpc Call({name}) returns ({name}); }}\n")
    result = import_cli(octobus, "names", tiny_package(tmp_path / "pkg", proto=proto))
    assert result.returncode == 1
    assert ("the schema is too large to import: a full name in tiny.proto (\"tiny.v1.Mxxx"
            in error_text(result)), error_text(result)
    assert "is 100009 bytes, more than the limit of 512" in error_text(result)
    assert peak_rss_kib(octobus.process.pid) < 120 * 1024
    assert_nothing_committed(octobus, "names")
