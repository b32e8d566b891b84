"""The filter form in a real Chromium: with htmx, and with JavaScript turned off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


def count(page: Page):
    return expect(page.locator("#result-count"))


def test_filters_swap_in_place_and_push_the_url(page: Page, live_server: str, csp_violations):
    page.goto(f"{live_server}/exercises")
    count(page).to_have_text(re.compile(r"6 exercises"))
    page.evaluate("window.notReloaded = true")

    page.check("#phase-beginner")
    page.wait_for_url(re.compile(r"\?phase=beginner$"))
    count(page).to_have_text(re.compile(r"4 exercises"))

    page.check("#equipment-none")
    page.wait_for_url(re.compile(r"\?phase=beginner&equipment=none$"))
    count(page).to_have_text(re.compile(r"3 exercises"))
    assert page.evaluate("window.notReloaded") is True, "the filter reloaded the page"
    expect(page.locator("label[for=equipment-box] .count")).to_have_text("(1 result)")

    page.reload()
    count(page).to_have_text(re.compile(r"3 exercises"))
    expect(page.locator("#phase-beginner")).to_be_checked()
    expect(page.locator("#equipment-none")).to_be_checked()

    page.go_back()
    page.wait_for_url(re.compile(r"\?phase=beginner$"))
    count(page).to_have_text(re.compile(r"4 exercises"))
    expect(page.locator("#equipment-none")).not_to_be_checked()

    page.go_back()
    page.wait_for_url(re.compile(r"/exercises$"))
    count(page).to_have_text(re.compile(r"6 exercises"))
    assert csp_violations == []


def test_typing_searches_after_a_pause(page: Page, live_server: str, csp_violations):
    page.goto(f"{live_server}/exercises")
    page.evaluate("window.notReloaded = true")
    page.fill("#q", "rfess")
    page.wait_for_url(re.compile(r"\?q=rfess$"))
    count(page).to_have_text(re.compile(r"1 exercise matching"))
    expect(page.locator(".cards .card-title a")).to_have_text(["Rear-foot squat"])
    expect(page.locator("#q")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True
    assert csp_violations == []


def test_keyboard_toggles_a_filter_and_keeps_focus(page: Page, live_server: str):
    page.goto(f"{live_server}/exercises")
    page.focus("#phase-advanced")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"\?phase=advanced$"))
    count(page).to_have_text(re.compile(r"1 exercise\b"))
    expect(page.locator("#phase-advanced")).to_be_focused()


def test_removing_a_chip_keeps_the_other_filters(page: Page, live_server: str):
    page.goto(f"{live_server}/exercises?phase=beginner&equipment=none")
    page.click("#remove-phase-beginner")
    page.wait_for_url(re.compile(r"\?equipment=none$"))
    count(page).to_have_text(re.compile(r"3 exercises"))
    expect(page.locator("#phase-beginner")).not_to_be_checked()


def test_the_same_flow_without_javascript(browser, live_server: str):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/exercises")
    page.check("#phase-beginner")
    page.check("#equipment-none")
    page.click("text=Apply filters")
    page.wait_for_url(re.compile(r"\?phase=beginner&equipment=none"))
    count(page).to_have_text(re.compile(r"3 exercises"))
    page.click("#remove-phase-beginner")
    page.wait_for_url(re.compile(r"\?equipment=none$"))
    count(page).to_have_text(re.compile(r"3 exercises"))
    page.go_back()
    count(page).to_have_text(re.compile(r"3 exercises"))
    expect(page.locator("#phase-beginner")).to_be_checked()
    context.close()


def test_show_more_appends_the_next_page_in_place(page: Page, live_server: str, monkeypatch):
    monkeypatch.setattr("exercise_library.search.PAGE_SIZE", 4)
    # An address no other test renders: the live server's page cache outlives one test.
    page.goto(f"{live_server}/exercises?sort=title")
    page.evaluate("window.notReloaded = true")
    expect(page.locator(".cards .card")).to_have_count(4)
    page.click("#load-more a")
    expect(page.locator(".cards .card")).to_have_count(6)
    expect(page.locator("#load-more")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    assert page.url.endswith("/exercises?sort=title")


def test_filters_fold_on_a_phone_and_stay_as_the_visitor_left_them(browser, live_server: str):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/exercises?sort=level")
    panel = page.locator("details.facet-panel")
    expect(panel).not_to_have_attribute("open", "")
    page.click(".facet-panel > summary")
    page.check("#phase-beginner")
    page.wait_for_url(re.compile(r"phase=beginner"))
    expect(panel).to_have_attribute("open", "")
    expect(page.locator("#phase-beginner")).to_be_focused()
    page.click(".facet-panel > summary")
    page.fill("#q", "hinge")
    page.wait_for_url(re.compile(r"q=hinge"))
    count(page).to_have_text(re.compile(r"1 exercise matching"))
    expect(panel).not_to_have_attribute("open", "")
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_library_does_not_shift_after_it_paints(browser, live_server: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/exercises?phase=beginner&equipment=none")
    page.wait_for_load_state("networkidle")
    shift = page.evaluate(
        """() => new Promise(resolve => {
            let total = 0;
            new PerformanceObserver(list => {
                for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
            }).observe({type: "layout-shift", buffered: true});
            setTimeout(() => resolve(total), 300);
        })"""
    )
    assert shift < 0.01, shift
    context.close()
