"""The web process can read the index and nothing else."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from exercise_library.content.build import build_index_for
from exercise_library.db import db


def test_the_site_connection_refuses_writes(app):
    with app.app_context():
        with pytest.raises(OperationalError, match="readonly"):
            db.session.execute(text("DELETE FROM exercise"))
        db.session.rollback()


def test_no_request_changes_the_index(client, built_index):
    before = hashlib.sha256(built_index.read_bytes()).hexdigest()
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        for path in (
            "/",
            "/exercises?q=x",
            "/exercises/hinge-basic",
            "/healthz",
            "/static/css/site.css",
        ):
            client.open(path, method=method, data={"title": "changed"}).close()
    assert hashlib.sha256(built_index.read_bytes()).hexdigest() == before


def test_an_index_overwritten_in_place_is_never_a_500_and_a_rebuild_recovers(
    copy_app, library_copy
):
    client = copy_app.test_client()
    assert client.get("/exercises").status_code == 200
    index = copy_app.config["INDEX_PATH"]
    index.write_bytes(b"this is not a database" * 100)
    # What the worker already read may still be answered; what needs the junk is a 503.
    for path in ("/exercises?phase=advanced", "/exercises/hinge-basic", "/exercises?q=hinge"):
        response = client.get(path)
        assert response.status_code in (200, 503), path
        if response.status_code == 503:
            assert response.headers["Retry-After"]
    build_index_for(library_copy, index)
    assert client.get("/exercises/hinge-basic").status_code == 200


def test_a_request_gives_its_connection_back(app):
    with app.test_request_context("/exercises"):
        db.session.execute(text("SELECT 1"))
        assert db.engine.pool.checkedout() == 1
    with app.app_context():
        assert db.engine.pool.checkedout() == 0
