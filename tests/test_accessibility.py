"""Accessibility in a real Chromium: axe-core on every page type, light and dark, and the
filter-then-open flow with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .browser_support import format_violations

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"

# One address per page type, against the fixture library in tests/library. The ids name the
# template under test, so a failure reads as "...violations[dark-chromium-exercise]", not as
# a URL to decode.
PAGES = {
    "home": "/",
    "library": "/exercises",
    "filtered": "/exercises?phase=beginner&equipment=none",
    "exercise": "/exercises/hinge-basic",
    "phase": "/phases/beginner",
    "equipment": "/equipment/box",
    "muscle": "/muscles/core",
    "family": "/families/hinge",
    "guides": "/guides",
    "guide": "/guides/scheduling",
    "assessments": "/assessments",
    "prescription": "/exercises/hinge-basic?rx=3x8&tempo=3-1-1&note=Weaker+leg+first",
    "session-card": "/session?title=Tuesday&e1=hinge-basic&rx1=3+x+8&e2=box-step&rx2=4+x+6",
    "session-builder": "/session/new?e1=hinge-basic&rx1=3+x+8&e2=box-step",
    "not-found": "/exercises/no-such-exercise",
}

# Bounds the keyboard walk, so a focus trap or a missing target fails fast with a message
# instead of pressing Tab forever. The fixture pages have far fewer stops than this.
MAX_TAB_STOPS = 80


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme_context(request: pytest.FixtureRequest, browser: Browser) -> Iterator[BrowserContext]:
    """One browser context per colour scheme, shared by the module's pages to keep it quick.

    The site's Content-Security-Policy allows scripts from 'self' only, and
    add_script_tag(path=...) injects axe as an inline script, so the context bypasses CSP;
    that changes nothing axe inspects.
    """
    context = browser.new_context(color_scheme=request.param, bypass_csp=True)
    yield context
    context.close()


def run_axe(page: Page) -> list[dict]:
    """Inject the vendored axe-core into *page* and return its violations under axe's default
    rule set (WCAG A and AA rules plus best practices; experimental and AAA rules are off)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]


# For people to look at, not for asserting: git-ignored, rewritten on every run.
SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots" / "tests"
WIDTHS = {"phone": 360, "desktop": 1280}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_axe_finds_no_violations(
    scheme_context: BrowserContext, live_server: str, path: str, request: pytest.FixtureRequest
):
    page = scheme_context.new_page()
    name = next(key for key, value in PAGES.items() if value == path)
    scheme = request.node.callspec.params["scheme_context"]
    try:
        response = page.goto(f"{live_server}{path}", wait_until="load")
        assert response is not None
        expected = 404 if path == PAGES["not-found"] else 200
        assert response.status == expected, f"{path} answered {response.status}"
        violations = run_axe(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}-{scheme}.png")
    finally:
        page.close()
    assert not violations, (
        f"axe found {len(violations)} rule(s) violated on {path}:\n{format_violations(violations)}"
    )


def tab_to(page: Page, predicate: str, what: str) -> None:
    """Press Tab until the focused element satisfies the JavaScript *predicate* (given the
    element as `el`), listing the stops on the way if it is never reached."""
    visited: list[str] = []
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => !!el && ({predicate}))(document.activeElement)"):
            return
        visited.append(
            page.evaluate(
                "(el => el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')"
                " + (el.getAttribute('href') ? '[href=' + el.getAttribute('href') + ']' : '')"
                " : 'nothing')(document.activeElement)"
            )
        )
    pytest.fail(f"{what} was not reached in {MAX_TAB_STOPS} Tab presses; focus went: {visited}")


def test_keyboard_alone_filters_and_opens_an_exercise(page: Page, live_server: str):
    page.goto(f"{live_server}/exercises")

    tab_to(page, "el.id === 'phase-beginner'", "The Beginner phase checkbox")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"/exercises\?phase=beginner$"))
    expect(page.locator("#result-count")).to_have_text(re.compile(r"4 exercises"))
    # htmx swapped the region the checkbox lives in: focus must survive, or a keyboard user
    # is thrown back to the top of the page after every filter.
    expect(page.locator("#phase-beginner")).to_be_focused()
    expect(page.locator("#phase-beginner")).to_be_checked()

    tab_to(page, "el.matches('.card-title a')", "An exercise link in the results")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"{re.escape(href)}$"))
    assert re.search(r"/exercises/[a-z0-9-]+$", page.url), page.url
    expect(page.locator("h1")).to_be_visible()
