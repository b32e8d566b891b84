"""The JSON API, the feed, the sitemap and robots.txt."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from exercise_library.content.build import build_index_for

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_api_list_uses_the_same_filters(client):
    body = client.get("/api/exercises?phase=beginner&equipment=none").get_json()
    assert body["count"] == 3
    assert sorted(e["slug"] for e in body["exercises"]) == [
        "balance-hold",
        "hinge-basic",
        "split-squat-basic",
    ]
    phase = {v["slug"]: v["count"] for v in body["facets"]["phase"]}
    assert phase == {"beginner": 3, "intermediate": 1, "advanced": 0}


def test_api_detail_has_anchored_cues_and_the_ladder(client):
    body = client.get("/api/exercises/hinge-basic").get_json()
    assert body["url"] == "http://localhost/exercises/hinge-basic"
    assert body["cues"][0]["url"].startswith("http://localhost/exercises/hinge-basic#cue-")
    assert {(s["direction"], s["slug"]) for s in body["ladder"]} == {
        ("progression", "loaded-hinge"),
        ("regression", "balance-hold"),
    }
    assert body["dosage"][0] == {
        "phase": "beginner",
        "sets": 3,
        "reps": "10",
        "seconds": None,
        "per_leg": True,
        "tempo": None,
        "load": None,
        "note": None,
    }


def test_api_detail_follows_aliases_and_404s_in_json(client):
    assert (
        client.get("/api/exercises/old-hinge").headers["Location"] == "/api/exercises/hinge-basic"
    )
    response = client.get("/api/exercises/nope")
    assert response.status_code == 404 and response.get_json()["error"] == "not found"


def test_feed_is_atom_newest_first(client):
    response = client.get("/feed.xml")
    assert response.mimetype == "application/atom+xml"
    entries = ET.fromstring(response.data).findall(f"{ATOM}entry")
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert entries[-1].find(f"{ATOM}title").text == "Balance hold"  # the oldest update


def test_undated_exercises_come_after_every_dated_one(copy_app, library_copy):
    for name in ("balance-hold", "split-squat-basic"):
        path = library_copy / "exercises" / f"{name}.md"
        path.write_text(
            "\n".join(
                line for line in path.read_text().split("\n") if not line.startswith("updated:")
            )
        )
    build_index_for(library_copy, copy_app.config["INDEX_PATH"])
    entries = ET.fromstring(copy_app.test_client().get("/feed.xml").data).findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert titles[-2:] == ["Balance hold", "Split squat basic"]  # undated, A to Z
    assert titles[:4] == sorted(titles[:4], key=titles.index)


def test_sitemap_lists_every_exercise(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locations = {u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")}
    assert "http://localhost/exercises/box-step" in locations
    assert "http://localhost/phases/advanced" in locations
    assert "http://localhost/guides/scheduling" in locations


def test_sitemap_lists_the_pages_that_are_not_content(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locations = {u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")}
    assert {"http://localhost/plan", "http://localhost/assessments"} <= locations


def test_robots_points_at_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /api/" in text and "Disallow: /session" in text
    assert "Disallow: /*?" not in text


CC_BY = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


def test_api_detail_links_the_figure_under_the_licence_of_the_text(client):
    body = client.get("/api/exercises/hinge-basic").get_json()
    assert body["license"] == CC_BY
    assert body["figure"] == {
        "url": "http://localhost/exercises/hinge-basic/figure.svg",
        "license": CC_BY,
    }


def test_the_figure_is_an_svg_file_with_its_licence(client):
    response = client.get("/exercises/hinge-basic/figure.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Link"] == f'<{CC_BY["url"]}>; rel="license"'
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Hinge basic, in 2 poses"
    assert "ETag" in response.headers


def test_the_figure_of_a_former_slug_redirects_and_an_unknown_one_is_404(client):
    response = client.get("/exercises/old-hinge/figure.svg")
    assert response.status_code == 301
    assert response.headers["Location"] == "/exercises/hinge-basic/figure.svg"
    assert client.get("/exercises/nope/figure.svg").status_code == 404
