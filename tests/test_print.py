"""Printing: the longest real exercises fit on two A4 or Letter pages, prescription included."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from exercise_library import ROOT

pytestmark = pytest.mark.browser

CONTENT = ROOT / "content"
# Page count grows with length, so the longest files are the ones that could overflow.
LONGEST = sorted(
    CONTENT.glob("exercises/*.md"), key=lambda p: len(p.read_text(encoding="utf-8")), reverse=True
)[:6]


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


@pytest.mark.parametrize("path", LONGEST, ids=lambda p: p.stem)
def test_an_exercise_prints_on_two_pages_at_most(page: Page, real_site: str, path):
    page.goto(f"{real_site}/exercises/{path.stem}?rx=3x8&tempo=3-1-1&note=Weaker+leg+first")
    for paper in ("A4", "Letter"):
        assert _pages(page.pdf(format=paper)) <= 2, paper


def test_print_hides_navigation_and_shows_the_qr_code(page: Page, real_site: str):
    page.goto(f"{real_site}/exercises/single-leg-rdl")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".toc").is_visible()
    qr = page.locator(".print-qr img")
    assert qr.is_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.ladder a'), '::after').content"
    ).startswith('" (/exercises/')
