"""The week planner's pages: /plan (form, plan, canonical addresses, htmx) and /plan.ics."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from exercise_library import ROOT, create_app
from exercise_library.content.build import build_index_for
from exercise_library.plan import DAY_KEYS
from exercise_library.planner import DAYS, PHASE_WEEKS, RUNS, SESSIONS_PER_WEEK

from .test_views import HTMX, soup

GUIDE_DAYS = "mon=easy&tue=quality&wed=easy&thu=easy&fri=rest&sat=long&sun=rest"
PLAN = f"/plan?week=1&{GUIDE_DAYS}"
DATED = f"{PLAN}&start=2025-06-02"
FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def cells(page, day: str) -> list[str]:
    """The plan table's strength cells for one weekday, one per stretch of weeks."""
    row = next(r for r in page.select(".plan-table tbody tr") if r.th.get_text() == day)
    return [td.get_text(" ", strip=True) for td in row.find_all("td")[1:]]


def events(response) -> list:
    return Calendar.from_ical(response.data).walk("VEVENT")


@pytest.fixture(scope="module")
def real_client(tmp_path_factory):
    """The real library, with its three programs."""
    index = tmp_path_factory.mktemp("real-plan") / "index.sqlite3"
    build_index_for(ROOT / "content", index)
    app = create_app({"TESTING": True, "CONTENT_DIR": ROOT / "content", "INDEX_PATH": index})
    return app.test_client()


def test_the_bare_page_is_the_form_with_the_example_week(client):
    page = soup(client.get("/plan"))
    assert page.select_one(".plan-result") is None
    assert page.select_one("input[name=tue][value=quality]").has_attr("checked")
    assert page.select_one("input[name=sat][value=long]").has_attr("checked")


def test_each_weekday_is_a_fieldset_of_labelled_radio_buttons(client):
    days = soup(client.get("/plan")).select("fieldset.day")
    assert [d.legend.get_text() for d in days] == list(DAYS)
    for day in days:
        assert len(day.select("input[type=radio]")) == len(RUNS)
        assert all(i.find_parent("label") for i in day.find_all("input"))


def test_the_form_is_a_plain_get_form_that_htmx_enhances(client):
    form = soup(client.get("/plan")).find("form", id="plan-form")
    assert (form["method"], form["action"]) == ("get", "/plan")
    assert form["data-hx-get"] == "/plan" and form["data-hx-target"] == "#plan-region"
    assert form["data-hx-push-url"] == "true"


def test_every_week_of_the_plan_can_be_chosen(client):
    options = soup(client.get("/plan")).select("#plan-week option")
    assert [o["value"] for o in options] == [str(n) for n in range(1, 13)]


def test_a_form_submission_redirects_to_the_clean_address(client):
    response = client.get(f"/plan?{GUIDE_DAYS}&am=fri&am=tue&week=5&start=&race=&tz=")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/plan?week=5&{GUIDE_DAYS}&am=tue"


def test_unknown_values_are_dropped(client):
    response = client.get(f"/plan?week=99&mon=sprint&{GUIDE_DAYS[9:]}&tz=Mars/Olympus&x=1")
    assert response.headers["Location"] == f"/plan?week=1&mon=rest&{GUIDE_DAYS[9:]}"


def test_a_phase_link_chooses_its_first_week(client):
    assert client.get("/plan?phase=advanced").headers["Location"] == "/plan?week=9"


def test_the_start_date_moves_to_its_monday(client):
    response = client.get(f"{PLAN}&start=2025-06-05")
    assert response.headers["Location"] == f"{PLAN}&start=2025-06-02"


def test_the_canonical_link_is_the_plan(client):
    page = soup(client.get(DATED))
    assert page.find("link", rel="canonical")["href"] == f"http://localhost{DATED}"
    assert page.select_one("#plan-link")["href"] == f"http://localhost{DATED}"


def test_the_plan_places_the_sessions_with_their_reasons(client):
    page = soup(client.get(PLAN))
    assert cells(page, "Wednesday")[0] == "Every session" and cells(page, "Sunday")[0]
    whys = [li.get_text(" ", strip=True) for li in page.select(".plan-why li")]
    assert (
        "Wednesday, every session: after Wednesday's easy run; Saturday's long run is 72 hours"
        " away." in whys
    )


def test_a_session_links_to_its_program(client):
    link = soup(client.get(PLAN)).select_one(".plan-table td a")
    assert link["href"] == "/phases/beginner#session-1"


def test_the_block_has_a_column_per_phase(client):
    headings = [th.get_text(" ", strip=True) for th in soup(client.get(PLAN)).select("thead th")]
    assert headings == ["Day", "Running", "Weeks 1-4, beginner", "Weeks 5-8, intermediate",
                        "Weeks 9-12, advanced"]  # fmt: skip


def test_a_phase_without_a_program_is_said_plainly(client):
    notes = [p.get_text() for p in soup(client.get(PLAN)).select(".plan-note")]
    assert any("intermediate program is not in the library yet" in note for note in notes)


def test_a_week_without_room_says_what_to_change(client):
    page = soup(client.get(f"/plan?week=1&{GUIDE_DAYS.replace('thu=easy', 'thu=quality')}"))
    changes = [li.get_text() for li in page.select(".plan-warning li")]
    assert changes[0] == "Run Tuesday's quality run in the morning and lift that evening."


def test_a_week_without_room_says_the_week_forced_it(client):
    page = soup(client.get("/plan?week=1&" + "&".join(f"{k}=quality" for k in DAY_KEYS)))
    warning = page.select_one(".plan-warning").get_text(" ", strip=True)
    assert "no room for 2 sessions that keep the 24-hour rule" in warning
    assert "do fewer sessions" in warning
    assert page.select(".plan-table .forced")


def test_peak_and_race_weeks_are_named(client):
    page = soup(client.get(f"{DATED}&race=2025-08-24"))
    headings = [th.get_text(" ", strip=True) for th in page.select("thead th")][-2:]
    assert headings == [
        "Week 11, advanced, peak 11 Aug to 17 Aug 2025",
        "Week 12, advanced, peak, race week 18 Aug to 24 Aug 2025",
    ]
    assert cells(page, "Sunday")[-1] == "Race"


@pytest.mark.parametrize(
    ("query", "note"),
    [
        (f"{PLAN}&race=2025-08-24", "needs the block's start date"),
        (f"{DATED}&race=2025-05-01", "before the block starts"),
    ],
)
def test_a_race_that_cannot_be_planned_is_explained(client, query, note):
    notes = " ".join(p.get_text() for p in soup(client.get(query)).select(".plan-note"))
    assert note in notes


def test_the_page_says_how_the_calendar_handles_time_zones(client):
    floating = soup(client.get(DATED)).select_one(".plan-share").get_text(" ", strip=True)
    assert "local time wherever the calendar is opened" in floating
    zoned = soup(client.get(f"{DATED}&tz=Europe/Paris")).select_one(".plan-share").get_text()
    assert "in Europe/Paris time" in zoned


def test_htmx_gets_the_fragment_and_the_clean_address(client):
    response = client.get(f"/plan?{GUIDE_DAYS}&week=1&race=", headers=HTMX)
    page = soup(response)
    assert response.status_code == 200 and page.find("html") is None
    assert page.select_one(".plan-result") is not None
    assert response.headers["HX-Push-Url"] == PLAN
    assert "HX-Request" in response.headers["Vary"]


def test_a_history_restore_gets_the_full_page(client):
    headers = {"HX-History-Restore-Request": "true", "HX-Request-Type": "full"}
    assert soup(client.get(PLAN, headers=headers)).find("html") is not None


def test_the_home_page_links_the_planner(client):
    assert soup(client.get("/")).find("a", href="/plan") is not None


@pytest.mark.parametrize("phase", ["beginner", "intermediate", "advanced"])
def test_each_phase_page_links_the_planner(client, phase):
    assert soup(client.get(f"/phases/{phase}")).find("a", href=f"/plan?phase={phase}")


def test_the_scheduling_guide_links_the_planner(real_client):
    page = soup(real_client.get("/guides/scheduling-strength-around-running"))
    assert page.select_one(".prose a[href='/plan']") is not None


# The calendar file.
def test_the_calendar_is_an_ics_file(client):
    response = client.get(f"/plan.ics?{DATED[6:]}")
    assert response.mimetype == "text/calendar"
    assert "strength-plan.ics" in response.headers["Content-Disposition"]


def test_the_calendar_has_every_session_of_the_block_on_its_date(client):
    found = events(client.get(f"/plan.ics?{DATED[6:]}"))
    starts = [e.decoded("dtstart") for e in found]
    assert len(found) == 4 * 2 + 4 * 2 + 4 * 3
    assert starts[:2] == [datetime(2025, 6, 4, 18), datetime(2025, 6, 8, 18)]  # floating


def test_a_time_zone_pins_the_sessions(client):
    calendar = Calendar.from_ical(client.get(f"/plan.ics?{DATED[6:]}&tz=Europe/Paris").data)
    start = calendar.walk("VEVENT")[0].decoded("dtstart")
    assert start.tzinfo.key == "Europe/Paris" and start.utcoffset().total_seconds() == 7200
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_utc_sessions_are_written_in_utc(client):
    start = events(client.get(f"/plan.ics?{DATED[6:]}&tz=UTC"))[0].decoded("dtstart")
    assert start.utcoffset().total_seconds() == 0 and start.hour == 18


def test_each_event_lists_the_exercises_and_their_doses(client):
    description = str(events(client.get(f"/plan.ics?{DATED[6:]}"))[0]["DESCRIPTION"])
    assert "- Balance hold: 3 x 30 s per leg." in description
    assert "- Hinge basic: 3 x 10 per leg." in description
    assert description.startswith("Week 1, beginner: after Wednesday's easy run")


def test_the_race_is_an_all_day_event_and_ends_the_block(client):
    found = events(client.get(f"/plan.ics?{DATED[6:]}&race=2025-06-22"))
    race = [e for e in found if e["SUMMARY"] == "Race day"]
    assert [e.decoded("dtstart") for e in race] == [date(2025, 6, 22)]
    assert max(e.decoded("dtstart") for e in found if e is not race[0]).date() < date(2025, 6, 21)


def test_peak_weeks_drop_to_two_sets(client):
    found = events(client.get(f"/plan.ics?{DATED[6:]}&race=2025-06-22"))
    peak = [str(e["DESCRIPTION"]) for e in found if "(peak)" in e["SUMMARY"]]
    assert peak and all("- Hinge basic: 2 x 10 per leg." in d for d in peak)


def test_a_calendar_needs_a_start_date(client):
    assert client.get(f"/plan.ics?{PLAN[6:]}").headers["Location"] == PLAN


def test_a_calendar_address_is_made_clean(client):
    response = client.get(f"/plan.ics?{DATED[6:]}&x=1")
    assert response.headers["Location"] == f"/plan.ics?{DATED[6:]}"


# The real library: its three programs.
@pytest.mark.parametrize("phase", sorted(PHASE_WEEKS))
def test_the_real_programs_agree_with_the_rules(real_client, phase):
    page = soup(real_client.get(f"/phases/{phase}"))
    sessions = page.select_one("#program-heading").get_text()
    assert sessions.endswith(f"{SESSIONS_PER_WEEK[phase]} sessions a week")
    weeks = page.select_one(".is-current .glance-weeks")["aria-label"]
    assert weeks.rstrip("+").endswith(f"weeks {PHASE_WEEKS[phase][0]}-{PHASE_WEEKS[phase][-1]}")


def test_the_advanced_program_follows_its_example_week(real_client):
    page = soup(real_client.get(f"/plan?week=9&{GUIDE_DAYS}&am=tue"))
    assert [cells(page, day)[0] for day in ("Tuesday", "Thursday", "Sunday")] == [
        "Maximum strength", "Power", "Strength-endurance",
    ]  # fmt: skip


def test_the_real_block_lists_each_phase_session(real_client):
    sessions = [p.a.get_text() for p in soup(real_client.get(PLAN)).select(".plan-session")]
    assert sessions == [
        "Beginner: Every session", "Intermediate: Hinge and split squat",
        "Intermediate: Knee control and step-up", "Advanced: Strength-endurance",
        "Advanced: Maximum strength", "Advanced: Power",
    ]  # fmt: skip


def test_the_real_peak_sessions_keep_their_loads_with_two_sets(real_client):
    query = f"week=9&{GUIDE_DAYS}&am=tue&start=2025-06-02&race=2025-06-22"
    found = events(real_client.get(f"/plan.ics?{query}"))
    heavy = next(str(e["DESCRIPTION"]) for e in found if "Maximum strength (peak)" in e["SUMMARY"])
    assert "- Barbell Bulgarian split squat: 2 x 5-6 per leg, tempo 2-1-2-1. A barbell" in heavy


# Properties: any week gives one plan at one address; no query string gives an error.
WEEKS = st.lists(st.sampled_from(sorted(RUNS)), min_size=7, max_size=7)


def _address(runs: list[str], mornings: list[bool], first: int) -> str:
    days = [(key, run) for key, run in zip(DAY_KEYS, runs, strict=True)]
    am = [
        ("am", key) for (key, run), on in zip(days, mornings, strict=True) if on and run != "rest"
    ]
    return "/plan?" + urlencode([("week", first), *days, *am, ("start", "2025-06-02")])


@FAST
@given(WEEKS, st.lists(st.booleans(), min_size=7, max_size=7), st.integers(1, 12))
def test_the_same_address_always_gives_the_same_plan(built_index, client, runs, mornings, first):
    address = _address(runs, mornings, first)
    again = create_app({"TESTING": True, "INDEX_PATH": built_index}).test_client()
    first_answer, second = client.get(address), again.get(address)
    assert first_answer.status_code == 200
    assert soup(first_answer).select_one("#plan-region") == soup(second).select_one("#plan-region")
    assert (
        client.get(address.replace("/plan?", "/plan.ics?")).data
        == again.get(address.replace("/plan?", "/plan.ics?")).data
    )


@FAST
@given(WEEKS, st.lists(st.booleans(), min_size=7, max_size=7), st.integers(1, 12))
def test_the_page_marks_every_session_the_week_forced(client, runs, mornings, first):
    page = soup(client.get(_address(runs, mornings, first)))
    morning = [on and run != "rest" for run, on in zip(runs, mornings, strict=True)]
    for n, row in enumerate(page.select(".plan-table tbody tr")):
        before_key = runs[(n + 1) % 7] in ("quality", "long")
        hard_evening_only = runs[n] in ("quality", "long") and not morning[n]
        for cell in row.find_all("td")[1:]:
            if cell.a and (before_key or hard_evening_only):
                assert "(forced)" in cell.get_text() and page.select_one(".plan-warning")


NAMES = st.sampled_from(["week", "phase", "start", "race", "tz", "am", *DAY_KEYS, "x"])
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["²", "٣", "0", "13", "2099-12-31", "2000-02-30", "9999-01-01", "UTC"]),
)


@FAST
@given(st.lists(st.tuples(NAMES, VALUES), max_size=10), st.sampled_from(["/plan", "/plan.ics"]))
def test_no_query_string_gives_an_error(client, pairs, path):
    response = client.get(f"{path}?{urlencode(pairs)}", follow_redirects=True)
    assert response.status_code == 200
