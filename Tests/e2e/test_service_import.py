"""Service import end to end (SPEC §2–§4, §6 import route, §7 CLI): every source
kind (local dir/tgz/zip/other file, `npm:` from a loopback registry, remote
archives over HTTP, HTTPS Git with a test CA), the build policy, `--offline`,
`--reinstall`, `--name`, recursive import, every manifest/package rejection
(nothing committed), re-import (restarts, failure keeps the old version),
progress streaming and CLI redaction.

Shared servers (npm registry, HTTPS Git, static files) come from
support/fixtures.py; each test runs its own daemon whose npm talks only to the
test registry (`npm_config_registry`, private `npm_config_cache`) and whose git
trusts the test CA (`GIT_SSL_CAINFO`).
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from octobus_e2e import BIN, run
from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.fixtures import GIT_PASSWORD, GIT_USER, SCOPED_CALCULATOR
from support.grpc_client import Descriptors, to_dict
from support.helpers import (ID_REGEX, STAGES, admin, api_get, assert_nothing_committed, create_instance,
                             error_text, grep_tree, import_cli, imported, list_of, mode, progress_lines, service_dir,
                             service_get, services_dir, snapshot, staging_leftovers)
from support.packages import (SDK_DIR, broken_cases, bundle_sdk, make_tgz, make_zip, read_json, sdk_version, unsafe_tgz,
                              unsafe_zip, write_json)
from support.processes import CmdlineSampler, cli_json, instance_get, instance_processes, is_running, wait_running
from support.util import sha256_file

pytestmark = pytest.mark.timeout(240)

CALC_METHODS = {"calculator.v1.CalculatorService/Add", "calculator.v1.CalculatorService/Subtract"}
SDK_PACKAGE_JSON = Path("node_modules") / "@chaitin-ai" / "octobus-sdk" / "package.json"


def resolved(path) -> Path:
    return Path(path).resolve()


def check_committed(d, svc: dict, service_id: str, *, root: str = ".", entry: str = "bin/calculator.js",
                    runtime_mode: str = "long-running", methods: set[str] | None = CALC_METHODS):
    """The record and the files under artifacts/services/<id>/ (SPEC §3.3–§3.4, §4)."""
    sdir = service_dir(d, service_id)
    assert svc["ID"] == service_id
    assert svc["ServiceRoot"] == root
    assert svc["NodeEntry"] == entry
    assert svc["RuntimeMode"] == runtime_mode
    assert svc["ProtoBundlePath"] == "" and svc["ProtoBundleSHA256"] == ""
    assert svc["CreatedAt"] and svc["UpdatedAt"]
    # descriptor.protoset: SHA-256 and 12-char version, FileDescriptorSet with source info
    descriptor = sdir / "descriptor.protoset"
    assert resolved(svc["DescriptorPath"]) == resolved(descriptor)
    assert svc["DescriptorSHA256"] == sha256_file(descriptor)
    assert svc["DescriptorVersion"] == svc["DescriptorSHA256"][:12]
    parsed = Descriptors.from_file(descriptor)
    assert any(f.source_code_info.location for f in parsed.fds.file), "protoc --include_source_info missing"
    # the artifact lives in the service dir and is what PackageSHA256 hashes
    artifact = Path(svc["PackageArtifactPath"])
    assert artifact.is_absolute() and resolved(artifact.parent) == resolved(sdir)
    assert artifact.is_file() and svc["PackageSHA256"] == sha256_file(artifact)
    for sub in ("package", "runtime"):
        assert (sdir / sub).is_dir()
        assert mode(sdir / sub) == 0o755
    assert mode(sdir) == 0o755
    assert mode(descriptor) == 0o644 and mode(artifact) == 0o644
    assert (sdir / "package" / root / "service.json").is_file()
    assert (sdir / "runtime" / entry).is_file()
    if methods is not None:
        assert {m["full_name"] for m in svc["Methods"]} == methods
    assert staging_leftovers(d) == []


def runtime_sdk_version(d, service_id: str) -> str:
    return read_json(service_dir(d, service_id) / "runtime" / SDK_PACKAGE_JSON)["version"]


# -- local sources -----------------------------------------------------------------

def test_import_local_directory(octobus, pkg):
    src = pkg.example("calculator-js")
    result = import_cli(octobus, "calculator", src)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    # stdout = the complete event minus type/stage/message/…, minus status "ok"
    assert "service" in out and not {"type", "stage", "message", "error", "current", "total", "status"} & set(out)
    assert set(out) <= {"service", "restarted_instances", "restart_errors"}
    assert not out.get("restarted_instances") and not out.get("restart_errors")
    svc = out["service"]
    check_committed(octobus, svc, "calculator")
    sdir = service_dir(octobus, "calculator")
    assert svc["Name"] == "Calculator JS"  # displayName
    # Our choice (SPEC names no rule for local sources): the stored source is the absolute path given.
    assert svc["PackageSource"] == str(src)
    assert resolved(svc["ConfigSchemaPath"]) == resolved(sdir / "package" / "config.schema.json")
    assert resolved(svc["SecretSchemaPath"]) == resolved(sdir / "package" / "secret.schema.json")
    # a local directory is npm-packed (SPEC §3.2): a .tgz artifact, the runtime installed from the registry
    assert svc["PackageArtifactPath"].endswith(".tgz")
    assert runtime_sdk_version(octobus, "calculator") == sdk_version()
    add = next(m for m in svc["Methods"] if m["name"] == "Add")
    assert add == {"full_name": "calculator.v1.CalculatorService/Add",
                   "service_full_name": "calculator.v1.CalculatorService", "name": "Add",
                   "input_full_name": "calculator.v1.BinaryOperationRequest",
                   "output_full_name": "calculator.v1.CalculatorResponse", "client_streaming": False,
                   "server_streaming": False, "unary": True, "proto_file": "calculator.proto"}
    # progress went to stderr, one line per stage at least
    assert len(progress_lines(result.stderr)) >= 5, result.stderr
    assert service_get(octobus, "calculator") == svc
    assert cli_json(octobus, "status")["services"] == 1
    assert [s["ID"] for s in list_of(cli_json(octobus, "service", "list"), "services")] == ["calculator"]
    # the source directory is left alone
    assert not (src / "node_modules").exists()


def test_import_relative_paths_are_made_absolute_by_the_cli(octobus, pkg, tmp_path):
    src = pkg.example("calculator-js")
    result = run(BIN, "--addr", octobus.addr, "service", "import", "calc", src.name, cwd=src.parent, timeout=240)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["service"]["PackageSource"] == str(src)
    archive = make_tgz(src, tmp_path / "calc-rel.tgz")
    result = run(BIN, "--addr", octobus.addr, "service", "import", "calc2", f"npm:./{archive.name}",
                 cwd=archive.parent, timeout=240)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["service"]["PackageSource"] == f"npm:{archive}"


ARCHIVES = {
    # name: (builder(src, dest_dir) -> path, stored artifact name or None when SPEC leaves it open)
    "tgz": (lambda src, d: make_tgz(src, d / "calc.tgz"), "package.tgz"),
    "zip": (lambda src, d: make_zip(src, d / "calc.zip"), "package.zip"),
    "zip-with-top-dir": (lambda src, d: make_zip(src, d / "calc-top.zip", prefix="calculator-js/"), "package.zip"),
    "tgz-without-top-dir": (lambda src, d: make_tgz(src, d / "calc-flat.tgz", prefix=""), "package.tgz"),
    # SPEC §3.1 / §13.14: any other extension is untarred as gzip
    "other-extension": (lambda src, d: make_tgz(src, d / "calc.pkg"), None),
}


@pytest.mark.parametrize("kind", sorted(ARCHIVES))
def test_import_local_archive(octobus, pkg, tmp_path, kind):
    build, artifact_name = ARCHIVES[kind]
    archive = build(pkg.example("calculator-js"), tmp_path)
    out = imported(octobus, "calculator", archive)
    svc = out["service"]
    check_committed(octobus, svc, "calculator")
    assert svc["PackageSource"] == str(archive)
    if artifact_name:
        assert Path(svc["PackageArtifactPath"]).name == artifact_name
    assert svc["PackageSHA256"] == sha256_file(archive)  # stored as is, no build step
    assert runtime_sdk_version(octobus, "calculator") == sdk_version()


# -- npm ------------------------------------------------------------------------------

NPM_SOURCES = {
    # case: (source, published package, version, stored artifact, service Name, methods)
    "exact-version": ("npm:octobus-calculator-js@0.1.0", "octobus-calculator-js", "0.1.0",
                      "octobus-calculator-js-0.1.0.tgz", "Calculator JS", CALC_METHODS),
    "dist-tag-latest": ("npm:octobus-calculator-js", "octobus-calculator-js", "0.2.0",
                        "octobus-calculator-js-0.2.0.tgz", "Calculator JS v2",
                        CALC_METHODS | {"calculator.v1.CalculatorService/Multiply"}),
    "scoped": (f"npm:{SCOPED_CALCULATOR}@0.1.0", SCOPED_CALCULATOR, "0.1.0", "octobus-e2e-calculator-js-0.1.0.tgz",
               "Calculator JS", CALC_METHODS),
}


@pytest.mark.parametrize("case", sorted(NPM_SOURCES))
def test_import_npm_from_registry(octobus, npm_registry, case):
    source, package, version, artifact, name, methods = NPM_SOURCES[case]
    mark = npm_registry.mark()
    svc = imported(octobus, "calculator", source)["service"]
    check_committed(octobus, svc, "calculator", methods=methods)
    assert svc["PackageSource"] == source
    assert svc["Name"] == name
    assert Path(svc["PackageArtifactPath"]).name == artifact  # npm's <name>-<ver>.tgz
    tarball_url = npm_registry.packages[package][version].url
    fetched = [path for _, path in npm_registry.requests_since(mark)]
    assert any(tarball_url.endswith(path) for path in fetched), fetched
    assert runtime_sdk_version(octobus, "calculator") == sdk_version()


def test_import_npm_unknown_package_commits_nothing(octobus):
    result = import_cli(octobus, "calculator", "npm:octobus-e2e-no-such-package@1.0.0")
    assert result.returncode == 1
    assert "404" in error_text(result) or "not found" in error_text(result).lower(), result.stderr
    assert_nothing_committed(octobus, "calculator")


def test_service_root_selects_a_directory_of_the_package(octobus, pkg):
    # npm source with //dir: the root only selects where service.json/protos/schemas are read
    svc = imported(octobus, "beta-svc", "npm:octobus-e2e-two-services@1.0.0//services/beta")["service"]
    check_committed(octobus, svc, "beta-svc", root="services/beta", entry="bin/beta.js", runtime_mode="on-demand",
                    methods={"beta.v1.BetaService/Greet"})
    assert svc["PackageSource"] == "npm:octobus-e2e-two-services@1.0.0//services/beta"
    assert svc["Name"] == "Beta Service"
    assert svc["ConfigSchemaPath"] == "" and svc["SecretSchemaPath"] == ""
    sdir = service_dir(octobus, "beta-svc")
    assert (sdir / "package" / "services" / "alpha" / "service.json").is_file(), "the whole package is kept"
    # local directory with //dir
    src = pkg.fixture("two-services")
    svc = imported(octobus, "alpha-svc", f"{src}//services/alpha")["service"]
    check_committed(octobus, svc, "alpha-svc", root="services/alpha", entry="bin/alpha.js",
                    methods={"alpha.v1.AlphaService/Greet"})
    assert resolved(svc["ConfigSchemaPath"]) == resolved(
        service_dir(octobus, "alpha-svc") / "package" / "services" / "alpha" / "config.schema.json")


@pytest.mark.parametrize("root", ["../escape", "services/../../escape", "/abs", "nope"])
def test_bad_service_root_commits_nothing(octobus, pkg, root):
    src = pkg.fixture("two-services")
    result = import_cli(octobus, "alpha-svc", f"{src}//{root}")
    assert result.returncode == 1, result.stdout
    assert_nothing_committed(octobus, "alpha-svc")


# -- remote archives ---------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".tgz", ".tar.gz", ".zip"])
def test_import_remote_archive(octobus, pkg, http_files, tmp_path, suffix):
    src = pkg.example("calculator-js")
    local = make_zip(src, tmp_path / "calc.zip") if suffix == ".zip" else make_tgz(src, tmp_path / "calc.tgz")
    url = http_files.add(f"{uuid.uuid4().hex}/calculator{suffix}", local)
    mark = http_files.mark()
    svc = imported(octobus, "calculator", url)["service"]
    check_committed(octobus, svc, "calculator")
    assert svc["PackageSource"] == url
    assert Path(svc["PackageArtifactPath"]).name == ("package.zip" if suffix == ".zip" else "package.tgz")
    assert svc["PackageSHA256"] == sha256_file(local)
    assert [(r.method, r.status) for r in http_files.requests_since(mark)] == [("GET", 200)]


@pytest.mark.parametrize("decoration", ["query-and-fragment", "userinfo"])
def test_remote_archive_source_is_stored_without_userinfo_query_fragment(octobus, pkg, http_files, tmp_path,
                                                                         decoration):
    local = make_tgz(pkg.example("calculator-js"), tmp_path / "calc.tgz")
    url = http_files.add(f"{uuid.uuid4().hex}/calculator.tgz", local)
    if decoration == "userinfo":
        # SPEC only says the stored source drops userinfo; we expect the download to work regardless.
        source = url.replace("http://", "http://fetcher:arch1ve-pw@")
    else:
        source = url + "?sig=s1gn4ture-e2e#frag"
    svc = imported(octobus, "calculator", source)["service"]
    assert svc["PackageSource"] == url
    text = api_get(octobus, "/services/calculator").text
    assert "arch1ve-pw" not in text and "s1gn4ture-e2e" not in text


def test_remote_archive_404_commits_nothing(octobus, http_files):
    result = import_cli(octobus, "calculator", f"{http_files.url}/missing/calculator.tgz")
    assert result.returncode == 1
    assert "404" in error_text(result), result.stderr
    assert_nothing_committed(octobus, "calculator")


def test_remote_url_cannot_use_service_root(octobus, pkg, http_files, tmp_path):
    # strings containing :// are not split at //dir (SPEC §2.3)
    local = make_tgz(pkg.fixture("two-services"), tmp_path / "two.tgz")
    url = http_files.add(f"{uuid.uuid4().hex}/two.tgz", local)
    result = import_cli(octobus, "beta", f"{url}//services/beta")
    assert result.returncode == 1
    assert_nothing_committed(octobus, "beta")


# -- HTTPS Git --------------------------------------------------------------------------

GIT_REFS = {
    # suffix -> label in the repo fixture (support/git_https.build_repositories)
    "": "v1.10.0",              # latest = highest ^vX.Y.Z$ tag, numerically; not HEAD, not v9.0.0-beta
    "@v1.0.0": "v1.0.0",        # lightweight tag
    "@v1.2.0": "v1.2.0",        # annotated tag
    "@feature": "feature",      # branch
    "@COMMIT": "v1.2.0",        # full commit SHA
}


@pytest.mark.parametrize("suffix", list(GIT_REFS), ids=["latest", "tag", "annotated-tag", "branch", "commit"])
def test_import_https_git_refs(octobus, git_server, world, suffix):
    repo = world.git_repos["calc.git"]
    label = GIT_REFS[suffix]
    if suffix == "@COMMIT":
        suffix = "@" + repo.shas[label]
    source = git_server.repo_url("calc.git") + suffix
    svc = imported(octobus, "calculator", source)["service"]
    check_committed(octobus, svc, "calculator")
    assert svc["Name"] == repo.names[label]
    assert svc["PackageVersion"] == repo.shas[label]
    assert svc["PackageSource"] == source  # @ref omitted when defaulted
    assert svc["PackageArtifactPath"].endswith(".tgz")  # npm-packed after the build step
    assert runtime_sdk_version(octobus, "calculator") == sdk_version()


def test_import_https_git_subdir(octobus, git_server, world):
    repo = world.git_repos["calc.git"]
    base = git_server.repo_url("calc.git")
    for source in (base + "//variant@v1.10.0", base + "//variant"):
        svc = imported(octobus, "variant", source)["service"]
        check_committed(octobus, svc, "variant", root="variant")
        assert svc["Name"] == "Calculator Variant"
        assert svc["PackageVersion"] == repo.shas["v1.10.0"]
        assert svc["PackageSource"] == source
        assert resolved(svc["ConfigSchemaPath"]) == resolved(
            service_dir(octobus, "variant") / "package" / "variant" / "config.schema.json")


def test_import_https_git_without_semver_tags_uses_remote_head(octobus, git_server, world):
    repo = world.git_repos["plain.git"]
    svc = imported(octobus, "calculator", git_server.repo_url("plain.git"))["service"]
    assert svc["PackageVersion"] == repo.shas["head"]
    assert svc["Name"] == repo.names["head"]


def test_import_https_git_unknown_ref_commits_nothing(octobus, git_server):
    result = import_cli(octobus, "calculator", git_server.repo_url("calc.git") + "@no-such-ref")
    assert result.returncode == 1
    assert_nothing_committed(octobus, "calculator")


@pytest.mark.parametrize("decoration", ["?ref=v1.0.0", "#v1.0.0"])
def test_import_https_git_rejects_query_and_fragment(octobus, git_server, decoration):
    result = import_cli(octobus, "calculator", git_server.repo_url("calc.git") + decoration)
    assert result.returncode == 1
    assert_nothing_committed(octobus, "calculator")


def test_import_https_git_with_credentials_never_shows_them(octobus, git_server, world):
    repo = world.git_repos["private.git"]
    mark = git_server.mark()
    source = git_server.repo_url("private.git", GIT_USER, GIT_PASSWORD) + "@v1.2.0"
    with CmdlineSampler([GIT_PASSWORD]) as ps:
        result = import_cli(octobus, "private", source)
    assert result.returncode == 0, result.stderr
    svc = json.loads(result.stdout)["service"]
    assert svc["PackageVersion"] == repo.shas["v1.2.0"]
    assert svc["PackageSource"] == f"https://{GIT_USER}:******@127.0.0.1:{git_server.port}/private.git@v1.2.0"
    # the credentials were really used (Basic auth accepted by the server)...
    assert any(r.user == GIT_USER and r.status == 200 for r in git_server.requests_since(mark))
    # ...and appear nowhere: CLI output, service get (CLI and raw API), daemon log, data dir, argv of any process
    got = octobus.cli("service", "get", "private")
    raw = api_get(octobus, "/services/private")
    for text in (result.stdout, result.stderr, got.stdout, raw.text, octobus.log()):
        assert GIT_PASSWORD not in text
    assert raw.json()["PackageSource"] == svc["PackageSource"]  # stored redacted, not only printed so
    assert grep_tree(octobus.data_dir, GIT_PASSWORD) == []
    # best effort `ps` check while git ran (the CLI's own argv holds the URL: the user typed it)
    leaks = [argv for argv in ps.hits if not any(Path(arg).name == "octobus" for arg in argv)]
    assert leaks == [], leaks


def test_import_https_git_wrong_or_missing_credentials_fail_cleanly(octobus, git_server):
    # "git output is scrubbed of credentials" (SPEC §3.1): the error must not echo the password.
    wrong = "wr0ng-pass-e2e-91"
    result = import_cli(octobus, "private", git_server.repo_url("private.git", GIT_USER, wrong))
    assert result.returncode == 1
    assert wrong not in error_text(result) and wrong not in result.stdout and wrong not in octobus.log()
    assert_nothing_committed(octobus, "private")
    # no credentials at all: GIT_TERMINAL_PROMPT=0, so it fails instead of waiting for a prompt
    result = import_cli(octobus, "private", git_server.repo_url("private.git"))
    assert result.returncode == 1
    assert_nothing_committed(octobus, "private")


def test_import_https_git_verifies_the_certificate(start_octobus, git_server):
    # A daemon that does not trust the test CA must refuse the server.
    d = start_octobus(extra_env={"GIT_SSL_CAINFO": "/etc/ssl/certs/ca-certificates.crt"})
    result = import_cli(d, "calculator", git_server.repo_url("calc.git"))
    assert result.returncode == 1
    assert_nothing_committed(d, "calculator")


# (no userinfo in these: a daemon may fairly redact it inside the message)
@pytest.mark.parametrize("source", ["http://127.0.0.1:9/repo.git", "ssh://127.0.0.1/repo.git",
                                    "git://127.0.0.1/repo.git", "git+ssh://127.0.0.1/repo.git"])
def test_unsupported_git_sources(octobus, source):
    result = import_cli(octobus, "calculator", source)
    assert result.returncode == 1
    assert f'unsupported Git source "{source}": only https:// Git remotes are supported' in error_text(result)
    assert_nothing_committed(octobus, "calculator")


# -- build policy (SPEC §3.2) ---------------------------------------------------------------

# A build runs the package's own code, so it needs --allow-scripts (test_import_safety.py).
def test_build_auto_runs_the_build_script_when_a_bin_target_is_missing(octobus, pkg):
    src = pkg.fixture("needs-build")
    svc = imported(octobus, "built", src, "--allow-scripts")["service"]
    check_committed(octobus, svc, "built", entry="dist/built.js", methods={"mini.v1.MiniService/Ping"})
    sdir = service_dir(octobus, "built")
    assert read_json(sdir / "package" / "dist" / "BUILD_INFO.json") == {"builtBy": "npm run build"}
    assert (sdir / "runtime" / "dist" / "built.js").is_file()
    assert not (src / "dist").exists() and not (src / "node_modules").exists(), "the build ran on a copy"


def test_build_always_runs_the_build_script(octobus, pkg):
    svc = imported(octobus, "built", pkg.fixture("needs-build"), "--build", "always", "--allow-scripts")["service"]
    assert svc["NodeEntry"] == "dist/built.js"
    assert (service_dir(octobus, "built") / "package" / "dist" / "BUILD_INFO.json").is_file()


def test_build_never_requires_existing_bin_targets(octobus, pkg):
    result = import_cli(octobus, "built", pkg.fixture("needs-build"), "--build", "never")
    assert result.returncode == 1
    assert "package.json bin target does not exist" in error_text(result)
    assert_nothing_committed(octobus, "built")
    # with the target present, never just packs
    svc = imported(octobus, "calculator", pkg.example("calculator-js"), "--build", "never")["service"]
    check_committed(octobus, svc, "calculator")


NEEDS_SCRIPT = "--build=always requires package.json scripts.prepack, scripts.prepare, or scripts.build"


def test_build_always_requires_a_build_script(octobus, pkg, git_server):
    result = import_cli(octobus, "calculator", pkg.example("calculator-js"), "--build", "always")
    assert result.returncode == 1
    assert NEEDS_SCRIPT in error_text(result)
    # HTTPS Git goes through the same build step
    result = import_cli(octobus, "calculator", git_server.repo_url("calc.git") + "@v1.0.0", "--build", "always")
    assert result.returncode == 1
    assert NEEDS_SCRIPT in error_text(result)
    assert_nothing_committed(octobus, "calculator")


def test_build_always_only_for_directories_and_git(octobus, pkg, tmp_path):
    archive = make_tgz(pkg.example("calculator-js"), tmp_path / "calc.tgz")
    for source in (str(archive), "npm:octobus-calculator-js@0.1.0"):
        result = import_cli(octobus, "calculator", source, "--build", "always")
        assert result.returncode == 1
        assert "--build=always is only supported for local directory and HTTPS Git sources" in error_text(result)
    assert_nothing_committed(octobus, "calculator")


def test_invalid_build_policy(octobus, pkg):
    result = import_cli(octobus, "calculator", pkg.example("calculator-js"), "--build", "sometimes")
    assert result.returncode == 1
    assert 'invalid build policy "sometimes": must be auto, always, or never' in error_text(result)
    assert_nothing_committed(octobus, "calculator")


def test_import_directory_with_a_file_dependency(octobus, pkg):
    # auto with the bin present and a `file:` dependency: production install, then npm pack (SPEC §3.2 step 1)
    src = pkg.example("calculator-js", sdk_spec=f"file:{SDK_DIR}")
    svc = imported(octobus, "calculator", src)["service"]
    check_committed(octobus, svc, "calculator")
    assert (service_dir(octobus, "calculator") / "runtime" / SDK_PACKAGE_JSON).is_file()
    assert not (src / "node_modules").exists(), "the install ran on a copy"


# -- --offline / --reinstall ----------------------------------------------------------------

def test_offline_installs_from_the_npm_cache_only(start_octobus, pkg, npm_registry, tmp_path):
    # --sdk registry: npm installs the SDK like any dependency (by default the daemon's own
    # SDK serves it and no registry is involved; test_import_offline.py covers that).
    d = start_octobus(npm_cache=tmp_path / "warm-cache")
    mark = npm_registry.mark()
    svc = imported(d, "online", pkg.example("calculator-js"), "--sdk", "registry")["service"]
    assert npm_registry.requests_since(mark), "the first import must fetch the SDK"
    assert svc["SDK"] == f"registry {sdk_version()}"
    mark = npm_registry.mark()
    imported(d, "offline", pkg.example("calculator-js"), "--offline", "--sdk", "registry")
    assert npm_registry.requests_since(mark) == []
    assert runtime_sdk_version(d, "offline") == sdk_version()
    # a cold cache cannot satisfy --offline, and the registry is still not asked
    cold = start_octobus(npm_cache=tmp_path / "cold-cache")
    mark = npm_registry.mark()
    result = import_cli(cold, "offline", pkg.example("calculator-js"), "--offline", "--sdk", "registry")
    assert result.returncode == 1
    assert "is not in the npm cache and --offline forbids fetching it" in error_text(result), result.stderr
    assert npm_registry.requests_since(mark) == []
    assert_nothing_committed(cold, "offline")


def test_reinstall_replaces_shipped_node_modules(octobus, pkg, npm_registry, tmp_path):
    src = pkg.example("calculator-js")
    bundle_sdk(src, marker="BUNDLED_BY_TEST")
    archive = make_tgz(src, tmp_path / "with-node-modules.tgz")
    marker = Path("node_modules") / "@chaitin-ai" / "octobus-sdk" / "BUNDLED_BY_TEST"
    mark = npm_registry.mark()
    assert imported(octobus, "kept", archive)["service"]["SDK"] == f"vendored {sdk_version()}"
    # every dependency already in node_modules: no install
    assert (service_dir(octobus, "kept") / "runtime" / marker).is_file()
    assert npm_registry.requests_since(mark) == []
    mark = npm_registry.mark()
    svc = imported(octobus, "fresh", archive, "--reinstall", "--sdk", "registry")["service"]
    assert not (service_dir(octobus, "fresh") / "runtime" / marker).exists()
    assert runtime_sdk_version(octobus, "fresh") == sdk_version()
    assert npm_registry.requests_since(mark), "--reinstall must install from the registry"
    assert svc["SDK"] == f"registry {sdk_version()}"
    # by default the reinstalled SDK is the daemon's own, and npm is not asked at all
    mark = npm_registry.mark()
    svc = imported(octobus, "bundled", archive, "--reinstall")["service"]
    assert not (service_dir(octobus, "bundled") / "runtime" / marker).exists()
    assert svc["SDK"] == f"bundled {sdk_version()}"
    assert npm_registry.requests_since(mark) == []


# -- names --------------------------------------------------------------------------------

def test_name_flag_and_name_kept_on_reimport(octobus, pkg):
    src = pkg.example("calculator-js")
    assert imported(octobus, "calculator", src, "--name", "Prod Calculator")["service"]["Name"] == "Prod Calculator"
    assert imported(octobus, "calculator", src)["service"]["Name"] == "Prod Calculator"
    renamed = cli_json(octobus, "service", "update", "calculator", "--name", "Renamed")
    assert renamed["Name"] == "Renamed"
    assert imported(octobus, "calculator", src)["service"]["Name"] == "Renamed"
    assert imported(octobus, "calculator", src, "--name", "Again")["service"]["Name"] == "Again"
    # no --name and no record: displayName, else the manifest name
    assert imported(octobus, "other", src)["service"]["Name"] == "Calculator JS"
    bare = pkg.fixture("mini", manifest_edits={"displayName": None})
    assert imported(octobus, "mini", bare)["service"]["Name"] == "mini"


def test_name_cannot_be_combined_with_recursive(octobus, pkg):
    result = octobus.cli("service", "import", "--recursive", str(pkg.fixture("two-services")), "--name", "X")
    assert result.returncode == 1
    assert_nothing_committed(octobus, None)


# -- recursive (SPEC §2.3) ------------------------------------------------------------------

def test_recursive_import_of_a_two_service_package(octobus, pkg):
    src = pkg.fixture("two-services")
    result = import_cli(octobus, None, src, recursive=True)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    # service_count is in the route's reply (SPEC §6); the stream's complete event need not carry it
    assert out.get("service_count", 2) == 2
    alpha, beta = out["services"]
    assert [alpha["ID"], beta["ID"]] == ["alpha", "beta"]  # roots sorted; id = manifest name
    check_committed(octobus, alpha, "alpha", root="services/alpha", entry="bin/alpha.js",
                    methods={"alpha.v1.AlphaService/Greet"})
    check_committed(octobus, beta, "beta", root="services/beta", entry="bin/beta.js", runtime_mode="on-demand",
                    methods={"beta.v1.BetaService/Greet"})
    assert (alpha["Name"], beta["Name"]) == ("Alpha Service", "Beta Service")
    assert resolved(alpha["ConfigSchemaPath"]) == resolved(
        service_dir(octobus, "alpha") / "package" / "services" / "alpha" / "config.schema.json")
    # one shared runtime copied to each
    for sid in ("alpha", "beta"):
        assert runtime_sdk_version(octobus, sid) == sdk_version()
        assert (service_dir(octobus, sid) / "runtime" / "bin" / "alpha.js").is_file()
    # .hidden/ skipped; nothing below a root (alpha/extras) discovered
    ids = [s["ID"] for s in list_of(cli_json(octobus, "service", "list"), "services")]
    assert ids == ["alpha", "beta"]
    assert not (services_dir(octobus) / ".staging-recursive-import").exists()
    # recursive progress carries [cur/tot]
    lines = progress_lines(result.stderr)
    # "[cur/tot] " after an optional "<service_id>: " prefix (SPEC §7)
    assert any("[1/2] " in line for line in lines) and any("[2/2] " in line for line in lines), result.stderr
    for key in ("restarted_instances", "restart_errors"):
        assert isinstance(out.get(key, {}), dict)


def test_recursive_import_with_scan_root(octobus, pkg):
    src = pkg.fixture("two-services")
    out = imported(octobus, None, f"{src}//services", recursive=True)
    assert [s["ID"] for s in out["services"]] == ["alpha", "beta"]
    # a scan root holding service.json is the one root
    out = imported(octobus, None, f"{src}//services/alpha", recursive=True)
    assert [s["ID"] for s in out["services"]] == ["alpha"]
    out = imported(octobus, None, pkg.example("calculator-js"), recursive=True)
    assert [s["ID"] for s in out["services"]] == ["calculator"] and out.get("service_count", 1) == 1


def test_recursive_import_without_roots(octobus, pkg):
    src = pkg.broken("no-service-json")
    result = import_cli(octobus, None, src, recursive=True)
    assert result.returncode == 1
    assert "no service roots found under" in error_text(result)
    assert_nothing_committed(octobus, None)


RECURSIVE_BREAKAGE = {
    "duplicate-name": ({"name": "alpha"}, r"alpha"),
    # SPEC's id error with room for context before the colon (quoted texts are informative)
    "invalid-id": ({"name": "9beta"}, r'invalid service id "9beta".*must match ' + re.escape(ID_REGEX)),
    "entry-present": ({"entry": "bin/beta.js"},
                      re.escape("service manifest must not define entry; use package.json bin")),
}


@pytest.mark.parametrize("case", sorted(RECURSIVE_BREAKAGE))
def test_recursive_import_validates_every_root_before_committing(octobus, pkg, case):
    edits, pattern = RECURSIVE_BREAKAGE[case]
    src = pkg.fixture("two-services", manifest_edits=edits, manifest_path="services/beta/service.json")
    if case == "invalid-id":
        package = read_json(src / "package.json")
        package["bin"]["9beta"] = package["bin"].pop("beta")
        write_json(src / "package.json", package)
    result = import_cli(octobus, None, src, recursive=True)
    assert result.returncode == 1
    assert re.search(pattern, error_text(result)), result.stderr
    assert_nothing_committed(octobus, "alpha")  # alpha was valid, and is not committed either


def test_recursive_request_rejects_service_id_and_name(octobus, pkg):
    src = str(pkg.fixture("two-services"))
    with admin(octobus) as api:
        for extra in ({"service_id": "alpha"}, {"name": "Alpha"}):
            reply = api.post("/services/import", json={"recursive": True, "source": src, **extra})
            assert reply.status_code == 400, reply.text
            assert reply.json()["error"]["code"] == "HTTP_400"
    assert_nothing_committed(octobus, "alpha")


# -- rejections (SPEC §2–§3): clear error, nothing committed -----------------------------------

# Patterns (case-insensitive) the error must match. Where SPEC quotes the text we require
# it verbatim; elsewhere the error must at least name what is wrong.
REJECTIONS = {
    "missing-schema": r"schema",
    "wrong-schema": r"schema",
    "missing-name": r"name",
    "id-present": r"\bid\b",
    "entry-present": re.escape("service manifest must not define entry; use package.json bin"),
    "invalid-runtime-mode": re.escape('invalid runtime.mode "forever": must be long-running or on-demand'),
    "no-proto-files": r"proto",
    "proto-file-missing": r"missing\.proto",
    "proto-path-dotdot": r"proto",
    "proto-path-absolute": r"proto",
    "proto-root-dotdot": r"proto",
    "config-schema-outside": r"configSchema|config schema",
    "config-schema-missing": r"configSchema|config schema|missing\.schema\.json",
    "secret-schema-absolute": r"secretSchema|secret schema|/etc/hostname",
    "no-bin": re.escape("package.json bin is required"),
    "bin-object-without-service": re.escape('package.json bin missing entry for service "mini"'),
    # local dir, --build auto, no build script, the single target missing (SPEC §3.2)
    "bin-target-missing": re.escape("package.json bin target does not exist and no build script is available"),
    "bin-target-outside": r"bin",
    "protoc-syntax-error": re.escape("compile proto descriptor:"),
    "manifest-not-json": r"service\.json|manifest|json",
    "no-service-json": r"service\.json",
}


def test_every_broken_fixture_has_an_expectation():
    assert sorted(REJECTIONS) == broken_cases()


def test_the_valid_base_of_the_broken_fixtures_imports(octobus, pkg):
    svc = imported(octobus, "mini", pkg.fixture("mini"))["service"]
    check_committed(octobus, svc, "mini", entry="bin/mini.js", methods={"mini.v1.MiniService/Ping"})


@pytest.mark.parametrize("case", sorted(REJECTIONS))
def test_rejection_from_directory(octobus, pkg, case):
    result = import_cli(octobus, "mini", pkg.broken(case))
    assert result.returncode == 1, result.stdout
    assert re.search(REJECTIONS[case], error_text(result), re.IGNORECASE), result.stderr
    assert result.stdout.strip() == ""
    assert_nothing_committed(octobus, "mini")


ARCHIVE_REJECTIONS = {
    "entry-present": re.escape("service manifest must not define entry; use package.json bin"),
    "no-bin": re.escape("package.json bin is required"),
    "bin-object-without-service": re.escape('package.json bin missing entry for service "mini"'),
    "bin-target-missing": r"package\.json bin",  # no build step for archives: plain validation
    "protoc-syntax-error": re.escape("compile proto descriptor:"),
    "invalid-runtime-mode": re.escape('invalid runtime.mode "forever": must be long-running or on-demand'),
}


@pytest.mark.parametrize("case", sorted(ARCHIVE_REJECTIONS))
def test_rejection_from_archive(octobus, pkg, tmp_path, case):
    archive = make_tgz(pkg.broken(case), tmp_path / f"{case}.tgz")
    result = import_cli(octobus, "mini", archive)
    assert result.returncode == 1
    assert re.search(ARCHIVE_REJECTIONS[case], error_text(result), re.IGNORECASE), result.stderr
    assert_nothing_committed(octobus, "mini")


UNSAFE = {
    "tgz-dotdot": ("tgz", "../{evil}"),
    "tgz-nested-dotdot": ("tgz", "package/../../{evil}"),
    "tgz-absolute": ("tgz", "/tmp/{evil}"),
    "zip-dotdot": ("zip", "../{evil}"),
    "zip-absolute": ("zip", "/tmp/{evil}"),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_unsafe_archive_entries_are_rejected(octobus, pkg, tmp_path, case):
    kind, template = UNSAFE[case]
    evil = f"octobus-e2e-evil-{uuid.uuid4().hex[:8]}"
    src = pkg.example("calculator-js")
    build = unsafe_tgz if kind == "tgz" else unsafe_zip
    archive = build(src, tmp_path / f"unsafe.{kind}", template.format(evil=evil))
    result = import_cli(octobus, "calculator", archive)
    assert result.returncode == 1
    assert "unsafe archive path" in error_text(result), result.stderr
    assert_nothing_committed(octobus, "calculator")
    assert not Path("/tmp", evil).exists()
    for root in (tmp_path, Path(octobus.data_dir)):
        assert [p for p in root.rglob(evil)] == []


def test_invalid_service_id(octobus, pkg):
    result = import_cli(octobus, "1calc", pkg.example("calculator-js"))
    assert result.returncode == 1
    assert f'invalid service id "1calc": must match {ID_REGEX}' in error_text(result)
    assert_nothing_committed(octobus, "1calc")


@pytest.mark.parametrize("what", ["missing-path", "not-an-archive"])
def test_unusable_local_sources(octobus, tmp_path, what):
    source = tmp_path / "nothing-here"
    if what == "not-an-archive":
        source = tmp_path / "garbage.tgz"
        source.write_bytes(b"this is not gzip")
    result = import_cli(octobus, "calculator", source)
    assert result.returncode == 1
    assert_nothing_committed(octobus, "calculator")


# -- re-import (SPEC §3.4) -------------------------------------------------------------------

CALC_SECRET = {"apiToken": "reimport-token"}


def test_reimport_restarts_enabled_instances_and_keeps_the_name(octobus):
    first = imported(octobus, "calculator", "npm:octobus-calculator-js@0.1.0", "--name", "Prod")["service"]
    on = create_instance(octobus, "calc-on", "calculator", "--config-json", '{"label":"on"}',
                         "--secret-json", json.dumps(CALC_SECRET))
    off = create_instance(octobus, "calc-off", "calculator", "--no-start")
    assert on["Status"] == "running" and off["Status"] == "stopped"
    old_pid = on["PID"]

    out = imported(octobus, "calculator", "npm:octobus-calculator-js@0.2.0")
    svc = out["service"]
    assert out["restarted_instances"] == ["calc-on"]
    assert not out.get("restart_errors")
    assert svc["Name"] == "Prod"
    assert svc["PackageSource"] == "npm:octobus-calculator-js@0.2.0"
    assert svc["DescriptorSHA256"] != first["DescriptorSHA256"]
    assert svc["CreatedAt"] == first["CreatedAt"] and svc["UpdatedAt"] != first["UpdatedAt"]
    assert "calculator.v1.CalculatorService/Multiply" in {m["full_name"] for m in svc["Methods"]}
    check_committed(octobus, svc, "calculator", methods=CALC_METHODS | {"calculator.v1.CalculatorService/Multiply"})

    inst = wait_running(octobus, "calc-on", other_than_pid=old_pid)
    assert not is_running(old_pid)
    assert [p.pid for p in instance_processes("calc-on", octobus.data_dir)] == [inst["PID"]]
    desc = Descriptors.from_file(service_dir(octobus, "calculator") / "descriptor.protoset")
    reply = to_dict(desc.call(inst["ListenAddr"], "calculator.v1.CalculatorService/Multiply", {"left": 6, "right": 7}))
    assert reply["result"] == 42 and reply["label"] == "on" and reply["secret_token"] == "reimport-token"
    off = instance_get(octobus, "calc-off")
    assert off["Status"] == "stopped" and "PID" not in off
    assert instance_processes("calc-off", octobus.data_dir) == []


@pytest.mark.parametrize("failure", ["protoc-error", "missing-remote", "unsafe-archive"])
def test_failed_reimport_keeps_the_previous_version_serving(octobus, pkg, http_files, tmp_path, failure):
    imported(octobus, "calculator", pkg.example("calculator-js"))
    inst = create_instance(octobus, "calc1", "calculator", "--config-json", '{"label":"old"}')
    before = snapshot(octobus)
    if failure == "protoc-error":
        source = pkg.broken("protoc-syntax-error")
    elif failure == "missing-remote":
        source = f"{http_files.url}/missing/calculator.tgz"
    else:
        source = unsafe_tgz(pkg.example("calculator-js"), tmp_path / "evil.tgz", "../octobus-e2e-evil")
    result = import_cli(octobus, "calculator", source)
    assert result.returncode == 1
    assert_nothing_committed(octobus, "calculator", before=before)
    assert not (services_dir(octobus) / ".calculator.previous").exists()
    now = instance_get(octobus, "calc1")
    assert now["PID"] == inst["PID"] and now["Status"] == "running" and is_running(inst["PID"])
    desc = Descriptors.from_file(service_dir(octobus, "calculator") / "descriptor.protoset")
    reply = to_dict(desc.call(now["ListenAddr"], "calculator.v1.CalculatorService/Add", {"left": 20, "right": 22}))
    assert reply["result"] == 42 and reply["label"] == "old"


def test_reimport_with_a_failing_restart_reports_degraded(octobus, pkg):
    imported(octobus, "calculator", pkg.example("calculator-js"))
    create_instance(octobus, "calc1", "calculator")
    result = import_cli(octobus, "calculator", pkg.fixture("crashing"))
    assert result.returncode == 1  # degraded → exit 1, but the complete event is printed
    out = json.loads(result.stdout)
    assert out["status"] == "degraded"
    assert out["restart_errors"], out
    assert out["service"]["NodeEntry"] == "bin/crashing.js"  # committed before the restart
    assert instance_get(octobus, "calc1")["Status"] != "running"
    # without streaming the route answers 409 with the same body plus status degraded
    with admin(octobus) as api:
        reply = api.post("/services/import", json={"service_id": "calculator", "source": str(pkg.fixture("crashing"))})
    assert reply.status_code == 409, reply.text
    body = reply.json()
    assert body["status"] == "degraded" and body["restart_errors"] and body["service"]["ID"] == "calculator"


# -- progress stream and the import route (SPEC §3.5, §6) ------------------------------------

def test_progress_stream_over_http(octobus, pkg):
    src = str(pkg.example("calculator-js"))
    events = []
    with admin(octobus) as api:
        with api.stream("POST", "/services/import", json={"service_id": "calculator", "source": src},
                        headers={"Accept": "application/x-ndjson"}) as reply:
            assert reply.status_code == 200
            for line in reply.iter_lines():
                if line.strip():
                    events.append(json.loads(line))
    *status, last = events
    assert status and all(e["type"] == "status" for e in status)
    stages = [e["stage"] for e in status]
    assert set(stages) <= set(STAGES)
    assert [STAGES.index(s) for s in stages] == sorted(STAGES.index(s) for s in stages), stages
    for required in ("prepare_source", "build_package", "validate_manifest", "prepare_runtime",
                     "compile_descriptor", "commit_service"):
        assert required in stages, stages
    for event in status:  # empty fields omitted
        assert event["message"]
        assert all(value not in ("", None, [], {}) for value in event.values()), event
    assert last["type"] == "complete" and last["status"] == "ok"
    assert last["service"]["ID"] == "calculator"

    # without the Accept header: one JSON reply
    with admin(octobus) as api:
        reply = api.post("/services/import", json={"service_id": "calculator", "source": src})
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["service"]["ID"] == "calculator"
        assert set(body) <= {"service", "restarted_instances", "restart_errors"}
        # strict body: unknown keys → 400
        reply = api.post("/services/import", json={"service_id": "calculator", "source": src, "bogus": 1})
        assert reply.status_code == 400 and reply.json()["error"]["code"] == "HTTP_400"
        # an error is the terminal event of the stream
        with api.stream("POST", "/services/import",
                        json={"service_id": "broken", "source": str(pkg.broken("entry-present"))},
                        headers={"Accept": "application/x-ndjson"}) as reply:
            assert reply.status_code == 200
            lines = [json.loads(line) for line in reply.iter_lines() if line.strip()]
    assert lines[-1]["type"] == "error" and set(lines[-1]) == {"type", "error"}
    assert "service manifest must not define entry; use package.json bin" in lines[-1]["error"]


def test_cli_import_error_exits_1_with_the_message(octobus, pkg):
    result = import_cli(octobus, "mini", pkg.broken("entry-present"))
    assert result.returncode == 1
    assert "service manifest must not define entry; use package.json bin" in error_text(result)
    assert result.stdout == ""


# -- CLI output (SPEC §7) -------------------------------------------------------------------

def test_cli_output_is_sorted_pretty_json(octobus, pkg):
    # Byte-exact against Python's rendering, which matches upstream's Go output for this record
    # (2-space indent, sorted keys, "/" not escaped, UTF-8 kept).
    imported(octobus, "calculator", pkg.example("calculator-js"))
    result = octobus.cli("service", "get", "calculator")
    assert result.returncode == 0
    assert result.stdout == json.dumps(json.loads(result.stdout), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    # SecretSchemaPath is exempt from the "secret" key redaction
    assert json.loads(result.stdout)["SecretSchemaPath"].endswith("secret.schema.json")


def test_cli_redacts_credentials_in_urls(octobus, pkg):
    imported(octobus, "mini", pkg.fixture("mini"))
    name = "mirror https://bob:hunter2-e2e@example.com/x and https://tok-e2e-77@example.org/y"
    expected = "mirror https://bob:******@example.com/x and https://******@example.org/y"
    updated = cli_json(octobus, "service", "update", "mini", "--name", name)
    assert updated["Name"] == expected
    assert service_get(octobus, "mini")["Name"] == expected
    listed = octobus.cli("service", "list")
    assert "hunter2-e2e" not in listed.stdout and "tok-e2e-77" not in listed.stdout
    # the daemon stores and returns the name as given: the redaction is the CLI's
    assert api_get(octobus, "/services/mini").json()["Name"] == name


def test_service_update_requires_a_name(octobus, pkg):
    imported(octobus, "mini", pkg.fixture("mini"))
    with admin(octobus) as api:
        reply = api.patch("/services/mini", json={"name": ""})
    assert reply.status_code == 400 and "service name is required" in reply.text
    assert octobus.cli("service", "get", "nope").returncode == 1
