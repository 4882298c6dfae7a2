"""Helpers for driving a daemon in import/instance tests: CLI wrappers, data-dir
paths and modes, the admin API over HTTP, "nothing was committed" checks."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import httpx

from .packages import tree_files
from .processes import cli_json

ID_REGEX = "^[a-zA-Z][a-zA-Z0-9_-]{0,62}$"
STAGES = ["prepare_source", "build_package", "validate_manifest", "prepare_runtime",
          "compile_descriptor", "commit_service", "restart_instances"]
ON_DEMAND_CONTROL_ERROR = "on-demand runtime mode does not support persistent runtime control"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def services_dir(daemon) -> Path:
    return Path(daemon.data_dir) / "artifacts" / "services"


def service_dir(daemon, service_id: str) -> Path:
    return services_dir(daemon) / service_id


def instance_dir(daemon, instance_id: str) -> Path:
    return Path(daemon.data_dir) / "instances" / instance_id


def admin(daemon) -> httpx.Client:
    """httpx client for /admin/v1 on the daemon (no proxies from the env); use it in `with`."""
    return httpx.Client(base_url=daemon.url + "/admin/v1", trust_env=False, timeout=120)


def api_get(daemon, path: str) -> httpx.Response:
    """One GET on /admin/v1 (raw, unredacted daemon output)."""
    with admin(daemon) as client:
        return client.get(path)


# -- import ----------------------------------------------------------------------

def import_cli(daemon, service_id: str | None, source, *flags, recursive: bool = False, env=None):
    """`octobus service import SERVICE SOURCE [flags]` (or `--recursive SOURCE`)."""
    args = ["service", "import"]
    args += ["--recursive", str(source)] if recursive else [service_id, str(source)]
    return daemon.cli(*args, *flags, env=env)


def imported(daemon, service_id: str | None, source, *flags, recursive: bool = False) -> dict:
    """Import that must succeed; returns the stdout JSON (the complete event)."""
    result = import_cli(daemon, service_id, source, *flags, recursive=recursive)
    assert result.returncode == 0, (f"import of {source} failed:\n{result.stderr}\n"
                                    f"--- daemon log ---\n{daemon.log()[-4000:]}")
    return json.loads(result.stdout)


def service_get(daemon, service_id: str) -> dict:
    return cli_json(daemon, "service", "get", service_id)


def list_of(payload: dict, key: str) -> list:
    """`{"services": [...]}`; an empty list may be encoded as null."""
    return payload.get(key) or []


def staging_leftovers(daemon, settle: float = 5.0) -> list[str]:
    """Dot-entries (`.staging-*`, `.<id>.previous`) left in artifacts/services.
    SPEC §3.4 says they are deleted "after"; cleanup finishing just after the
    reply is tolerated for `settle` seconds, a leak is not."""
    root = services_dir(daemon)

    def leftovers():
        if not root.exists():
            return []
        return sorted(p.name for p in root.iterdir() if p.name.startswith("."))

    deadline = time.monotonic() + settle
    found = leftovers()
    while found and time.monotonic() < deadline:
        time.sleep(0.1)
        found = leftovers()
    return found


def assert_nothing_committed(daemon, service_id: str | None, before: dict | None = None):
    """After a failed import: no service record, no artifacts, no staging
    leftovers; when `before` (a snapshot()) is given, everything is unchanged."""
    if before is None:
        if service_id:
            assert daemon.cli("service", "get", service_id).returncode == 1
        assert list_of(cli_json(daemon, "service", "list"), "services") == []
        assert cli_json(daemon, "status")["services"] == 0
        if service_id:
            assert not service_dir(daemon, service_id).exists()
    else:
        assert snapshot(daemon) == before
    assert staging_leftovers(daemon) == []


def snapshot(daemon) -> dict:
    """Every service record plus a listing (path → size, mode) of artifacts/services."""
    services = {s["ID"]: s for s in list_of(cli_json(daemon, "service", "list"), "services")}
    files = {}
    root = services_dir(daemon)
    if root.exists():
        for path in tree_files(root):
            files[str(path.relative_to(root))] = (path.stat().st_size, mode(path))
    return {"services": services, "files": files}


def progress_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip()]


# -- instances -------------------------------------------------------------------

def create_instance(daemon, instance_id: str, service_id: str, *flags, input=None) -> dict:
    return cli_json(daemon, "instance", "create", instance_id, "--service", service_id, *flags, input=input)


def grep_tree(root: Path, needle: str, exclude_names=()) -> list[Path]:
    """Files below root whose bytes contain `needle`."""
    data = needle.encode()
    return [p for p in tree_files(root) if p.name not in exclude_names and data in p.read_bytes()]


def error_text(result) -> str:
    """The CLI's stderr plus, for `admin API failed: <status>: <body>`, the
    body's decoded error message (the body is JSON, so quotes are escaped)."""
    text = result.stderr
    marker = "admin API failed: "
    at = text.find(marker)
    if at >= 0:
        _, _, body = text[at + len(marker):].partition(": ")
        try:
            decoded = json.loads(body.strip())
        except ValueError:
            return text
        message = decoded.get("error") if isinstance(decoded, dict) else None
        if isinstance(message, dict):
            message = message.get("message")
        if isinstance(message, str):
            text += "\n" + message
    return text
