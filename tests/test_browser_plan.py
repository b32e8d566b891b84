"""The week planner in a real Chromium: the form with and without JavaScript, axe in light and
dark, and the printed plan on one page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from .browser_support import format_violations
from .test_accessibility import run_axe

pytestmark = pytest.mark.browser

GUIDE_DAYS = "mon=easy&tue=quality&wed=easy&thu=easy&fri=rest&sat=long&sun=rest"
PLANS = {
    "form": "/plan",
    "plan": f"/plan?week=1&{GUIDE_DAYS}&am=tue&start=2025-06-02&race=2025-08-24&tz=Europe/Paris",
    "forced": "/plan?week=9&mon=quality&tue=quality&wed=quality&thu=quality&fri=quality"
    "&sat=long&sun=quality",
}


def _mark_thursday_quality(page: Page) -> None:
    page.check("input[name=thu][value=quality]")


def _wednesday(page: Page):
    return page.locator(".plan-table tbody tr", has_text="Wednesday").locator("td").nth(1)


def test_the_form_with_htmx_swaps_the_plan_and_pushes_the_address(page: Page, live_server: str):
    page.goto(f"{live_server}/plan")
    page.evaluate("window.notReloaded = true")
    _mark_thursday_quality(page)
    page.wait_for_url(re.compile(r"/plan\?week=1&mon=easy&tue=quality&wed=easy&thu=quality&"))
    # Thursday's quality run now clears Wednesday: no session the day before it.
    expect(_wednesday(page)).to_have_text("—No strength")
    assert page.evaluate("window.notReloaded") is True, "the form reloaded the page"
    page.reload()
    expect(_wednesday(page)).to_have_text("—No strength")


def test_the_form_without_javascript(browser: Browser, live_server: str):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/plan")
    expect(page.locator(".plan-result")).to_have_count(0)
    _mark_thursday_quality(page)
    page.click("text=Plan my week")
    page.wait_for_url(re.compile(r"/plan\?week=1&mon=easy&tue=quality&wed=easy&thu=quality&"))
    expect(_wednesday(page)).to_have_text("—No strength")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PLANS.values(), ids=PLANS.keys())
def test_axe_finds_no_violations(browser: Browser, live_server: str, scheme: str, path: str):
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}{path}", wait_until="load")
    violations = run_axe(page)
    context.close()
    assert not violations, format_violations(violations)


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("path", [PLANS["plan"], PLANS["forced"]], ids=["block", "forced"])
def test_a_plan_prints_on_one_page(page: Page, real_site: str, path: str):
    page.goto(f"{real_site}{path}")
    for paper in ("A4", "Letter"):
        assert _pages(page.pdf(format=paper)) == 1, paper
    page.emulate_media(media="print")
    assert not page.locator("#plan-form").is_visible()
    assert page.locator("#plan-link").is_visible()
