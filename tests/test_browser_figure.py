"""Every real exercise's figure in Chromium on a phone: in the first screen, animated, still
and side by side when motion is reduced or on paper, and accessible."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from exercise_library import ROOT
from exercise_library.content.build import build_index_for

from .browser_support import format_violations, serve
from .test_accessibility import run_axe

pytestmark = pytest.mark.browser

CONTENT = ROOT / "content"
SLUGS = sorted(path.stem for path in CONTENT.glob("exercises/*.md"))
PHONE = {"width": 390, "height": 844}
# The figure's box and the state of each pose's animation.
FIGURE = """() => {
    const box = document.querySelector('.exercise-figure').getBoundingClientRect();
    const poses = [...document.querySelectorAll('.exercise-figure .fig-pose')];
    const frames = [...document.querySelectorAll('.exercise-figure .fig-frame')];
    return {
        top: box.top, bottom: box.bottom, height: box.height,
        names: poses.map(p => getComputedStyle(p).animationName),
        states: poses.map(p => getComputedStyle(p).animationPlayState),
        running: document.getAnimations().filter(a => a.playState === 'running').length,
        lefts: frames.map(f => f.getBoundingClientRect().left),
        moved: frames.map(f => getComputedStyle(f).transform),
    };
}"""


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    index = tmp_path_factory.mktemp("real") / "index.sqlite3"
    build_index_for(CONTENT, index)
    with serve(CONTENT, index) as url:
        yield url


@pytest.fixture(scope="module")
def phone(browser: Browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("slug", SLUGS)
def test_the_figure_is_in_the_first_screen_and_animates(phone: Page, real_site: str, slug: str):
    phone.goto(f"{real_site}/exercises/{slug}")
    figure = phone.evaluate(FIGURE)
    assert figure["top"] >= 0 and figure["bottom"] <= PHONE["height"] and figure["height"] > 150
    assert all(name.startswith("fig-n") for name in figure["names"]), figure["names"]
    assert set(figure["states"]) == {"running"} and figure["running"] >= len(figure["names"])
    assert set(figure["moved"]) == {"none"}, "the poses are stacked in one frame"


def test_with_reduced_motion_the_poses_stand_still_side_by_side(browser: Browser, real_site: str):
    context = browser.new_context(viewport=PHONE, reduced_motion="reduce")
    page = context.new_page()
    for slug in SLUGS:
        page.goto(f"{real_site}/exercises/{slug}")
        figure = page.evaluate(FIGURE)
        assert set(figure["names"]) == {"none"} and figure["running"] == 0, slug
        assert figure["lefts"] == sorted(set(figure["lefts"])), f"{slug}: not side by side"
        assert "none" not in figure["moved"][1:], slug
        assert figure["bottom"] <= PHONE["height"], slug
    context.close()


def test_print_shows_the_pose_strip(page: Page, real_site: str):
    page.goto(f"{real_site}/exercises/bulgarian-split-squat")
    page.emulate_media(media="print")
    figure = page.evaluate(FIGURE)
    assert set(figure["names"]) == {"none"}
    assert len(set(figure["lefts"])) == len(figure["lefts"]) == 2


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_figure_pages_pass_axe(browser: Browser, real_site: str, scheme: str, motion: str):
    context = browser.new_context(
        viewport=PHONE, color_scheme=scheme, reduced_motion=motion, bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{real_site}/exercises/copenhagen-plank")
    violations = run_axe(page)
    context.close()
    assert not violations, format_violations(violations)
