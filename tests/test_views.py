"""Pages through Flask's test client; HTML is asserted by parsing it."""

from __future__ import annotations

import struct

import pytest
from bs4 import BeautifulSoup
from flask import request

from exercise_library import create_app, search
from exercise_library.content.build import build_index_for

HTMX = {"HX-Request": "true"}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def result_slugs(response) -> list[str]:
    return [a["href"].rsplit("/", 1)[-1] for a in soup(response).select(".cards .card-title a")]


def test_home_links_the_three_phases(client):
    page = soup(client.get("/"))
    links = {a["href"] for a in page.select(".phase-card h3 a")}
    assert links == {"/phases/beginner", "/phases/intermediate", "/phases/advanced"}


def test_library_full_page_wraps_the_fragment(client):
    response = client.get("/exercises")
    page = soup(response)
    assert page.find("html") is not None
    form = page.find("form", id="filters")
    assert form["method"] == "get" and form["action"] == "/exercises"
    assert form.select_one("#results-region .library") is not None
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_request_gets_only_the_fragment(client):
    response = client.get("/exercises?phase=beginner", headers=HTMX)
    page = soup(response)
    assert page.find("html") is None and page.find("form") is None
    assert page.select_one(".library") is not None
    assert "HX-Request" in response.headers["Vary"]
    assert result_slugs(response) == result_slugs(client.get("/exercises?phase=beginner"))


def test_history_restore_gets_the_full_page(client):
    headers = {"HX-History-Restore-Request": "true", "HX-Request-Type": "full"}
    assert soup(client.get("/exercises?phase=beginner", headers=headers)).find("html") is not None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("phase=advanced", ["loaded-hinge"]),
        ("equipment=bench", ["rear-foot-squat"]),
        ("muscle=glute-med", ["balance-hold"]),
        ("phase=beginner&equipment=none&muscle=quadriceps", ["split-squat-basic"]),
        ("equipment=bench&equipment=box", ["box-step", "rear-foot-squat"]),
        ("q=RFESS", ["rear-foot-squat"]),
        ("q=hip+hinge+drill", ["hinge-basic"]),
        (
            "phase=intermediate&sort=title",
            ["box-step", "hinge-basic", "loaded-hinge", "rear-foot-squat"],
        ),
    ],
)
def test_filters(client, query, expected):
    assert result_slugs(client.get(f"/exercises?{query}")) == expected


def test_facet_counts_and_checked_state_are_rendered(client):
    page = soup(client.get("/exercises?phase=beginner&equipment=none"))
    beginner = page.find("input", id="phase-beginner")
    assert beginner.has_attr("checked")
    assert not page.find("input", id="phase-intermediate").has_attr("checked")
    label = page.find("label", attrs={"for": "equipment-box"})
    assert label.select_one(".count").get_text() == "(1 result)"
    label = page.find("label", attrs={"for": "phase-beginner"})
    assert label.select_one(".count").get_text() == "(3 results)"
    assert page.find(id="result-count").get_text(" ", strip=True) == "3 exercises"


def test_every_page_shows_the_facet_counts_its_own_query_gives(app, client):
    for query in ("phase=beginner", "phase=advanced", "q=hinge", "phase=beginner"):
        page = soup(client.get(f"/exercises?{query}"))
        with app.test_request_context(f"/exercises?{query}"):
            terms = search.known_terms()
            filters = search.parse_filters(request.args, terms)
            expected = {
                f"{facet}-{value.term.slug}": (value.count, value.selected)
                for facet, values in search.search(filters, terms).facets.items()
                for value in values
            }
        shown = {
            box["id"]: (
                int(
                    page.find("label", attrs={"for": box["id"]})
                    .select_one(".count")
                    .contents[0][1:]
                ),
                box.has_attr("checked"),
            )
            for box in page.select(".facet input[type=checkbox]")
        }
        assert shown == expected, query


def test_chip_removes_one_value_and_keeps_the_rest(client):
    page = soup(client.get("/exercises?phase=beginner&equipment=none&q=hinge"))
    chip = page.find("a", id="remove-phase-beginner")
    assert chip["href"] == "/exercises?equipment=none&q=hinge"
    assert chip["data-hx-get"] == chip["href"]


def _ways_out(client, query: str) -> tuple[str, dict[str, str]]:
    """The empty list's text and its links (text: address)."""
    empty = soup(client.get(f"/exercises?{query}")).select_one(".empty")
    links = {" ".join(a.get_text().split()): a["href"] for a in empty.find_all("a")}
    return " ".join(empty.get_text().split()), links


def test_filters_that_exclude_everything_can_each_be_dropped(client):
    text, links = _ways_out(client, "phase=advanced&equipment=box")
    assert "No exercise has all of these filters." in text
    assert links == {
        "Phase: Advanced": "/exercises?equipment=box",
        "Equipment: Box or step": "/exercises?phase=advanced",
        "Browse all exercises": "/exercises",
    }


def test_a_word_found_nowhere_is_named_without_blaming_filters(client):
    text, links = _ways_out(client, "q=zzyzx")
    assert "No exercise has the word “zzyzx”." in text
    assert "filter" not in text.lower()
    assert set(links) == {"Clear the search", "Browse all exercises"}


def test_an_unclear_misspelling_is_offered_not_searched(client):
    # "jount" is one letter from both "joint" and "count", each in as many exercises.
    text, links = _ways_out(client, "q=jount")
    assert "No exercise has the word “jount”. Did you mean count?" in text
    assert links["count"] == "/exercises?q=count"


def test_a_clear_misspelling_is_searched_and_said_so(client):
    page = soup(client.get("/exercises?q=hinje"))
    assert " ".join(page.select_one(".search-note").get_text().split()) == (
        "No exercise has the word “hinje”, so these are the results for “hinge”."
    )
    assert len(page.select("#results-list .card")) == 2


def test_words_that_the_filters_exclude_offer_the_search_without_them(client):
    text, links = _ways_out(client, "phase=beginner&q=rfess")
    assert "“rfess” finds 1 exercise in the whole library, but none with these filters" in text
    assert links["search without the filters"] == "/exercises?q=rfess"
    assert links["Clear the search"] == "/exercises?phase=beginner"
    assert "Clear the search, keeping the filters." in text


@pytest.mark.parametrize(
    "query",
    [
        "phase=expert",
        "phase=",
        "equipment=%00",
        "q=" + "a" * 5000,
        'q="unbalanced AND (',
        "q=%F0%9F%8F%83",
        "sort=;DROP TABLE exercise",
        "muscle[]=x&phase=beginner&phase=beginner",
    ],
)
def test_odd_parameters_never_cause_an_error(client, query):
    response = client.get(f"/exercises?{query}", follow_redirects=True)
    assert response.status_code == 200
    assert soup(response).select_one("#result-count") is not None


def test_a_form_submission_redirects_to_the_clean_address(client):
    response = client.get("/exercises?q=&phase=beginner&equipment=none&sort=level")
    assert response.status_code == 302
    assert response.headers["Location"] == "/exercises?phase=beginner&equipment=none"


def test_htmx_pushes_the_clean_address(client):
    response = client.get("/exercises?q=&phase=beginner&sort=level", headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == "/exercises?phase=beginner"


def test_search_text_is_escaped(client):
    html = client.get("/exercises?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_exercise_page_has_every_section_anchor(client):
    page = soup(client.get("/exercises/hinge-basic"))
    ids = {tag["id"] for tag in page.find_all(id=True)}
    assert {"how-to", "cues", "mistakes", "why", "safety", "dosage", "progressions"} <= ids
    assert "cue-grip-the-floor-with-the-whole-foot" in ids
    assert "mistake-knee-caves-in" in ids


def test_exercise_page_links_the_ladder_with_criteria(client):
    page = soup(client.get("/exercises/hinge-basic"))
    harder = page.select_one("#harder li")
    assert harder.a["href"] == "/exercises/loaded-hinge"
    assert "3 x 12 with level hips" in harder.get_text()
    easier = page.select_one("#regressions li")
    assert easier.a["href"] == "/exercises/balance-hold"


def test_exercise_page_shows_dosage_per_phase(client):
    rows = soup(client.get("/exercises/hinge-basic")).select("table.dosage tbody tr")
    cells = [[c.get_text(" ", strip=True) for c in row.find_all(["th", "td"])] for row in rows]
    assert cells[0][0].startswith("Beginner") and cells[0][1] == "3 x 10 per leg"
    assert cells[1][1] == "4 x 8-10 per leg" and cells[1][2] == "2-1-2-1"


def test_former_slug_redirects_permanently_keeping_the_query(client):
    response = client.get("/exercises/old-hinge?rx=3x8")
    assert response.status_code == 301
    assert response.headers["Location"] == "/exercises/hinge-basic?rx=3x8"


@pytest.mark.parametrize(
    "path",
    [
        "/exercises/no-such-thing",
        "/exercises/Bad_Slug",
        "/phases/expert",
        "/guides/nope",
        "/muscles/..%2f..%2fetc",
    ],
)
def test_unknown_pages_are_404_with_a_search_form(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert soup(response).find("form", attrs={"action": "/exercises"}) is not None


def test_a_mistyped_exercise_address_offers_the_exercise_meant(client):
    response = client.get("/exercises/hinge-basik")
    page = soup(response)
    assert response.status_code == 404
    assert page.select_one(".search-note a")["href"] == "/exercises/hinge-basic"
    assert page.find("input", id="notfound-q")["value"] == "hinge basic"


def test_a_wrong_address_prefills_a_search_that_finds_something(client):
    page = soup(client.get("/exercises/sqaut-split"))
    assert page.select_one(".search-note") is None  # no exercise is that near
    q = page.find("input", id="notfound-q")["value"]
    assert q == "squat split"
    assert soup(client.get(f"/exercises?q={q}")).select("#results-list .card")


@pytest.mark.parametrize(
    "path", ["/phases/beginner", "/equipment/box", "/muscles/core", "/families/hinge"]
)
def test_term_pages_list_their_exercises(client, path):
    page = soup(client.get(path))
    assert page.select(".cards .card")
    route, slug = path.split("/")[1:]
    facet = {"phases": "phase", "equipment": "equipment", "muscles": "muscle"}.get(route)
    # Families are not a filter of the library, so no link pretends to filter by one.
    link = page.find("a", string="Filter these in the library")
    assert (link["href"] if link else None) == (f"/exercises?{facet}={slug}" if facet else None)


def test_phase_page_shows_its_program(client):
    page = soup(client.get("/phases/beginner"))
    rows = page.select(".program tbody tr")
    assert [r.a["href"] for r in rows] == ["/exercises/balance-hold", "/exercises/hinge-basic"]
    assert rows[0].find_all("td")[0].get_text() == "3 x 30 s per leg"


def test_guides_and_assessments(client):
    assert soup(client.get("/guides")).find("a", href="/guides/scheduling")
    assert "24 hours" in client.get("/guides/scheduling").get_data(as_text=True)
    table = soup(client.get("/assessments")).select_one("table.assessments tbody tr")
    assert [c.get_text(strip=True) for c in table.find_all(["th", "td"])] == [
        "Balance test",
        "30 seconds",
        "60 seconds",
    ]


def test_assessments_show_tries_side_to_side_targets_and_running_signs(client):
    page = soup(client.get("/assessments"))
    tries = [p.get_text(" ", strip=True) for p in page.select("section.assessment .tries")]
    assert tries == [
        "Tries: the best of 3 on each leg, resting between tries, weaker leg first.",
        "Tries: one on each leg, weaker leg first.",
    ]
    assert page.select_one("#balance .symmetry") is None
    symmetry = page.select_one("#hop .symmetry")
    assert "Target: about 90% or more." in symmetry.get_text()
    assert symmetry.em.get_text() == "rough"
    # 179 / 200 is 89.5%: rounded down, so it does not pass for 90.
    example = page.select_one("#hop .symmetry-example").get_text(" ", strip=True)
    assert "179 ÷ 200 × 100 = 89% , short of the target." in example
    signs = page.select_one("#running-signs")
    assert signs.h2.get_text() == "Signs in your running"
    assert signs.p.strong.get_text() == "running"
    assert [li.get_text() for li in signs.select("li")] == [
        "Faster at the same effort.",
        "Stronger uphill.",
    ]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_only_get_and_head_are_allowed(client, method):
    response = client.open("/exercises", method=method)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_every_page_carries_a_strict_policy(client):
    for path in ["/", "/exercises", "/exercises/hinge-basic", "/nope"]:
        headers = client.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert (
            "script-src 'self'" in policy
            and "unsafe-inline" not in policy
            and "unsafe-eval" not in policy
        )
        assert "frame-ancestors 'none'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_every_page_carries_the_medical_disclaimer(client):
    for path in ["/", "/exercises/hinge-basic", "/nope"]:
        assert "Not medical advice" in soup(client.get(path)).find("footer").get_text()


def test_a_missing_index_is_a_503_that_recovers(library_copy, tmp_path):
    index = tmp_path / "none-yet.sqlite3"
    client = create_app(
        {"TESTING": True, "CONTENT_DIR": library_copy, "INDEX_PATH": index}
    ).test_client()
    response = client.get("/exercises")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "temporarily unavailable" in response.get_data(as_text=True)
    build_index_for(library_copy, index)
    assert client.get("/exercises").status_code == 200


def test_an_index_deleted_while_serving_is_still_served(copy_app):
    client = copy_app.test_client()
    assert client.get("/exercises").status_code == 200
    copy_app.config["INDEX_PATH"].unlink()
    assert client.get("/exercises?phase=beginner").status_code == 200


def test_a_file_that_is_not_an_index_is_never_switched_to(copy_app):
    client = copy_app.test_client()
    assert client.get("/exercises").status_code == 200
    index = copy_app.config["INDEX_PATH"]
    broken = index.with_name("broken.sqlite3")
    broken.write_bytes(b"not a database" * 1000)
    broken.replace(index)  # a new file in its place, as a botched copy would leave it
    assert client.get("/exercises?phase=advanced").status_code == 200


def test_a_new_index_is_served_without_a_restart(copy_app, library_copy):
    client = copy_app.test_client()
    assert "Box step" in client.get("/exercises").get_data(as_text=True)
    step = library_copy / "exercises" / "box-step.md"
    step.write_text(step.read_text().replace("title: Box step", "title: Box step-up"))
    build_index_for(library_copy, copy_app.config["INDEX_PATH"])
    assert "Box step-up" in client.get("/exercises").get_data(as_text=True)


def test_static_files_are_served(client):
    with client.get("/static/vendor/htmx-4.0.1.min.js") as response:
        assert response.status_code == 200
        assert b"htmx" in response.data


def test_exercise_body_map_highlights_primary_and_secondary(client):
    page = soup(client.get("/exercises/rear-foot-squat"))
    body_map = page.select_one(".exercise-map svg")
    assert body_map["role"] == "img"

    def muscles(state: str) -> set[str]:
        groups = body_map.select(f".bm-muscle.{state}")
        return {c for g in groups for c in g["class"] if c.startswith("bm-m-")}

    assert muscles("is-primary") == {"bm-m-quadriceps", "bm-m-glute-max"}
    assert muscles("is-secondary") == {"bm-m-core"}
    assert "Quadriceps" in body_map.find("desc").get_text()


def test_library_body_map_links_toggle_one_muscle_keeping_the_rest(client):
    page = soup(client.get("/exercises?phase=beginner&muscle=core"))
    core = page.select_one("a.bm-m-core")
    assert core["href"] == "/exercises?phase=beginner"
    assert core["aria-current"] == "true"
    glutes = page.select_one("a.bm-m-glute-med")
    assert glutes["href"] == "/exercises?phase=beginner&muscle=glute-med&muscle=core"
    assert glutes["data-hx-get"] == glutes["href"]


def test_the_body_map_links_carry_the_search_text(client):
    for q in ("hip", "knee", "hip"):
        page = soup(client.get(f"/exercises?muscle=core&q={q}"))
        assert page.select_one("a.bm-m-core")["href"] == f"/exercises?q={q}"
        glutes = page.select_one("a.bm-m-glute-med")
        assert (
            glutes["href"]
            == glutes["data-hx-get"]
            == f"/exercises?muscle=glute-med&muscle=core&q={q}"
        )
        assert client.get(glutes["href"]).status_code == 200


def test_long_results_are_paged_with_plain_links(client, monkeypatch):
    monkeypatch.setattr("exercise_library.search.PAGE_SIZE", 4)
    first = soup(client.get("/exercises?muscle=glute-max"))
    assert len(first.select(".cards .card")) == 4
    assert first.find(id="result-count").get_text(" ", strip=True) == "5 exercises"
    assert first.find("a", rel="next")["href"] == "/exercises?muscle=glute-max&page=2"
    more = first.select_one("#load-more a")
    assert more["data-hx-get"] == more["href"] == "/exercises?muscle=glute-max&page=2"
    assert more["data-hx-select"] == "#results-list > li"
    second = soup(client.get("/exercises?muscle=glute-max&page=2"))
    assert len(second.select(".cards .card")) == 1
    assert second.select_one("#results-list")["start"] == "5"
    assert second.find("a", rel="prev")["href"] == "/exercises?muscle=glute-max"
    assert second.select_one("#load-more") is None


def test_changing_a_filter_returns_to_the_first_page(client, monkeypatch):
    monkeypatch.setattr("exercise_library.search.PAGE_SIZE", 4)
    page = soup(client.get("/exercises?muscle=glute-max&page=2"))
    assert "page=" not in page.find("a", id="remove-muscle-glute-max")["href"]


def test_an_impossible_page_falls_back_to_the_first(client):
    response = client.get("/exercises?page=-3", follow_redirects=True)
    assert response.status_code == 200 and response.request.path == "/exercises"


def test_exercise_page_draws_its_ladder(client):
    rungs = soup(client.get("/exercises/hinge-basic")).select(".ladder-diagram > ol > li")
    assert [r.select_one(".rung-label").get_text() for r in rungs] == [
        "Easier",
        "This exercise",
        "Harder",
    ]
    assert rungs[0].a["href"] == "/exercises/balance-hold"
    assert rungs[1]["aria-current"] == "step"
    assert rungs[2].a["href"] == "/exercises/loaded-hinge"


def test_phase_page_shows_the_weeks_at_a_glance(client):
    glance = soup(client.get("/phases/intermediate")).select_one(".weeks-glance")
    current = glance.select_one(".is-current")
    assert current.select_one(".glance-label").get_text() == "Intermediate"
    assert [li.get_text() for li in current.select(".glance-weeks li")] == ["5", "6", "7", "8"]
    advanced = glance.select(".glance-phase")[2]
    assert [li.get_text() for li in advanced.select(".glance-weeks li")][-1] == "12+"


def test_pages_link_an_icon_and_a_manifest(client):
    page = soup(client.get("/"))
    with client.get(page.find("link", rel="manifest")["href"]) as response:
        assert response.status_code == 200
        icons = response.get_json(force=True)["icons"]
    # The manifest names its icons by their lasting addresses, each of the size and type it
    # says; the page links a fingerprinted copy of the SVG.
    assert {(i["sizes"], i["purpose"]) for i in icons} >= {
        ("192x192", "any"),
        ("512x512", "maskable"),
    }
    for icon in icons:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200 and response.mimetype == icon["type"]
            if icon["type"] == "image/png":
                width, height = struct.unpack(">II", response.data[16:24])
                assert f"{width}x{height}" == icon["sizes"]
    with client.get(page.find("link", rel="icon")["href"]) as response:
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_a_server_error_is_a_designed_500_page(built_index):
    from exercise_library import create_app

    from .conftest import LIBRARY

    app = create_app(
        {
            "TESTING": False,
            "CONTENT_DIR": LIBRARY,
            "INDEX_PATH": built_index,
        }
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = soup(response)
    assert page.h1.get_text() == "Something went wrong"
    assert page.find("footer") is not None and "a bug" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/exercises",
        "/exercises/hinge-basic",
        "/phases/beginner",
        "/session?e1=box-step",
        "/session/new",
        "/nope",
    ],
)
def test_no_page_asks_another_origin_for_anything(client, path):
    page = soup(client.get(path))
    for tag, attribute in (
        ("script", "src"),
        ("link", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("source", "src"),
    ):
        for element in page.find_all(tag):
            value = element.get(attribute, "")
            if tag == "link" and element.get("rel") in (["canonical"], ["alternate"]):
                continue  # a link to this site's own address, not a request
            assert not value.startswith(("http:", "https:", "//")), (tag, value)
    assert "@import" not in (page.find("style").get_text() if page.find("style") else "")


def test_the_navigation_marks_the_page_shown(client):
    # The header is rendered once per page kind and kept; each kind must get its own.
    expected = {
        "/exercises": "Exercises",
        "/exercises/hinge-basic": "Exercises",
        "/guides": "Guides",
        "/assessments": "Assessments",
        "/phases/beginner": "Programs",
        "/": None,
    }
    for path, current in expected.items():
        nav = soup(client.get(path)).select_one("nav[aria-label=Main]")
        marked = [a.get_text(strip=True) for a in nav.select("a[aria-current=page]")]
        assert marked == ([current] if current else []), path


def test_an_unclean_address_is_redirected_however_often_its_clean_twin_was_asked_for(client):
    for _ in range(3):
        assert client.get("/exercises?phase=beginner").status_code == 200
    response = client.get("/exercises?phase=beginner&equipment=")
    assert response.status_code == 302
    assert response.headers["Location"] == "/exercises?phase=beginner"


def test_exercise_page_shows_its_figure_under_the_title(client):
    page = soup(client.get("/exercises/hinge-basic"))
    # Under the title (and the prescription, when a link brings one): the intro starts with it.
    figure = page.select_one(".exercise-header + .exercise-intro > figure.exercise-figure svg.fig")
    assert figure["role"] == "img" and figure["aria-labelledby"] == "fig-title fig-desc"
    assert len(figure.select(".fig-frame")) == 2


def test_every_page_states_the_licence_of_the_text_and_figures(client):
    link = soup(client.get("/")).select_one("footer a[rel=license]")
    assert link["href"] == "https://creativecommons.org/licenses/by/4.0/"


def test_a_value_that_names_nothing_is_said_to_be_left_out(client):
    response = client.get("/exercises?phase=expert&equipment=box")
    assert response.status_code == 200  # not redirected: the note needs the address
    note = " ".join(soup(response).select_one("#unknown-values").get_text().split())
    assert note == (
        "“expert” is not a phase here, so it was left out: these are the results without it."
    )
    assert soup(response).find("link", rel="canonical")["href"].endswith("/exercises?equipment=box")


def test_a_page_past_the_end_is_a_404_that_links_the_last_page(client, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    response = client.get("/exercises?page=999")
    assert response.status_code == 404
    assert soup(response).select_one(".search-note a")["href"] == "/exercises?page=3"


def test_term_pages_are_paged_like_the_library(client, monkeypatch):
    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    first = soup(client.get("/phases/beginner"))
    assert first.find("h2", id="term-exercises").get_text() == "4 exercises for this phase"
    assert len(first.select("#term-list .card")) == 2
    assert first.select_one("#load-more a")["href"] == "/phases/beginner?page=2"
    second = soup(client.get("/phases/beginner?page=2"))
    assert second.find("a", rel="prev")["href"] == "/phases/beginner"
    assert client.get("/phases/beginner?page=3").status_code == 404


def test_a_choice_that_would_give_nothing_cannot_be_ticked(client):
    page = soup(client.get("/exercises?phase=advanced"))
    assert page.find("input", id="equipment-none").has_attr("disabled")
    assert not page.find("input", id="phase-beginner").has_attr("disabled")


def test_the_dose_hint_follows_per_leg(copy_app, library_copy):
    path = library_copy / "exercises" / "balance-hold.md"
    path.write_text(
        path.read_text().replace("    reps: 10\n", "    reps: 10\n    per_leg: false\n", 1)
    )
    build_index_for(library_copy, copy_app.config["INDEX_PATH"])
    client = copy_app.test_client()
    hint = soup(client.get("/exercises/balance-hold")).select_one("#dosage ~ .hint, .section .hint")
    assert hint.get_text().startswith("The count is for the whole set")
    other = soup(client.get("/exercises/box-step")).select_one(".section .hint")
    assert other.get_text().startswith("Start with your weaker leg")
