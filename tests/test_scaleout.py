"""The scale-out setup for real: nginx (deploy/nginx.conf) caching in front of two gunicorn
nodes (gunicorn.conf.py), each with its own index built from the same content, all on
127.0.0.1. Every process is stopped when the module is done, and checked to be gone."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from deploy.cluster import ScaleOut, Supervisor, fetch, start_scale_out
from deploy.render import render
from exercise_library.content.build import build_index_for as build_index

from .conftest import LIBRARY

# Short, so a reindex shows through the cache within the test; long enough that a MISS
# followed by a second request on a busy machine is still a HIT.
CACHE_VALID_SECONDS = 2
HTMX = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def scale_out(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("scaleout")
    content = work / "content"
    shutil.copytree(LIBRARY, content)
    # nginx's workers run as `nobody` under root and cannot enter pytest's private folders.
    state_dir = Path(tempfile.mkdtemp(prefix="exercise-library-test-nginx-"))
    groups: list[int] = []
    try:
        with Supervisor(work / "logs") as supervisor:
            running = start_scale_out(
                supervisor,
                content,
                work,
                state_dir,
                nodes=2,
                workers=1,
                cache_valid=f"{CACHE_VALID_SECONDS}s",
            )
            groups = [process.pid for _, process, _ in supervisor.processes]
            yield content, running
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
    for group in groups:
        # Masters and their workers alike: nothing of the setup may outlive the tests.
        with pytest.raises(ProcessLookupError):
            os.killpg(group, 0)


def _cache_status(url: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
    response = fetch(url, headers)
    assert response.status == 200, url
    return response.headers["X-Cache-Status"], response.text


def test_the_template_renders_completely(tmp_path: Path):
    text = render(["127.0.0.1:8001", "127.0.0.1:8002"], tmp_path)
    assert "{{" not in text
    assert "server 127.0.0.1:8001;" in text and "server 127.0.0.1:8002;" in text
    assert "listen 127.0.0.1:8080;" in text


def test_nginx_answers_repeat_requests_from_its_cache(scale_out: tuple[Path, ScaleOut]):
    _, running = scale_out
    url = f"{running.url}/exercises/hinge-basic?from=cache-test"
    first_status, first = _cache_status(url)
    second_status, second = _cache_status(url)
    assert (first_status, second_status) == ("MISS", "HIT")
    assert second == first


def test_the_htmx_fragment_is_cached_apart_from_the_page(scale_out: tuple[Path, ScaleOut]):
    _, running = scale_out
    url = f"{running.url}/exercises?phase=beginner"
    page_status, page = _cache_status(url)
    fragment_status, fragment = _cache_status(url, HTMX)
    assert (page_status, fragment_status) == ("MISS", "MISS")
    assert "<html" in page and "<html" not in fragment
    assert _cache_status(url, HTMX) == ("HIT", fragment)
    assert _cache_status(url) == ("HIT", page)


def test_what_the_app_forbids_storing_is_never_cached(scale_out: tuple[Path, ScaleOut]):
    _, running = scale_out
    # /healthz says Cache-Control: no-store: a health check must see a live node.
    statuses = [_cache_status(f"{running.url}/healthz")[0] for _ in range(2)]
    assert statuses == ["MISS", "MISS"]


def test_both_nodes_send_the_same_etag(scale_out: tuple[Path, ScaleOut]):
    _, running = scale_out
    # nginx passes the visitor's Host on to whichever node it picks (the app keys pages on
    # it), so both nodes are asked under one name here too, not under their own ports: a
    # trusted one (a real deployment trusts the host of EXERCISE_LIBRARY_SITE_URL).
    host = {"Host": "localhost"}
    for path, headers in (
        ("/", host),
        ("/exercises/hinge-basic", host),
        ("/exercises?phase=beginner", host),
        ("/exercises?phase=beginner", {**host, **HTMX}),
    ):
        one, two = (fetch(node + path, headers) for node in running.node_urls)
        # Same content, same ETag, though each node built its own index: so nginx can
        # revalidate what one node sent with the other.
        assert one.headers["ETag"] and one.headers["ETag"] == two.headers["ETag"], path
        etag = {**headers, "If-None-Match": one.headers["ETag"]}
        assert fetch(running.node_urls[1] + path, etag).status == 304, path


def test_a_reindex_reaches_both_nodes_and_the_cache(scale_out: tuple[Path, ScaleOut]):
    content, running = scale_out
    url = f"{running.url}/exercises/hinge-basic"
    assert "Hinge basic" in _cache_status(url)[1]
    _cache_status(url)  # now in the cache: what follows must replace a cached copy
    source = content / "exercises" / "hinge-basic.md"
    source.write_text(source.read_text().replace("title: Hinge basic", "title: Hip hinge"))
    for index_path in running.index_paths:
        build_index(content, index_path)

    versions = set()
    for node in running.node_urls:
        response = fetch(f"{node}/exercises/hinge-basic")
        assert "Hip hinge" in response.text and "Hinge basic" not in response.text, node
        versions.add(response.headers["X-Index-Version"])
    assert len(versions) == 1

    # The cached copy stays until it expires, then nginx revalidates with the new ETag
    # and gets the new page; with stale-while-updating one more request may see the old.
    deadline = time.monotonic() + CACHE_VALID_SECONDS + 8
    while "Hip hinge" not in (text := _cache_status(url)[1]):
        assert time.monotonic() < deadline, "the new index never showed through nginx"
        time.sleep(0.2)
    assert "Hinge basic" not in text
