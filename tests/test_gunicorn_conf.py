"""gunicorn.conf.py, the settings of `make serve` and of every scale-out node."""

from __future__ import annotations

import gc
import runpy

import pytest

from exercise_library import ROOT


def _settings() -> dict:
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_no_access_log_unless_asked(monkeypatch):
    monkeypatch.delenv("ACCESS_LOG", raising=False)
    assert _settings()["accesslog"] is None


@pytest.mark.parametrize("target", ["-", "/var/log/library/access.log"])
def test_access_log_where_asked(monkeypatch, target):
    monkeypatch.setenv("ACCESS_LOG", target)
    assert _settings()["accesslog"] == target


def test_a_started_worker_takes_what_it_loaded_out_of_collections():
    post_worker_init = _settings()["post_worker_init"]
    gc.unfreeze()
    try:
        post_worker_init(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
