"""What coaches rely on: prescriptions in links, link previews, structured data, the API,
the feed and the sitemap."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from exercise_library.prescription import Prescription, clean_rx, clean_tempo

from .test_views import soup

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("3x8", "3 x 8"),
        ("4 × 8-10", "4 x 8-10"),
        ("3x30s", "3 x 30 s"),
        ("2 x 12 reps", "2 x 12"),
        ("3x0", None),
        ("x8", None),
        ("3x8; drop table", None),
        ("3x10-8", None),
    ],
)
def test_rx_accepts_only_sets_by_reps(raw, clean):
    assert clean_rx(raw) == clean


def test_tempo_accepts_digit_groups_only():
    assert clean_tempo("3-1-1") == "3-1-1"
    assert clean_tempo("3-0-x-1") == "3-0-X-1"
    assert clean_tempo("slow") is None and clean_tempo("3-1-1-1-1") is None


def test_text_is_cut_to_length_and_stripped_of_control_characters():
    from werkzeug.datastructures import MultiDict

    rx = Prescription.from_args(
        MultiDict({"load": "20 kg\x00\u202e dumbbell" + "x" * 100, "note": "n" * 1000})
    )
    assert rx.load.startswith("20 kg dumbbell") and len(rx.load) == 60
    assert len(rx.note) == 280


def test_prescription_box_shows_valid_values_and_drops_the_rest(client):
    page = soup(
        client.get(
            "/exercises/hinge-basic?rx=3x8&tempo=3-1-1&load=20+kg+dumbbell&note=Weaker+leg+first&tempo2=9"
        )
    )
    box = page.select_one("aside.prescription")
    assert box.h2.get_text() == "Your coach's prescription"
    values = dict(
        zip(
            [d.get_text() for d in box.find_all("dt")],
            [d.get_text() for d in box.find_all("dd")],
            strict=True,
        )
    )
    assert values == {
        "Sets x reps": "3 x 8 per leg",
        "Tempo": "3-1-1",
        "Load": "20 kg dumbbell",
        "Note": "Weaker leg first",
    }
    assert "came with the link you opened" in box.get_text()


def test_invalid_prescription_values_are_dropped_without_an_error(client):
    response = client.get("/exercises/hinge-basic?rx=lots&tempo=<b>")
    assert response.status_code == 200
    assert soup(response).select_one("aside.prescription") is None


def test_prescription_note_is_escaped(client):
    html = client.get("/exercises/hinge-basic?note=<script>alert(1)</script>").get_data(
        as_text=True
    )
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_no_prescription_no_box(client):
    assert soup(client.get("/exercises/hinge-basic")).select_one("aside.prescription") is None


def test_link_preview_meta_and_canonical(client):
    page = soup(client.get("/exercises/hinge-basic?rx=3x8"))
    canonical = page.find("link", rel="canonical")["href"]
    assert canonical == "http://localhost/exercises/hinge-basic"
    meta = {
        m.get("property") or m.get("name"): m["content"]
        for m in page.find_all("meta")
        if m.get("content")
    }
    assert meta["og:title"].startswith("Hinge basic")
    assert meta["og:description"] == "Hinge on one leg with no load."
    assert meta["og:url"] == canonical and meta["og:type"] == "article"
    assert meta["twitter:card"] == "summary"


def test_library_canonical_keeps_only_the_filters(client):
    page = soup(client.get("/exercises?equipment=none&phase=beginner", follow_redirects=True))
    assert (
        page.find("link", rel="canonical")["href"]
        == "http://localhost/exercises?phase=beginner&equipment=none"
    )


def test_site_url_setting_is_used_for_absolute_links(built_index):
    from exercise_library import create_app

    from .conftest import LIBRARY

    app = create_app(
        {
            "TESTING": True,
            "CONTENT_DIR": LIBRARY,
            "INDEX_PATH": built_index,
            "AUTO_BUILD_INDEX": False,
            "SITE_URL": "https://legs.example",
        }
    )
    page = soup(app.test_client().get("/exercises/hinge-basic"))
    assert (
        page.find("link", rel="canonical")["href"] == "https://legs.example/exercises/hinge-basic"
    )


def test_exercise_json_ld_is_a_how_to(client):
    page = soup(client.get("/exercises/rear-foot-squat"))
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "HowTo" and data["name"] == "Rear-foot squat"
    assert data["alternateName"] == ["RFESS"]
    assert data["step"][0]["text"] == "Set up for the rear-foot squat."


def test_print_qr_code_points_back_to_the_page(client):
    page = soup(client.get("/exercises/hinge-basic?rx=3x8"))
    figure = page.select_one("figure.print-qr")
    assert figure.find("svg")["role"] == "img"
    assert "http://localhost/exercises/hinge-basic" in figure.figcaption.get_text()


def test_each_link_to_a_kept_exercise_page_shows_its_own_prescription(client):
    """The page is kept once per exercise; the prescription and the QR code are each
    link's own, every time."""
    pages = [
        soup(client.get(f"/exercises/hinge-basic{query}"))
        for query in ("?rx=3x8&note=first", "?rx=4x6&note=second", "", "?rx=3x8&note=first")
    ]
    boxes = [page.select_one("aside.prescription") for page in pages]
    assert "first" in boxes[0].get_text() and "3 x 8" in boxes[0].get_text()
    assert "second" in boxes[1].get_text() and "4 x 6" in boxes[1].get_text()
    assert boxes[2] is None
    codes = [str(page.select_one("figure.print-qr svg")) for page in pages]
    assert len({codes[0], codes[1], codes[2]}) == 3 and codes[3] == codes[0]


def test_a_page_whose_holes_do_not_come_out_is_rendered_whole(client, monkeypatch):
    """If the hole mark ever met the page's own markup, the page is rendered whole for each
    link instead of kept with misplaced parts."""
    from exercise_library import views

    monkeypatch.setattr(views, "_HOLE", "<")  # a mark every page is full of
    for rx, shown in (("3x8", "3 x 8"), ("4x6", "4 x 6")):
        page = soup(client.get(f"/exercises/hinge-basic?rx={rx}"))
        assert shown in page.select_one("aside.prescription").get_text()
        assert page.select_one("h1").get_text() == "Hinge basic"


def test_print_qr_caption_carries_the_mount_point(client):
    page = soup(client.get("/exercises/hinge-basic", base_url="http://legs.example/mount"))
    caption = page.select_one("figure.print-qr figcaption").get_text()
    assert "http://legs.example/mount/exercises/hinge-basic" in caption


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


def test_sitemap_lists_every_exercise(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locations = {u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")}
    assert "http://localhost/exercises/box-step" in locations
    assert "http://localhost/phases/advanced" in locations
    assert "http://localhost/guides/scheduling" in locations


def test_robots_points_at_the_sitemap(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in text
    assert "Disallow: /api/" in text and "Disallow: /session" in text
    assert "Disallow: /*?" not in text
