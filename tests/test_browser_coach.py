"""Coach tools in a real Chromium: the session builder and copy-link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _build_card(page: Page) -> None:
    for slug in ("hinge-basic", "box-step", "balance-hold"):
        page.click(f"#add-{slug}")
        expect(page.locator(f"input[type=hidden][value={slug}]")).to_have_count(1)
    page.fill("#title", "Tuesday strength")
    page.fill("#rx1", "3x8")
    page.fill("#rx2", "4x6")
    page.fill("#tempo2", "3-1-1")
    page.fill("#rx3", "3x30s")
    # Box step first: move it up from second place.
    page.click("#up-2")
    expect(page.locator(".plan-item h3")).to_have_text(["Box step", "Hinge basic", "Balance hold"])


def _assert_card(page: Page) -> None:
    expect(page.locator("h1")).to_have_text("Tuesday strength")
    expect(page.locator(".card-item h2")).to_have_text(["Box step", "Hinge basic", "Balance hold"])
    expect(page.locator(".card-item .card-rx")).to_have_text(
        [
            re.compile(r"4 x 6 per leg · tempo 3-1-1"),
            re.compile(r"3 x 8 per leg"),
            re.compile(r"3 x 30 s per leg"),
        ]
    )
    expect(page.locator(".card-qr svg")).to_be_visible()


def test_builder_with_htmx(page: Page, live_server: str):
    page.goto(f"{live_server}/session/new")
    page.evaluate("window.notReloaded = true")
    _build_card(page)
    assert page.evaluate("window.notReloaded") is True, "the builder reloaded the page"
    assert "e1=box-step" in page.url and "rx2=3+x+8" in page.url
    page.click("#open-card")
    page.wait_for_url(re.compile(r"/session\?"))
    _assert_card(page)


def test_builder_without_javascript(browser, live_server: str):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/session/new")
    _build_card(page)
    page.click("#open-card")
    page.wait_for_url(re.compile(r"/session\?"))
    _assert_card(page)
    context.close()


def test_copy_link_puts_the_cue_address_on_the_clipboard(browser, live_server: str):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{live_server}/exercises/hinge-basic?rx=3x8")
    button = page.locator("#cue-grip-the-floor-with-the-whole-foot button.copy-link")
    expect(button).to_have_accessible_name("Copy link to this cue")
    button.click()
    expect(page.locator("#copy-status")).to_have_text(re.compile("Link copied"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert (
        copied
        == f"{live_server}/exercises/hinge-basic?rx=3x8#cue-grip-the-floor-with-the-whole-foot"
    )
    context.close()


def test_self_links_work_without_javascript(browser, live_server: str):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/exercises/hinge-basic")
    expect(page.locator("button.copy-link")).to_have_count(0)
    page.click("#mistake-knee-caves-in a.self-link")
    assert page.url.endswith("#mistake-knee-caves-in")
    context.close()
