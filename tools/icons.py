"""Draw the app's PNG icons (static/icons/icon-*.png) from static/icons/icon.svg, in the
Chromium the tests use: `.venv/bin/python tools/icons.py`. Run it after changing the SVG;
the PNGs are committed, since an installed app asks for them by size."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"


def main() -> None:
    svg = (ICONS / "icon.svg").read_text(encoding="utf-8")
    # A maskable icon keeps its mark in the middle 80% (the launcher crops the rest): the
    # same drawing, with the square's colour reaching the edges.
    maskable = svg.replace('viewBox="0 0 64 64"', 'viewBox="-8 -8 80 80"').replace(
        '<rect width="64" height="64" rx="14" fill="#0b5d4b"/>',
        '<rect x="-8" y="-8" width="80" height="80" fill="#0b5d4b"/>',
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for name, source, size in [
            ("icon-192.png", svg, 192),
            ("icon-512.png", svg, 512),
            ("icon-maskable-512.png", maskable, 512),
        ]:
            page = browser.new_page(viewport={"width": size, "height": size})
            sized = source.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            page.set_content(f'<body style="margin:0">{sized}</body>')
            page.screenshot(path=ICONS / name, omit_background=True)
        browser.close()


if __name__ == "__main__":
    main()
