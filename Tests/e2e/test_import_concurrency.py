"""Imports issued at the same time are serialised by the daemon: every one completes,
the last commit wins, and no staging directory is left behind (SPEC §3.4)."""

from __future__ import annotations

import json
import threading

import pytest

from support.fixtures import *  # noqa: F401,F403 - pytest fixtures
from support.helpers import import_cli, service_get, staging_leftovers

pytestmark = pytest.mark.timeout(240)


def test_concurrent_imports_of_one_service_all_complete(octobus, pkg):
    sources = [pkg.example("calculator-js") for _ in range(3)]
    results = [None] * len(sources)

    def run(index):
        results[index] = import_cli(octobus, "calculator", sources[index])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sources))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=200)
    for result in results:
        assert result is not None and result.returncode == 0, result.stderr if result else "import hung"
    finals = [json.loads(result.stdout)["service"]["PackageSource"] for result in results]
    assert service_get(octobus, "calculator")["PackageSource"] in finals
    assert staging_leftovers(octobus) == []


def test_concurrent_recursive_imports_do_not_share_staging(octobus, pkg):
    sources = [pkg.fixture("two-services") for _ in range(2)]
    results = [None] * len(sources)

    def run(index):
        results[index] = import_cli(octobus, None, f"{sources[index]}//services", recursive=True)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sources))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=200)
    for result in results:
        assert result is not None and result.returncode == 0, result.stderr if result else "import hung"
        assert [s["ID"] for s in json.loads(result.stdout)["services"]] == ["alpha", "beta"]
    assert staging_leftovers(octobus) == []
