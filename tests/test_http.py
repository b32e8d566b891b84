"""HTTP around every page: ETags from the index version and 304s before anything is
rendered, Cache-Control, and the index followed as it is replaced."""

from __future__ import annotations

from pathlib import Path

from flask import request

from exercise_library import create_app
from exercise_library.content.build import build_index_for

from .conftest import LIBRARY


def test_pages_carry_etag_cache_control_and_version(client):
    response = client.get("/exercises?phase=beginner")
    assert response.headers["ETag"]
    assert "max-age=60" in response.headers["Cache-Control"]
    assert "stale-while-revalidate" in response.headers["Cache-Control"]
    assert len(response.headers["X-Index-Version"]) == 16


def test_a_matching_etag_gets_304(client):
    etag = client.get("/exercises/hinge-basic").headers["ETag"]
    response = client.get("/exercises/hinge-basic", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag


def test_a_weak_etag_of_the_same_page_gets_304(client):
    etag = client.get("/exercises/hinge-basic").headers["ETag"]
    weak = client.get("/exercises/hinge-basic", headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304


def test_a_304_is_answered_before_the_page_is_rendered(app, client):
    etag = client.get("/guides").headers["ETag"]
    rendered = []
    app.jinja_env.globals["asset_url"] = lambda path: rendered.append(path) or path
    assert client.get("/guides", headers={"If-None-Match": etag}).status_code == 304
    assert rendered == []


def test_fragment_and_page_have_different_etags(client):
    page = client.get("/exercises?phase=beginner").headers["ETag"]
    htmx = {"HX-Request": "true"}
    fragment = client.get("/exercises?phase=beginner", headers=htmx).headers["ETag"]
    assert page != fragment


def test_errors_and_redirects_carry_no_etag(client):
    assert "ETag" not in client.get("/exercises/nope").headers
    assert "ETag" not in client.get("/exercises?phase=").headers


def test_a_new_index_changes_etags_and_pages(copy_app, library_copy):
    client = copy_app.test_client()
    before = client.get("/exercises/box-step")
    step = library_copy / "exercises" / "box-step.md"
    step.write_text(step.read_text().replace("title: Box step", "title: Box step-up"))
    build_index_for(library_copy, copy_app.config["INDEX_PATH"])
    after = client.get("/exercises/box-step", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"Box step-up" in after.data


def test_facets_follow_a_new_index(copy_app, library_copy):
    client = copy_app.test_client()
    before = client.get("/api/exercises?equipment=none").get_json()
    step = library_copy / "exercises" / "box-step.md"
    step.write_text(step.read_text().replace("equipment: [box]", "equipment: [none]"))
    build_index_for(library_copy, copy_app.config["INDEX_PATH"])
    after = client.get("/api/exercises?equipment=none").get_json()
    assert "box-step" in [e["slug"] for e in after["exercises"]]
    assert after["count"] == before["count"] + 1


def test_two_nodes_with_the_same_content_send_the_same_etag(tmp_path: Path):
    etags = []
    for node in ("a", "b"):
        index = tmp_path / node / "index.sqlite3"
        build_index_for(LIBRARY, index)
        app = create_app({"TESTING": True, "CONTENT_DIR": LIBRARY, "INDEX_PATH": index})
        etags.append(app.test_client().get("/exercises?phase=beginner").headers["ETag"])
    assert etags[0] == etags[1]


def test_healthz_reports_the_index_and_is_never_cached(client):
    response = client.get("/healthz")
    body = response.get_json()
    assert body["exercises"] == 6 and len(body["index_version"]) == 16
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_only_https_pages_carry_hsts(built_index: Path):
    app = create_app(
        {"TESTING": True, "CONTENT_DIR": LIBRARY, "INDEX_PATH": built_index, "HSTS": True}
    )
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/guides").headers
    secure = client.get("/guides", base_url="https://localhost")
    assert "Strict-Transport-Security" in secure.headers


def test_every_request_reads_one_index_file(app, client):
    """The index file is looked at once a request, before anything reads it."""
    looked = []
    index = app.extensions["index_file"]
    original = index.changed
    index.changed = lambda: looked.append(request.path) or original()
    client.get("/exercises?phase=beginner")
    assert looked == ["/exercises"]
