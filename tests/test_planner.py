"""The week planner's rules, one test each, their edge cases, and properties over random weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise_library.planner import (
    KEY_RUNS,
    NO_PROGRAM,
    PEAK_WEEKS,
    RUNS,
    SESSIONS_PER_WEEK,
    Day,
    phase_of,
    plan_block,
    plan_week,
    race_problem,
)

ADVANCED = ["Strength-endurance", "Maximum strength", "Power"]
MONDAY = date(2025, 6, 2)


def week(text: str) -> tuple[Day, ...]:
    """'easy quality* ...': Monday to Sunday, a star for a morning run."""
    return tuple(Day(run.rstrip("*"), run.endswith("*")) for run in text.split())


# The scheduling guide's example: intervals on Tuesday, a long run on Saturday.
GUIDE_WEEK = week("easy quality easy easy rest long rest")


def days(plan) -> list[int]:
    return [p.day for p in plan.placements]


@pytest.mark.parametrize("key", ["quality", "long"])
def test_no_session_on_the_day_before_a_key_run(key):
    assert days(plan_week(week(f"easy {key} easy easy easy easy easy"), ["A"])) == [2]


def test_no_session_on_the_day_before_the_race():
    plan = plan_week(week("easy easy easy easy easy easy easy"), ["A"] * 3, race=3)
    assert days(plan) == [0, 1] and plan.days == 3 and not plan.forced


def test_the_rule_only_looks_forward():
    plan = plan_week(week("rest quality rest rest rest rest rest"), ["A"])
    assert days(plan) == [2]  # the day after the quality run


def test_after_an_easy_run_comes_before_a_rest_day():
    assert days(plan_week(week("rest rest easy rest rest rest rest"), ["A"])) == [2]


def test_a_rest_day_comes_before_the_evening_of_a_hard_day():
    assert days(plan_week(week("quality* rest rest quality quality quality quality"), ["A"])) == [1]


def test_the_evening_of_a_hard_day_needs_a_morning_run():
    without = plan_week(week("long rest quality rest quality rest quality"), ["A"])
    assert without.placements[0].slot == "hard-day" and without.forced
    morning = plan_week(week("long rest quality* rest quality rest quality"), ["A"])
    assert morning.on(2).slot == "evening" and not morning.forced


def test_a_morning_hard_run_leaves_the_evening_for_strength():
    plan = plan_week(week("easy quality* easy quality easy long easy"), ["A", "A"])
    assert plan.on(1).why.startswith("in the evening, hours after Tuesday morning's quality run")


def test_sessions_are_not_back_to_back_when_the_week_allows():
    plan = plan_week(week("easy easy easy rest rest rest rest"), ["A", "A"])
    assert days(plan) == [0, 2]


def test_sunday_and_monday_count_as_back_to_back():
    # Monday and Sunday are the best slots here, but together they are consecutive days.
    assert days(plan_week(week("easy rest quality rest easy long easy"), ["A", "A"])) == [0, 3]


def test_the_guide_week_for_two_sessions():
    plan = plan_week(GUIDE_WEEK, ["Every session"] * 2)
    assert days(plan) == [2, 6]
    assert plan.on(2).why == "after Wednesday's easy run; Saturday's long run is 72 hours away"


def test_the_reason_names_the_next_key_run_and_its_distance():
    plan = plan_week(week("rest easy rest quality rest rest rest"), ["A"])
    assert plan.on(1).why == "after Tuesday's easy run; Thursday's quality run is 48 hours away"


def test_the_advanced_program_follows_its_own_example_week():
    plan = plan_week(week("easy quality* easy easy rest long rest"), ADVANCED)
    assert {p.day: p.session for p in plan.placements} == {
        1: "Maximum strength",  # the evening of the hardest day
        3: "Power",  # fresh legs: no hard run that day or the day before
        6: "Strength-endurance",  # copes with the long run's leftover fatigue
    }
    assert not plan.forced


@pytest.mark.parametrize(
    ("first", "phase"), [(1, "beginner"), (5, "intermediate"), (9, "advanced")]
)
def test_sessions_per_week_follow_the_phase(first, phase):
    block = plan_block(GUIDE_WEEK, first, {})
    assert {len(w.plan.placements) for w in block if w.phase == phase} == {SESSIONS_PER_WEEK[phase]}


def test_weeks_map_to_phases_and_go_on_in_the_advanced_phase():
    assert [phase_of(n) for n in (1, 4, 5, 8, 9, 12, 13, 20)] == [
        *["beginner"] * 2, *["intermediate"] * 2, *["advanced"] * 4,
    ]  # fmt: skip


def test_a_phase_without_a_program_gets_plain_sessions():
    block = plan_block(GUIDE_WEEK, 5, {"beginner": ["Every session"]})
    assert {p.session for p in block[0].plan.placements} == {NO_PROGRAM}


def test_the_block_runs_from_the_chosen_week_to_week_12():
    block = plan_block(GUIDE_WEEK, 5, {}, MONDAY)
    assert [w.number for w in block] == list(range(5, 13))
    assert block[-1].monday == MONDAY + timedelta(weeks=7)
    assert not any(w.peak for w in block)


def test_a_race_ends_the_block_and_its_last_two_weeks_are_peak():
    block = plan_block(GUIDE_WEEK, 1, {}, MONDAY, MONDAY + timedelta(weeks=5, days=6))
    assert [w.number for w in block] == [1, 2, 3, 4, 5, 6]
    assert [w.peak for w in block] == [False] * (6 - PEAK_WEEKS) + [True] * PEAK_WEEKS


def test_a_race_after_week_12_stretches_the_advanced_phase():
    block = plan_block(GUIDE_WEEK, 9, {}, MONDAY, MONDAY + timedelta(weeks=6, days=6))
    assert [(w.number, w.phase) for w in block][-1] == (15, "advanced")


def test_the_race_week_keeps_only_what_fits_before_the_race():
    block = plan_block(GUIDE_WEEK, 1, {}, MONDAY, MONDAY + timedelta(weeks=1, days=4))
    race_week = block[-1].plan  # a Friday race: Monday is before intervals, Thursday its eve
    assert race_week.days == 4 and days(race_week) == [2] and not race_week.forced


def test_race_tomorrow_leaves_no_session():
    block = plan_block(GUIDE_WEEK, 9, {}, MONDAY, MONDAY + timedelta(days=1))
    assert len(block) == 1 and block[0].plan.placements == () and block[0].peak


def test_a_monday_race_clears_the_sunday_before():
    block = plan_block(week("rest " * 7), 1, {}, MONDAY, MONDAY + timedelta(weeks=1))
    assert block[1].plan.placements == () and block[1].plan.days == 0
    assert 6 not in days(plan_week(week("rest " * 7), ["A"] * 7, race=7))


def test_every_day_quality_forces_every_session_and_says_so():
    plan = plan_week(week("quality " * 7), ["A", "A"])
    assert len(plan.placements) == 2 and all(p.forced for p in plan.placements)
    assert all("the week forced it" in p.why for p in plan.placements)
    assert plan.advice == ()  # no single change to the days makes room


def test_a_week_without_a_rest_day_can_still_fit():
    plan = plan_week(week("easy quality easy easy easy long easy"), ["A", "A"])
    assert not plan.forced and days(plan) == [2, 6]


def test_a_week_without_room_says_what_to_change():
    plan = plan_week(week("easy quality easy quality easy long easy"), ["A", "A"])
    assert plan.forced
    assert plan.advice[0] == "run Tuesday's quality run in the morning and lift that evening"
    assert "move Tuesday's quality run to Wednesday" in plan.advice


@pytest.mark.parametrize(
    ("start", "race", "problem"),
    [
        (MONDAY, None, None),
        (MONDAY, MONDAY + timedelta(days=40), None),
        (None, MONDAY, "needs the block's start date"),
        (MONDAY, MONDAY - timedelta(days=1), "before the block starts"),
        (MONDAY, MONDAY + timedelta(weeks=30), "more than 26 weeks"),
    ],
)
def test_race_dates_that_cannot_be_planned_are_explained(start, race, problem):
    found = race_problem(start, race)
    assert found is None if problem is None else problem in found


# Properties over random weeks.
DAYS = st.builds(Day, st.sampled_from(sorted(RUNS)), st.booleans()).map(
    lambda d: Day(d.run, d.morning and d.run != "rest")
)
WEEKS = st.tuples(*[DAYS] * 7)
PHASES = st.sampled_from(sorted(SESSIONS_PER_WEEK))


def _good_days(days_: tuple[Day, ...]) -> list[int]:
    """Days that break no rule: not before a key run, and a key day only with a morning run."""
    return [
        d
        for d, day in enumerate(days_)
        if days_[(d + 1) % 7].run not in KEY_RUNS and (day.run not in KEY_RUNS or day.morning)
    ]


@given(WEEKS, PHASES)
def test_the_number_of_sessions_matches_the_phase(days_, phase):
    plan = plan_week(days_, ["A"] * SESSIONS_PER_WEEK[phase])
    assert len(set(days(plan))) == SESSIONS_PER_WEEK[phase]


@given(WEEKS, PHASES)
def test_no_session_breaks_the_24_hour_rule_unless_the_week_forced_it(days_, phase):
    plan = plan_week(days_, ["A"] * SESSIONS_PER_WEEK[phase])
    for placement in plan.placements:
        if placement.day not in _good_days(days_):
            assert placement.forced and "the week forced it" in placement.why


@given(WEEKS, PHASES)
def test_a_week_is_forced_only_when_it_has_no_room(days_, phase):
    plan = plan_week(days_, ["A"] * SESSIONS_PER_WEEK[phase])
    assert plan.forced == (len(_good_days(days_)) < SESSIONS_PER_WEEK[phase])


@given(WEEKS, st.integers(1, 12), st.integers(0, 26 * 7 - 1))
def test_nothing_in_the_24_hours_before_the_race(days_, first, to_race):
    race = MONDAY + timedelta(days=to_race)
    for block_week in plan_block(days_, first, {}, MONDAY, race):
        for placement in block_week.plan.placements:
            assert block_week.date_of(placement) < race - timedelta(days=1)


@given(WEEKS, st.integers(1, 12))
def test_the_same_week_always_gives_the_same_plan(days_, first):
    assert plan_block(days_, first, {}, MONDAY) == plan_block(tuple(days_), first, {}, MONDAY)
