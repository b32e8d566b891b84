"""Static files: fingerprinted names cached for good, compressed copies, and page weight."""

from __future__ import annotations

import gzip
import re

import pytest

from .test_views import soup


def _assets(page) -> list[str]:
    links = [link["href"] for link in page.find_all("link", rel=["stylesheet", "icon"])]
    return (
        links
        + [s["src"] for s in page.find_all("script", src=True)]
        + [i["src"] for i in page.find_all("img")]
    )


def test_pages_link_fingerprinted_static_files(client):
    for url in _assets(soup(client.get("/"))):
        assert re.search(r"\.[0-9a-f]{12}\.[a-z]+$", url), url


def test_fingerprinted_files_are_immutable_for_a_year_or_more(client):
    css = next(u for u in _assets(soup(client.get("/"))) if u.endswith(".css"))
    with client.get(css) as response:
        control = response.headers["Cache-Control"]
        assert "immutable" in control
        assert int(re.search(r"max-age=(\d+)", control).group(1)) >= 365 * 24 * 3600


@pytest.mark.parametrize(
    ("accept", "encoding"), [("br, gzip", "br"), ("gzip", "gzip"), ("identity", None)]
)
def test_compressed_copies_are_chosen_by_accept_encoding(client, accept, encoding):
    script = next(u for u in _assets(soup(client.get("/"))) if "htmx" in u)
    with client.get(script, headers={"Accept-Encoding": accept}) as response:
        assert response.headers.get("Content-Encoding") == encoding
        assert "Accept-Encoding" in response.headers["Vary"]


def test_an_exercise_page_weighs_under_50_kb_compressed(client):
    """The real transfer: the page gzipped (nginx does it), every asset as its brotli copy."""
    response = client.get("/exercises/hinge-basic?rx=3x8")
    total = len(gzip.compress(response.data, 5))
    for url in set(_assets(soup(response))):
        with client.get(url, headers={"Accept-Encoding": "br"}) as asset:
            total += len(asset.data)
    assert total < 50_000, total


def test_a_changed_file_gets_a_new_name(tmp_path):
    from exercise_library.assets import build_assets

    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "css" / "a.css").write_text("a { color: red }")
    first = build_assets(source, tmp_path / "out")["css/a.css"]
    (source / "css" / "a.css").write_text("a { color: blue }")
    second = build_assets(source, tmp_path / "out")["css/a.css"]
    assert first != second and (tmp_path / "out" / second).exists()
    assert (tmp_path / "out" / (second + ".br")).exists() and (
        tmp_path / "out" / (second + ".gz")
    ).exists()


def test_every_real_exercise_page_with_its_figure_weighs_under_50_kb(tmp_path):
    from exercise_library import ROOT, create_app
    from exercise_library.content.build import build_index_for

    content, index = ROOT / "content", tmp_path / "index.sqlite3"
    build_index_for(content, index)
    client = create_app(
        {"TESTING": True, "CONTENT_DIR": content, "INDEX_PATH": index}
    ).test_client()
    sizes, weights = {}, {}
    for path in content.glob("exercises/*.md"):
        response = client.get(f"/exercises/{path.stem}?rx=3x8&tempo=3-1-1&note=Weaker+leg+first")
        for url in set(_assets(soup(response))) - set(sizes):
            with client.get(url, headers={"Accept-Encoding": "br"}) as asset:
                sizes[url] = len(asset.data)
        page = set(_assets(soup(response)))
        weights[path.stem] = len(gzip.compress(response.data, 5)) + sum(sizes[u] for u in page)
    heaviest = max(weights, key=weights.get)
    assert weights[heaviest] < 50_000, (heaviest, weights[heaviest])
