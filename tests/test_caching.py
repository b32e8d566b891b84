"""HTTP caching: ETags from the index version, 304s, and the in-process page cache."""

from __future__ import annotations

from pathlib import Path

from flask import request

from exercise_library import create_app
from exercise_library.cache import PageCacheMiddleware
from exercise_library.indexer import build_index

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


def test_the_etag_names_the_index_the_page_was_read_from(app, client, monkeypatch):
    """The file in place can change between the first look at it and the request's own
    connection: the ETag must then follow what the page was made from."""
    fresh = client.get("/exercises?phase=advanced")
    monkeypatch.setattr(app.extensions["index_version"], "current", lambda environ=None: "0" * 16)
    raced = client.get("/exercises?phase=advanced")
    assert raced.headers["X-Index-Version"] == fresh.headers["X-Index-Version"]
    assert raced.headers["ETag"] == fresh.headers["ETag"]


def test_fragment_and_page_have_different_etags(client):
    page = client.get("/exercises?phase=beginner").headers["ETag"]
    fragment = client.get("/exercises?phase=beginner", headers={"HX-Request": "true"}).headers[
        "ETag"
    ]
    assert page != fragment


def test_a_page_asked_for_once_is_not_kept(app, client):
    client.get("/exercises?phase=beginner")
    client.get("/exercises?phase=advanced")
    assert len(app.extensions["page_cache"]) == 0


def test_a_page_asked_for_twice_is_kept_and_served_from_the_cache(app, client):
    first = client.get("/exercises?phase=beginner")
    second = client.get("/exercises?phase=beginner")
    cache = app.extensions["page_cache"]
    assert len(cache) == 1
    third = client.get("/exercises?phase=beginner")
    assert second.data == third.data == first.data
    assert third.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert third.headers["Vary"] == first.headers["Vary"]


def test_pages_asked_for_once_are_remembered_within_a_bound(app, client, monkeypatch):
    monkeypatch.setattr(PageCacheMiddleware, "ASKED_KEPT", 3)
    for query in ("phase=beginner", "phase=intermediate", "phase=advanced", "equipment=none"):
        assert client.get(f"/exercises?{query}").status_code == 200
    # The fourth page found the memory full and started it afresh: the first is forgotten,
    # so asking for it again is a first time, and only the time after keeps it.
    client.get("/exercises?phase=beginner")
    assert len(app.extensions["page_cache"]) == 0
    client.get("/exercises?phase=beginner")
    assert len(app.extensions["page_cache"]) == 1


def test_errors_are_not_cached(app, client):
    client.get("/exercises/nope")
    client.get("/exercises/nope")
    assert len(app.extensions["page_cache"]) == 0


def test_a_new_index_changes_etags_and_drops_cached_pages(copy_app, library_copy):
    client = copy_app.test_client()
    before = client.get("/exercises/box-step")
    step = library_copy / "exercises" / "box-step.md"
    step.write_text(step.read_text().replace("title: Box step", "title: Box step-up"))
    build_index(library_copy, copy_app.config["INDEX_PATH"])
    after = client.get("/exercises/box-step", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert b"Box step-up" in after.data


def test_two_nodes_with_the_same_content_send_the_same_etag(tmp_path: Path):
    etags = []
    for node in ("a", "b"):
        index = tmp_path / node / "index.sqlite3"
        build_index(LIBRARY, index)
        app = create_app(
            {
                "TESTING": True,
                "CONTENT_DIR": LIBRARY,
                "INDEX_PATH": index,
                "AUTO_BUILD_INDEX": False,
            }
        )
        etags.append(app.test_client().get("/exercises?phase=beginner").headers["ETag"])
    assert etags[0] == etags[1]


def test_healthz_reports_the_index(client, built_index):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["exercises"] == 6 and len(body["index_version"]) == 16
    assert response.headers["Cache-Control"] == "no-store"


def test_facets_follow_a_new_index(copy_app, library_copy):
    client = copy_app.test_client()
    before = client.get("/api/exercises?equipment=none").get_json()
    assert "box-step" not in [e["slug"] for e in before["exercises"]]
    step = library_copy / "exercises" / "box-step.md"
    step.write_text(step.read_text().replace("equipment: [box]", "equipment: [none]"))
    build_index(library_copy, copy_app.config["INDEX_PATH"])
    after = client.get("/api/exercises?equipment=none").get_json()
    assert "box-step" in [e["slug"] for e in after["exercises"]]
    assert after["count"] == before["count"] + 1
    assert {v["slug"]: v["count"] for v in after["facets"]["equipment"]}["box"] == 0


def test_arguments_a_page_does_not_read_do_not_cost_a_render(app, client):
    first = client.get("/exercises/hinge-basic?utm_source=coach")
    second = client.get("/exercises/hinge-basic?utm_source=newsletter&n=2")
    assert first.headers["ETag"] == second.headers["ETag"]
    assert len(app.extensions["page_cache"]) == 1
    prescribed = client.get("/exercises/hinge-basic?rx=3x8&utm_source=coach")
    assert prescribed.headers["ETag"] != first.headers["ETag"]
    assert b"Your coach" in prescribed.data


def test_a_page_already_rendered_is_answered_before_flask(app, client):
    reached_flask = []
    app.before_request(lambda: reached_flask.append(request.path))
    first = client.get("/exercises?phase=beginner")
    client.get("/exercises?phase=beginner")  # the second time: kept
    third = client.get("/exercises?phase=beginner")
    head = client.head("/exercises?phase=beginner")
    assert reached_flask == ["/exercises", "/exercises"]
    assert third.data == first.data
    assert third.headers["ETag"] == first.headers["ETag"] == head.headers["ETag"]
    assert head.data == b"" and head.headers["Content-Length"] == str(len(first.data))


def test_only_https_pages_carry_hsts_even_from_the_cache(tmp_path: Path):
    index = tmp_path / "index.sqlite3"
    build_index(LIBRARY, index)
    app = create_app({"TESTING": True, "CONTENT_DIR": LIBRARY, "INDEX_PATH": index, "HSTS": True})
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/guides").headers
    assert (
        "Strict-Transport-Security" in client.get("/guides", base_url="https://localhost").headers
    )
