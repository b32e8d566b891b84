"""A session card in a gym basement: the service worker in a real Chromium, with the server
gone. What was opened is there; the programs are there; the rest says it is offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from exercise_library.content.build import build_index_for

from .browser_support import serve
from .conftest import LIBRARY

pytestmark = pytest.mark.browser

CARD = "/session?title=Basement&e1=box-step&rx1=3x8&e2=hinge-basic"


def test_pages_opened_before_are_there_with_no_connection(browser, tmp_path):
    index = tmp_path / "index.sqlite3"
    build_index_for(LIBRARY, index)
    context = browser.new_context()
    page = context.new_page()
    with serve(LIBRARY, index) as site:
        page.goto(site + "/")
        page.evaluate("navigator.serviceWorker.ready")  # installed, the programs kept
        page.goto(site + "/exercises/hinge-basic?rx=3x8")
        page.goto(site + CARD)
        expect(page.locator("h1")).to_have_text("Basement")
    # The server is gone: nothing answers on its port any more. Hours later, nothing is
    # fresh in the browser's own cache either: what there is comes from the worker.
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.goto(site + CARD)
    expect(page.locator("h1")).to_have_text("Basement")
    expect(page.locator(".card-item h2")).to_have_text(["Box step", "Hinge basic"])
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    page.goto(site + "/exercises/hinge-basic?rx=3x8")
    expect(page.locator("aside.prescription")).to_contain_text("3 x 8")
    qr = page.locator(".print-qr img")  # printed, the page still carries its own address
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("image => image.naturalWidth") > 0
    unkept = "fetch('/exercises/box-step/qr.svg').then(r => r.headers.get('content-type'), e => 'failed')"
    assert page.evaluate(unkept) == "failed"  # not the offline page dressed as an image
    page.goto(site + "/phases/advanced")  # never opened: kept when the worker was installed
    expect(page.locator("h1")).to_contain_text("Advanced")
    page.goto(site + "/exercises/box-step")  # never opened
    expect(page.locator("h1")).to_have_text("No connection")
    expect(page.locator("main a", has_text="Beginner program")).to_have_attribute(
        "href", "/phases/beginner"
    )
    context.close()


def test_the_worker_keeps_the_strict_content_security_policy(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(live_server + "/sw.js")
    assert response.headers["cache-control"] == "no-cache"
    page.goto(live_server + "/exercises")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith(
        "/sw.js"
    )
    assert violations == []
    context.close()


def test_the_site_is_installable(browser_type, browser_type_launch_args, live_server, tmp_path):
    # An installed app needs a profile of its own: a fresh context counts as incognito.
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args
    )
    page = context.new_page()
    page.goto(live_server + "/")
    page.evaluate("navigator.serviceWorker.ready")
    session = context.new_cdp_session(page)
    assert session.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    assert session.send("Page.getAppManifest")["errors"] == []
    context.close()
