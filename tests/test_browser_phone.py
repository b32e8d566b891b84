"""The site on a phone and with a keyboard, in a real Chromium: what comes first on a small
screen, what fits in 360 px, where focus goes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    yield context.new_page()
    context.close()


def _top(page: Page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_on_a_phone_the_prescription_and_steps_come_before_the_body_map(phone, real_site):
    phone.goto(f"{real_site}/exercises/single-leg-rdl?rx=3x8&note=Weaker+leg+first")
    prescription, steps = _top(phone, ".prescription"), _top(phone, ".section-how-to")
    assert prescription < steps < _top(phone, ".exercise-map")
    assert prescription < PHONE["height"], "the coach's prescription is on the first screen"


def test_on_a_wide_screen_the_body_map_stands_beside_the_title(page: Page, real_site):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{real_site}/exercises/single-leg-rdl")
    title, body_map = (
        page.locator("h1").bounding_box(),
        page.locator(".exercise-map").bounding_box(),
    )
    assert body_map["x"] > title["x"] + title["width"]
    assert body_map["y"] < _top(page, ".section-how-to")


@pytest.mark.parametrize("path", ["/", "/exercises", "/exercises/single-leg-rdl", "/session/new"])
def test_the_header_is_one_row_on_a_phone(phone, real_site, path):
    phone.goto(real_site + path)
    tops = {
        round(box["y"])
        for box in (a.bounding_box() for a in phone.locator(".nav-list a").all())
        if box
    }
    brand = phone.locator(".brand").bounding_box()
    assert len(tops) == 1
    assert phone.locator(".site-header").bounding_box()["height"] < 70
    assert brand["height"] < 60


@pytest.mark.parametrize(
    "path",
    [
        "/exercises/bulgarian-split-squat",
        "/phases/intermediate",
        "/phases/advanced",
        "/assessments",
    ],
)
def test_pages_and_their_tables_fit_360_pixels(browser, real_site, path):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(real_site + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('table')]
            .filter(t => t.getBoundingClientRect().right > 360 + 0.5)
            .map(t => t.className || t.parentElement.className)"""
    )
    assert overflowing == []
    context.close()


def test_on_a_phone_the_results_come_first_and_the_panel_shows_them(phone, real_site):
    phone.goto(f"{real_site}/exercises")
    assert _top(phone, ".cards .card") < PHONE["height"]
    phone.click(".facet-panel > summary")
    phone.check("#phase-advanced")
    show = phone.locator(".show-results")
    expect(show).to_have_text(re.compile(r"Show \d+ results"))
    expect(show).to_be_in_viewport()
    count = int(re.search(r"\d+", show.inner_text()).group())
    show.click()
    expect(phone.locator("details.facet-panel")).not_to_have_attribute("open", "")
    expect(phone.locator("#results")).to_be_focused()
    expect(phone.locator("#result-count")).to_have_text(re.compile(rf"^\s*{count} exercises"))


def test_a_skip_link_reaches_the_results_in_two_keys(page: Page, real_site):
    page.goto(f"{real_site}/exercises")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link").first).to_be_focused()
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link", has_text="Skip to results")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#results') !== null")


def test_focus_stays_on_the_body_map_muscle_used(page: Page, real_site):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{real_site}/exercises")
    muscle = page.locator("#filtermap-calves")
    expect(muscle).to_have_attribute("aria-label", "Calves: add filter")
    muscle.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"muscle=calves"))
    expect(page.locator("#filtermap-calves")).to_have_attribute(
        "aria-label", "Calves: remove filter"
    )
    expect(page.locator("#filtermap-calves")).to_be_focused()


def test_show_more_hands_focus_to_the_first_new_card(page: Page, real_site):
    page.goto(f"{real_site}/exercises")
    first_page = page.locator("#results-list > li.card").count()
    page.locator("#load-more a").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#results-list > li.card")).not_to_have_count(first_page)
    script = "n => document.activeElement.closest('li.card') === document.querySelectorAll('#results-list > li.card')[n]"
    assert page.evaluate(script, first_page)
