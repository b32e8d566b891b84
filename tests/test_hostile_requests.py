"""Arbitrary requests against every route: never a 5xx, never input reflected unescaped."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROUTES = [
    "/",
    "/exercises",
    "/exercises/hinge-basic",
    "/exercises/old-hinge",
    "/phases/beginner",
    "/equipment/box",
    "/muscles/core",
    "/families/hinge",
    "/guides",
    "/guides/scheduling",
    "/assessments",
    "/healthz",
    "/exercises/hinge-basic/qr.svg",
    "/exercises/hinge-basic/figure.svg",
    "/session",
    "/session/new",
    "/api/exercises",
    "/api/exercises/hinge-basic",
    "/feed.xml",
    "/sitemap.xml",
    "/offline",
    "/sw.js",
]  # /plan and /plan.ics: tests/test_plan.py, with the names that planner reads
NAMES = st.sampled_from([
    "phase", "equipment", "muscle", "q", "sort", "page", "rx", "tempo", "load", "note", "title",
    "e1", "rx1", "note1", "e2", "op", "x", "",
])  # fmt: skip
# Markers that would be live markup if they came back unescaped.
PROBES = ["<probe-tag>", '"probe-attr=', "'probe-quote="]
VALUES = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=3000),
    st.sampled_from(
        [
            "beginner",
            "none",
            "core",
            "",
            "..%2f..%2f",
            "%00",
            "\x00",
            "\U0001d518\U0001d52b\u00e9\u202e",
        ]
    ),
    # The last one: astral letters, an accented letter, a right-to-left override.
    st.builds(
        lambda a, p, b: a + p + b,
        st.text(max_size=10),
        st.sampled_from(PROBES),
        st.text(max_size=10),
    ),
)
QUERIES = st.lists(st.tuples(NAMES, VALUES), max_size=8)
FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _body(response) -> str:
    return response.get_data(as_text=True)


@FAST
@given(route=st.sampled_from(ROUTES), pairs=QUERIES, htmx=st.booleans())
def test_any_query_string_is_answered_without_a_server_error(client, route, pairs, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(f"{route}?{urlencode(pairs)}", headers=headers, follow_redirects=True)
    assert response.status_code < 500
    body = _body(response)
    for probe in PROBES:
        if any(probe in value for _, value in pairs):
            assert probe not in body


@FAST
@given(
    segment=st.text(min_size=1, max_size=200),
    prefix=st.sampled_from(
        [
            "/exercises/",
            "/phases/",
            "/equipment/",
            "/muscles/",
            "/families/",
            "/guides/",
            "/static/",
            "/",
        ]
    ),
)
def test_any_path_is_answered_without_a_server_error(client, segment, prefix):
    response = client.get(prefix + quote(segment, safe=""))
    assert response.status_code < 500
    assert "<probe-tag>" not in _body(response)
    response.close()


@pytest.mark.parametrize(
    "path",
    [
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/wsgi.py",
        "/static/../wsgi.py",
        "/exercises/..%2f..%2fwsgi.py",
        "/static/css/..%2f..%2f..%2finstance%2findex.sqlite3",
    ],
)
def test_encoded_traversal_never_leaves_static(client, path):
    with client.get(path) as response:
        assert response.status_code == 404
        assert b"create_app" not in response.data and b"SQLite format" not in response.data


@FAST
@given(
    method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "TRACE", "CONNECT", "PROPFIND"]),
    route=st.sampled_from(ROUTES),
)
def test_methods_other_than_get_and_head_are_405(client, method, route):
    response = client.open(route, method=method)
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD"}


def test_options_is_refused_like_every_method_but_get_and_head(client):
    response = client.options("/exercises")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD"}


PAGE_KINDS = [
    "/", "/exercises", "/exercises?phase=beginner", "/exercises/hinge-basic", "/phases/beginner",
    "/guides/scheduling", "/assessments", "/session?e1=hinge-basic", "/session/new",
    "/api/exercises", "/api/exercises/hinge-basic", "/feed.xml", "/sitemap.xml", "/robots.txt",
    "/healthz", "/nope", "/exercises//hinge-basic", "/static//css/site.css",
]  # fmt: skip


@pytest.mark.parametrize("path", PAGE_KINDS)
def test_a_foreign_host_is_refused_and_never_written_into_a_page(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert b"evil.example" not in response.data and "evil" not in response.headers.get(
        "Location", ""
    )


def test_the_site_address_is_a_trusted_host(built_index):
    from exercise_library import create_app

    app = create_app(
        {"TESTING": True, "INDEX_PATH": built_index, "SITE_URL": "https://legs.example"}
    )
    response = app.test_client().get("/feed.xml", headers={"Host": "legs.example"})
    assert response.status_code == 200 and b"https://legs.example/exercises/" in response.data


def test_static_files_say_nosniff(client):
    with client.get("/static/css/site.css") as response:
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_empty_range_is_unsatisfiable(client):
    with client.get("/static/css/site.css", headers={"Range": "bytes=-0"}) as response:
        assert response.status_code == 416 and response.data == b""
    with client.get("/static/css/site.css", headers={"Range": "bytes=-4"}) as response:
        assert response.status_code == 206 and len(response.data) == 4


def test_head_answers_like_get_without_a_body(client):
    response = client.head("/exercises/hinge-basic")
    assert response.status_code == 200 and response.data == b""


def test_hsts_is_sent_only_over_https_when_configured(built_index):
    from exercise_library import create_app

    from .conftest import LIBRARY

    config = {
        "TESTING": True,
        "CONTENT_DIR": LIBRARY,
        "INDEX_PATH": built_index,
        "AUTO_BUILD_INDEX": False,
    }
    plain = create_app({**config, "HSTS": True}).test_client()
    assert "Strict-Transport-Security" not in plain.get("/").headers
    assert (
        "max-age=31536000"
        in plain.get("/", base_url="https://localhost").headers["Strict-Transport-Security"]
    )
    off = create_app(config).test_client()
    assert "Strict-Transport-Security" not in off.get("/", base_url="https://localhost").headers
