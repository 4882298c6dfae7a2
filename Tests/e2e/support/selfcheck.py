"""Exercises every support module without a daemon:

    cd Tests/e2e && ../../.venv/bin/python -m support.selfcheck

npm registry (npm pack / npm install against it), HTTPS Git (clone, auth,
the daemon's fetch/rev-parse/archive sequence with an askpass script), the
static file server, the fixture packages (protoc, npm run build, a served
instance called with grpcio through fd-3 secrets, on-demand invoke, the probe's
knobs), process scanning and the cmdline sampler.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

import httpx

from .fixtures import GIT_PASSWORD, GIT_USER, SCOPED_CALCULATOR, World
from .git_https import git
from .grpc_client import Descriptors, compile_descriptor_set, is_serving, to_dict
from .npm_registry import npm_env
from .packages import (EXAMPLES_DIR, FIXTURES_DIR, broken_cases, broken_package, bundle_sdk, copy_package,
                       make_tgz, make_zip, unsafe_tgz, unsafe_zip)
from .processes import CmdlineSampler, environ, instance_processes, is_running, wait_gone
from .util import wait_until

RESULTS = []


def check(name):
    def wrap(fn):
        start = time.monotonic()
        try:
            fn()
            RESULTS.append((name, True, time.monotonic() - start))
            print(f"ok    {name} ({time.monotonic() - start:.1f}s)", flush=True)
        except Exception:  # noqa: BLE001 - report and go on
            RESULTS.append((name, False, time.monotonic() - start))
            print(f"FAIL  {name}\n{traceback.format_exc()}", flush=True)
        return fn
    return wrap


def run(cmd, **kwargs):
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("timeout", 180)
    return subprocess.run([str(c) for c in cmd], **kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_instance(entry: Path, workdir: Path, service_id: str, instance_id: str, config: dict, secret: dict,
                   env: dict | None = None):
    """Start an entry exactly as SPEC §5.1 does (argv, cwd, secret on fd 3)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "config.json").write_text(json.dumps(config))
    port = free_port()
    read_fd, write_fd = os.pipe()
    argv = [str(entry), "--runtime", "serve", "--host", "127.0.0.1", "--port", str(port),
            "--config", str(workdir / "config.json"), "--secret-fd", "3", "--workdir", str(workdir),
            "--service", service_id, "--instance", instance_id]

    def child_setup():  # the read end becomes fd 3; the child must not hold the write end
        os.dup2(read_fd, 3)
        if write_fd != 3:
            os.close(write_fd)

    proc = subprocess.Popen(argv, cwd=workdir, env=dict(os.environ, **(env or {})), close_fds=False,
                            preexec_fn=child_setup, stdout=open(workdir / "stdout.log", "ab"),
                            stderr=open(workdir / "stderr.log", "ab"))
    os.close(read_fd)
    os.write(write_fd, json.dumps(secret).encode())
    os.close(write_fd)
    addr = f"127.0.0.1:{port}"
    wait_until(lambda: is_serving(addr, timeout=0.5) or proc.poll() is not None, timeout=15,
               message=f"{entry.name} healthy")
    assert proc.poll() is None, (workdir / "stderr.log").read_text()
    return proc, addr


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="octobus-e2e-selfcheck-"))
    print(f"work dir {root}")
    world = World(root / "world")
    cache = root / "npm-cache"
    env = dict(os.environ, **world.daemon_env(cache))

    @check("npm registry: npm pack by name@version, scoped, latest, unknown name → 404")
    def _():
        reg = world.registry
        dest = root / "packed"
        dest.mkdir()
        mark = reg.mark()
        for spec, expect in [("octobus-calculator-js@0.1.0", "octobus-calculator-js-0.1.0.tgz"),
                             (f"{SCOPED_CALCULATOR}@0.1.0", "octobus-e2e-calculator-js-0.1.0.tgz"),
                             ("octobus-calculator-js", "octobus-calculator-js-0.2.0.tgz"),
                             (f"@chaitin-ai/octobus-sdk@{world.sdk_version}",
                              f"chaitin-ai-octobus-sdk-{world.sdk_version}.tgz")]:
            result = run(["npm", "pack", spec, "--registry", reg.url, "--pack-destination", dest, "--prefer-online"],
                         env=env)
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip().splitlines()[-1] == expect, result.stdout
            assert (dest / expect).exists()
        paths = [p for _, p in reg.requests_since(mark)]
        assert any(p.startswith("/@octobus-e2e%2f") or p.startswith("/@octobus-e2e%2F") for p in paths), paths
        bad = run(["npm", "pack", "octobus-no-such-package", "--pack-destination", dest], env=env)
        assert bad.returncode != 0 and "404" in bad.stderr, bad.stderr

    @check("npm registry: npm install --omit=dev of a pinned example copy resolves the SDK")
    def _():
        pkg = copy_package(EXAMPLES_DIR / "calculator-js", root / "install" / "calculator-js")
        result = run(["npm", "install", "--omit=dev"], cwd=pkg, env=env)
        assert result.returncode == 0, result.stderr
        sdk = json.loads((pkg / "node_modules/@chaitin-ai/octobus-sdk/package.json").read_text())
        assert sdk["version"] == world.sdk_version
        # offline from the now-warm cache, with no registry request
        again = copy_package(EXAMPLES_DIR / "calculator-js", root / "install" / "offline")
        mark = world.registry.mark()
        result = run(["npm", "install", "--omit=dev", "--offline"], cwd=again, env=env)
        assert result.returncode == 0, result.stderr
        assert world.registry.requests_since(mark) == []
        cold = copy_package(EXAMPLES_DIR / "calculator-js", root / "install" / "cold")
        result = run(["npm", "install", "--omit=dev", "--offline"], cwd=cold,
                     env=dict(os.environ, **npm_env(world.registry.url, root / "empty-cache")))
        assert result.returncode != 0 and "ENOTCACHED" in result.stderr, result.stderr

    @check("calculator served like the daemon does: grpcio Add, health, fd-3 secret, /proc scan")
    def _():
        pkg = root / "install" / "calculator-js"
        workdir = root / "data" / "instances" / "calc1"
        proc, addr = serve_instance(pkg / "bin/calculator.js", workdir, "calculator", "calc1",
                                    {"label": "blue"}, {"apiToken": "tok-123"},
                                    env={"OCTOBUS_SERVICE_ID": "calculator", "OCTOBUS_INSTANCE_ID": "calc1"})
        try:
            desc = Descriptors.from_package(pkg)
            reply = desc.call(addr, "calculator.v1.CalculatorService/Add", {"left": 20, "right": 22},
                              metadata=[("x-octobus-ext-business-request-id", "req-7")])
            got = to_dict(reply)
            assert got == {"result": 42.0, "service_id": "calculator", "instance_id": "calc1", "label": "blue",
                           "business_request_id": "req-7", "secret_token": "tok-123"}, got
            found = instance_processes("calc1", root / "data")
            assert [p.pid for p in found] == [proc.pid], found
            assert found[0].flag("--secret-fd") == "3"
            assert environ(proc.pid)["OCTOBUS_INSTANCE_ID"] == "calc1"
            assert instance_processes("calc1", root / "elsewhere") == []
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=10)
        assert not is_running(proc.pid)
        assert instance_processes("calc1", root / "data") == []

    @check("probe fixture: start delay, starts.log, ignoreSigint, exitAfterMs, Info reply")
    def _():
        pkg = copy_package(FIXTURES_DIR / "probe", root / "install" / "probe")
        assert run(["npm", "install", "--omit=dev"], cwd=pkg, env=env).returncode == 0
        workdir = root / "data" / "instances" / "p1"
        started = time.monotonic()
        proc, addr = serve_instance(pkg / "bin/probe.js", workdir, "probe", "p1",
                                    {"startDelayMs": 700, "ignoreSigint": True, "exitAfterMs": 2500},
                                    {"apiToken": "s"})
        assert time.monotonic() - started >= 0.7
        info = to_dict(Descriptors.from_package(pkg).call(addr, "probe.v1.ProbeService/Info", {"note": "hi"}))
        assert info["pid"] == proc.pid and info["note"] == "hi" and info["instance_id"] == "p1"
        assert json.loads(info["secret_json"]) == {"apiToken": "s"}
        assert json.loads(info["argv_json"])[1:3] == ["--runtime", "serve"]
        assert info["cwd"] == str(workdir)
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
        assert proc.poll() is None, "probe must ignore SIGINT with ignoreSigint"
        assert proc.wait(timeout=5) == 3  # exitAfterMs
        lines = (workdir / "starts.log").read_text().split()
        assert lines[0] == str(proc.pid)

    @check("two-services fixture: alpha served from its service root; beta answers --runtime invoke")
    def _():
        pkg = copy_package(FIXTURES_DIR / "two-services", root / "install" / "two-services")
        assert run(["npm", "install", "--omit=dev"], cwd=pkg, env=env).returncode == 0
        proc, addr = serve_instance(pkg / "bin/alpha.js", root / "data/instances/a1", "alpha", "a1",
                                    {"label": "L"}, {}, env={"OCTOBUS_PACKAGE_DIR": str(pkg / "services/alpha")})
        try:
            got = to_dict(Descriptors.from_package(pkg, "services/alpha").call(
                addr, "alpha.v1.AlphaService/Greet", {"name": "bob"}))
            assert got["text"] == "alpha: hello bob" and got["label"] == "L", got
        finally:
            proc.kill()
            proc.wait()
        desc = Descriptors.from_package(pkg, "services/beta")
        req = desc.message_class("beta.v1.GreetRequest")(name="eve").SerializeToString()
        wd = root / "data/instances/b1"
        wd.mkdir(parents=True)
        (wd / "config.json").write_text("{}")
        (wd / "metadata.json").write_text("{}")
        result = subprocess.run([str(pkg / "bin/beta.js"), "--runtime", "invoke",
                                 "--method", "beta.v1.BetaService/Greet",
                                 "--config", str(wd / "config.json"), "--metadata", str(wd / "metadata.json"),
                                 "--workdir", str(wd), "--service", "beta", "--instance", "b1"],
                                input=req, capture_output=True, cwd=wd, timeout=30,
                                env=dict(os.environ, OCTOBUS_PACKAGE_DIR=str(pkg / "services/beta")))
        assert result.returncode == 0, result.stderr
        reply = desc.message_class("beta.v1.GreetReply").FromString(result.stdout)
        assert reply.text == "beta: hello eve" and reply.instance_id == "b1"

    @check("needs-build fixture: npm run build creates dist/built.js and npm pack ships it")
    def _():
        pkg = copy_package(FIXTURES_DIR / "needs-build", root / "install" / "needs-build")
        assert not (pkg / "dist").exists()
        assert run(["npm", "install"], cwd=pkg, env=env).returncode == 0
        result = run(["npm", "run", "build"], cwd=pkg, env=env)
        assert result.returncode == 0, result.stderr
        assert os.access(pkg / "dist/built.js", os.X_OK)
        packed = json.loads(run(["npm", "pack", "--dry-run", "--json"], cwd=pkg, env=env).stdout)[0]
        assert "dist/built.js" in [f["path"] for f in packed["files"]]

    @check("broken fixtures: overlays apply; protoc accepts mini and rejects the protoc cases")
    def _():
        cases = broken_cases()
        assert len(cases) >= 20, cases
        descriptors = compile_descriptor_set(FIXTURES_DIR / "mini")
        assert b"mini.v1" in descriptors
        for case in cases:
            dest = broken_package(case, root / "broken" / case)
            assert (dest / "bin/mini.js").exists()
        assert not (root / "broken/no-service-json/service.json").exists()
        for case in ("protoc-syntax-error", "proto-file-missing"):
            try:
                compile_descriptor_set(root / "broken" / case)
            except RuntimeError:
                continue
            raise AssertionError(f"{case}: protoc accepted it")
        manifest = json.loads((root / "broken/entry-present/service.json").read_text())
        assert manifest["entry"] == "bin/mini.js"

    @check("archives: tgz/zip layouts, unsafe entries present verbatim, bundled node_modules")
    def _():
        src = copy_package(FIXTURES_DIR / "mini", root / "arch" / "mini")
        tgz = make_tgz(src, root / "arch/mini.tgz")
        with tarfile.open(tgz) as tar:
            names = tar.getnames()
            assert "package/service.json" in names
            assert tar.getmember("package/bin/mini.js").mode & 0o111
        with zipfile.ZipFile(make_zip(src, root / "arch/mini.zip")) as zf:
            assert "service.json" in zf.namelist()
        for evil in ("../evil-e2e", "/tmp/octobus-e2e-evil-abs"):
            with tarfile.open(unsafe_tgz(src, root / "arch/evil.tgz", evil)) as tar:
                assert evil in tar.getnames()
        with zipfile.ZipFile(unsafe_zip(src, root / "arch/evil.zip", "../evil-e2e")) as zf:
            assert "../evil-e2e" in zf.namelist()
        marker = bundle_sdk(src) / "BUNDLED_BY_TEST"
        assert marker.exists()

    @check("static files: 200 with the bytes, 404 for missing, query recorded")
    def _():
        url = world.files.add("pkgs/x.tgz", b"abc")
        with httpx.Client(trust_env=False) as client:
            assert client.get(url + "?sig=1").content == b"abc"
            assert client.get(world.files.url + "/pkgs/missing.tgz").status_code == 404
            assert client.get(world.files.url + "/../etc/passwd").status_code == 404
        assert [r.query for r in world.files.requests_since(0) if r.path == "/pkgs/x.tgz"] == ["sig=1"]

    @check("https git: clone with the test CA; untrusted without it; tags and branches")
    def _():
        server = world.git
        genv = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
        dest = root / "clones"
        result = run(["git", "clone", "-q", server.repo_url("calc.git"), dest / "calc"],
                     env=dict(genv, **world.ca.client_env()))
        assert result.returncode == 0, result.stderr
        tags = git("tag", "--list", cwd=dest / "calc").split()
        assert {"v1.0.0", "v1.2.0", "v1.10.0", "v9.0.0-beta", "release-99"} <= set(tags), tags
        head = git("rev-parse", "HEAD", cwd=dest / "calc")
        assert head == world.git_repos["calc.git"].shas["head"]
        untrusted = run(["git", "clone", "-q", server.repo_url("calc.git"), dest / "untrusted"], env=genv)
        assert untrusted.returncode != 0 and "certificate" in untrusted.stderr.lower(), untrusted.stderr

    @check("https git: Basic auth → 401 without credentials, clone with user:pass")
    def _():
        server = world.git
        genv = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
                    **world.ca.client_env())
        dest = root / "clones"
        mark = server.mark()
        denied = run(["git", "clone", "-q", server.repo_url("private.git"), dest / "denied"], env=genv)
        assert denied.returncode != 0, denied.stderr
        assert any(r.status == 401 for r in server.requests_since(mark))
        ok = run(["git", "clone", "-q", server.repo_url("private.git", GIT_USER, GIT_PASSWORD), dest / "private"],
                 env=genv)
        assert ok.returncode == 0, ok.stderr
        wrong = run(["git", "clone", "-q", server.repo_url("private.git", GIT_USER, "nope"), dest / "wrong"], env=genv)
        assert wrong.returncode != 0

    @check("https git: the daemon's sequence (bare init, fetch refspecs, askpass, rev-parse, archive)")
    def _():
        server = world.git
        info = world.git_repos["calc.git"]
        work = root / "daemon-like" / "git"
        work.mkdir(parents=True)
        askpass = root / "daemon-like" / "askpass.sh"
        askpass.write_text('#!/bin/sh\ncase "$1" in\n  Username*) printf "%s" "$OCTOBUS_GIT_USERNAME";;\n'
                           '  *) printf "%s" "$OCTOBUS_GIT_PASSWORD";;\nesac\n')
        askpass.chmod(0o700)
        genv = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_ASKPASS=str(askpass), OCTOBUS_GIT_USERNAME=GIT_USER,
                    OCTOBUS_GIT_PASSWORD=GIT_PASSWORD, **world.ca.client_env())
        with CmdlineSampler([GIT_PASSWORD]) as sampler:
            git("init", "-q", "--bare", ".", cwd=work, env=genv)
            git("remote", "add", "origin", server.repo_url("private.git"), cwd=work, env=genv)
            git("fetch", "--tags", "--force", "origin", "+refs/heads/*:refs/remotes/origin/*",
                "HEAD:refs/remotes/origin/HEAD", cwd=work, env=genv)
        assert sampler.samples > 10 and sampler.hits == []
        assert git("rev-parse", "--verify", "v1.10.0^{}", cwd=work) == info.shas["v1.10.0"]
        assert git("rev-parse", "--verify", "v1.0.0^{}", cwd=work) == info.shas["v1.0.0"]
        assert git("rev-parse", "--verify", "refs/remotes/origin/HEAD", cwd=work) == info.shas["head"]
        assert git("rev-parse", "--verify", "refs/remotes/origin/feature^{commit}", cwd=work) == info.shas["feature"]
        tar = run(["git", "archive", "--format=tar", info.shas["v1.10.0"], "--", "."], cwd=work, text=False)
        assert tar.returncode == 0
        out = root / "daemon-like" / "tree.tar"
        out.write_bytes(tar.stdout)
        with tarfile.open(out) as archive:
            names = archive.getnames()
            assert "variant/service.json" in names and "bin/calculator.js" in names, names
            assert archive.getmember("bin/calculator.js").mode & 0o111
        plain = world.git_repos["plain.git"]
        assert plain.shas["head"] != plain.shas["other"]

    @check("cmdline sampler sees a process's argv; wait_gone on exit")
    def _():
        with CmdlineSampler(["octobus-e2e-marker-xyz"]) as sampler:
            proc = subprocess.Popen(["sh", "-c", "sleep 0.3", "octobus-e2e-marker-xyz"])
            proc.wait()
            time.sleep(0.05)
        assert sampler.hits, "sampler missed the marker"
        wait_gone(proc.pid, timeout=2)

    world.close()
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
