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
    page.fill("#rx1", "3 sets of 8")
    page.fill("#rx2", "4x6/leg")
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
            re.compile(r"4 x 6 per leg · tempo 3-1-1"),  # as coaches write them, read
            re.compile(r"3 x 8"),
            re.compile(r"3 x 30 s"),
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


def test_copy_link_copies_the_page_with_its_prescription(browser, live_server: str):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{live_server}/exercises/hinge-basic?rx=3x8&note=Weaker+leg+first")
    page.locator(".share-row button").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server}/exercises/hinge-basic?rx=3+x+8&note=Weaker+leg+first"
    expect(page.locator("#copy-status")).to_have_text(f"Link copied: {copied}")
    context.close()


def test_share_opens_the_share_sheet_where_there_is_one(page: Page, live_server: str):
    # Chromium on Linux has no share sheet: one is stood in for, and what it is given is kept.
    page.add_init_script("navigator.share = async (data) => { window.shared = data; };")
    page.goto(f"{live_server}/session?title=Tue&e1=box-step&rx1=3x8")
    button = page.locator(".share-row button")
    expect(button).to_have_text("Share")
    button.click()
    page.wait_for_function("window.shared !== undefined")
    assert page.evaluate("window.shared") == {
        "url": f"{live_server}/session?title=Tue&e1=box-step&rx1=3+x+8",
        "title": "Tue",
    }


def test_a_printed_card_gives_each_exercise_its_full_readable_address(page: Page, live_server: str):
    page.goto(f"{live_server}/session?e1=box-step&rx1=3+x+8+per+leg&note1=slow+down")
    page.emulate_media(media="print")
    expect(page.locator(".card-item .print-url")).to_have_text(
        f"{live_server}/exercises/box-step?rx=3 x 8 per leg&note=slow down"
    )


@pytest.mark.parametrize("media", ["screen", "print"])
def test_the_qr_code_scans_on_screen_and_on_paper(page: Page, live_server: str, media):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/session?title=Tue&e1=box-step&rx1=3x8&e2=hinge-basic&rx2=4x6")
    page.emulate_media(media=media)
    qr = page.locator(".card-qr svg")
    modules = int(qr.get_attribute("width")) / 4
    width_px = qr.bounding_box()["width"]
    if media == "screen":
        assert width_px / modules >= 4
    else:
        assert width_px * 25.4 / 96 / modules >= 0.5  # mm a module on paper
