"""Fixtures for end-to-end tests (helpers live in octobus_e2e.py)."""

import pytest

from octobus_e2e import Daemon


@pytest.fixture
def daemon(tmp_path):
    d = Daemon(tmp_path / "data", tmp_path / "daemon.log")
    yield d
    code = d.stop()
    assert code == 0, d.log()


@pytest.fixture
def start_daemon(tmp_path):
    """Factory for tests that need several daemons or special settings."""
    started = []

    def start(data_dir=None, **kwargs):
        index = len(started)
        d = Daemon(data_dir or tmp_path / f"data{index}", tmp_path / f"daemon{index}.log", **kwargs)
        started.append(d)
        return d

    yield start
    for d in started:
        if d.process.poll() is None:
            d.stop()
