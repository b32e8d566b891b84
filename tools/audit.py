"""Audit the real site: axe-core, the Nu HTML Checker and Lighthouse, plus screenshots.

Run from anywhere with the project's virtualenv:

    .venv/bin/python tools/audit.py [--no-allow-hx-attributes] [--no-lighthouse]

It builds a fresh index of content/ in a temporary directory, serves the site on a free
loopback port and, for every page type:

- runs axe-core (tests/vendor) in light and dark colour schemes at phone (390 px) and desktop
  (1280 px) widths, saving a full-page screenshot of each into build/screenshots/;
- saves the HTML as served and checks all pages in one run of the Nu HTML Checker
  (vnu.jar, fetched with `npm pack` into build/tools/ when missing);
- runs Lighthouse (mobile, fetched with `npm install` into build/tools/ when missing) on the
  home page, a filtered list and an exercise page.

It writes build/audit/report.json and build/audit/report.md and exits 1 if axe reports any
violation, vnu any error (after the hx-* filter), Lighthouse any category score below 0.95, or
a page answers with an unexpected status; 2 if it cannot run (content problems, Chromium, Java
or npm missing).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from playwright.sync_api import Browser, sync_playwright

from exercise_library.content.build import ContentError, build_index_for

# The browser settings and axe helpers the tests use, so the audit and the tests agree.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, serve, tidy_summary

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
BUILD = ROOT / "build"
TOOLS = BUILD / "tools"
AUDIT = BUILD / "audit"
SCREENSHOTS = BUILD / "screenshots"

AXE_VERSION = "4.14.1"
AXE = ROOT / "tests" / "vendor" / f"axe-{AXE_VERSION}.min.js"
# Pinned so that two audits of the same site agree; bump deliberately.
VNU_VERSION = "26.9.27"
# Lighthouse 13 needs Node >= 22.19; Debian 12's Node 20 runs the 12.x line.
LIGHTHOUSE_VERSION = "12.8.2"


# One address per page type in the real library; the names label files and report rows.
PAGES = {
    "home": "/",
    "library": "/exercises",
    "filtered": "/exercises?phase=beginner&equipment=none",
    "exercise": "/exercises/single-leg-rdl",
    "phase": "/phases/beginner",
    "equipment": "/equipment/box",
    "muscle": "/muscles/core",
    "family": "/families/hinge",
    "guides": "/guides",
    "guide": "/guides/scheduling-strength-around-running",
    "assessments": "/assessments",
    "prescription": "/exercises/single-leg-rdl?rx=3x8&tempo=3-1-1&note=Weaker+leg+first",
    "session-card": "/session?title=Tuesday&e1=single-leg-rdl&rx1=3+x+8&e2=bulgarian-split-squat&rx2=4+x+6",
    "session-builder": "/session/new?e1=single-leg-rdl&rx1=3+x+8&e2=bulgarian-split-squat",
    # Under /exercises/ so the 404 page's pre-filled search is rendered too.
    "not-found": "/exercises/no-such-exercise",
}
EXPECTED_STATUS = {"not-found": 404}
SCHEMES = ("light", "dark")
# A current large phone and a common laptop width; heights only set the first screen.
VIEWPORTS = {390: 844, 1280: 800}
LIGHTHOUSE_PAGES = ("home", "filtered", "exercise")
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_MINIMUM = 0.95

# vnu's wording for an attribute the HTML standard does not define, e.g.
# Attribute “hx-get” not allowed on element “form” at this point.
HX_ATTRIBUTE_ERROR = re.compile(r"^Attribute “hx-[^”]*” not allowed on element “[^”]*”")


@dataclass
class Audit:
    """Everything the run found, in the shape report.json is written in."""

    base_url: str = ""
    tools: dict[str, str] = field(default_factory=dict)
    options: dict[str, bool] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=lambda: dict(PAGES))
    status: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    vnu: dict = field(default_factory=dict)
    lighthouse: list[dict] = field(default_factory=list)
    screenshots: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def main(argv: list[str] | None = None) -> int:
    """Run every check and write the reports; return the exit status (0, 1 or 2)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--allow-hx-attributes",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="drop vnu's errors about hx-* attributes, counting them in the report "
        "(default: off: the templates use data-hx-*, which validates)",
    )
    parser.add_argument(
        "--lighthouse",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run Lighthouse (about 15 s a page); --no-lighthouse skips it and fails the audit",
    )
    parser.add_argument(
        "--lighthouse-runs",
        type=int,
        default=3,
        help="Lighthouse runs per page; the median score counts, as Lighthouse CI does (default 3)",
    )
    args = parser.parse_args(argv)
    missing = missing_prerequisites()
    if missing:
        print("Cannot audit:\n" + "\n".join(f"- {m}" for m in missing), file=sys.stderr)
        return 2

    for path in (AUDIT, SCREENSHOTS):
        # Stale files from an earlier run would read as this run's evidence.
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
    audit = Audit(
        options={"allow_hx_attributes": args.allow_hx_attributes, "lighthouse": args.lighthouse}
    )
    audit.tools["axe-core"] = AXE_VERSION

    try:
        with serve_real_site() as base_url:
            audit.base_url = base_url
            html_files = browse(audit, base_url)
            check_html(audit, html_files, allow_hx=args.allow_hx_attributes)
            if args.lighthouse:
                run_lighthouse(audit, base_url, args.lighthouse_runs)
            else:
                audit.failures.append("Lighthouse was skipped (--no-lighthouse)")
    except ContentError as error:
        # The same path:line: message lines as `flask --app wsgi check`: there is no site to
        # audit until the content is fixed.
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"Cannot audit: {error}", file=sys.stderr)
        return 2

    (AUDIT / "report.json").write_text(json.dumps(audit.__dict__, indent=2) + "\n")
    (AUDIT / "report.md").write_text(markdown_report(audit))
    print((AUDIT / "report.md").read_text())
    print(f"Wrote {rel(AUDIT / 'report.json')}, {rel(AUDIT / 'report.md')} and {rel(SCREENSHOTS)}/")
    return 1 if audit.failures else 0


def missing_prerequisites() -> list[str]:
    """What the audit needs and cannot fetch itself, each with how to get it."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM}: apt-get install chromium (or run `make test` once)")
    if not AXE.exists():
        missing.append(f"{rel(AXE)}: the vendored axe-core is part of the repository")
    for program, package in (("java", "default-jre-headless"), ("npm", "npm")):
        if shutil.which(program) is None:
            missing.append(f"{program}: apt-get install {package}")
    return missing


def rel(path: Path) -> str:
    """*path* relative to the repository, for messages a developer can paste."""
    return str(path.relative_to(ROOT))


@contextmanager
def serve_real_site() -> Iterator[str]:
    """Index content/ afresh in a temporary directory and serve it on a free loopback port.

    The repository's own instance/ index is left alone: the audit must see the content as it
    is now, not whatever was last indexed.
    """
    # One line per request from werkzeug would bury the report.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="audit-index-") as tmp:
        index = Path(tmp) / "index.sqlite3"
        build_index_for(CONTENT, index)
        with serve(CONTENT, index) as url:
            yield url


def browse(audit: Audit, base_url: str) -> dict[str, Path]:
    """Visit every page in every scheme and width: check the status, take a screenshot and
    run axe. Return the saved HTML (as served, before any script ran) of each page."""
    html_dir = AUDIT / "html"
    html_dir.mkdir()
    html_files: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        audit.tools["chromium"] = browser.version
        for scheme in SCHEMES:
            for width, height in VIEWPORTS.items():
                browse_one_setting(audit, browser, base_url, scheme, width, height, html_files)
        browser.close()
    saved: dict[str, Path] = {}
    for name, html in html_files.items():
        saved[name] = html_dir / f"{name}.html"
        saved[name].write_text(html)
    return saved


def browse_one_setting(
    audit: Audit,
    browser: Browser,
    base_url: str,
    scheme: str,
    width: int,
    height: int,
    html_files: dict[str, str],
) -> None:
    """All pages in one colour scheme at one width."""
    phone = width < 600
    # The CSP allows scripts from 'self' only and axe is injected inline: bypass CSP in
    # this context, which changes nothing axe inspects.
    context = browser.new_context(
        color_scheme=scheme,
        viewport={"width": width, "height": height},
        is_mobile=phone,
        has_touch=phone,
        bypass_csp=True,
    )
    for name, path in PAGES.items():
        page = context.new_page()
        response = page.goto(base_url + path, wait_until="load")
        status = response.status if response else 0
        if name not in html_files and response is not None:
            html_files[name] = response.text()
            expected = EXPECTED_STATUS.get(name, 200)
            audit.status.append({"page": name, "path": path, "status": status})
            if status != expected:
                audit.failures.append(f"{path} answered {status}, expected {expected}")
        shot = SCREENSHOTS / f"{name}-{width}-{scheme}.png"
        page.screenshot(path=shot, full_page=True)
        audit.screenshots.append(rel(shot))
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        violations = [slim_violation(v) for v in result["violations"]]
        audit.axe.append(
            {"page": name, "path": path, "scheme": scheme, "width": width, "violations": violations}
        )
        for violation in violations:
            audit.failures.append(
                f"axe {violation['id']} on {path} ({scheme}, {width} px):"
                f" {len(violation['nodes'])} element(s)"
            )
        page.close()
    context.close()


def slim_violation(violation: dict) -> dict:
    """The parts of an axe violation a person acts on: the rule, and where and why."""
    return {
        "id": violation["id"],
        "impact": violation["impact"],
        "help": violation["help"],
        "helpUrl": violation["helpUrl"],
        "tags": violation["tags"],
        "nodes": [
            {
                "target": node["target"],
                "html": node["html"],
                "failureSummary": node.get("failureSummary", ""),
            }
            for node in violation["nodes"]
        ],
    }


def npm_pack(spec: str, member: str, destination: Path) -> None:
    """Fetch *spec* from the npm registry with `npm pack` and keep one file of it."""
    with tempfile.TemporaryDirectory(prefix="npm-pack-") as tmp:
        subprocess.run(
            ["npm", "pack", spec, "--pack-destination", tmp, "--silent"],
            check=True,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        # Read the one member instead of extracting the archive: nothing else lands on disk.
        with tarfile.open(tarball) as archive:
            source = archive.extractfile(member)
            if source is None:
                raise RuntimeError(f"{spec} has no file {member}")
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_suffix(".partial")
            partial.write_bytes(source.read())
            partial.replace(destination)


def ensure_vnu() -> Path:
    """The pinned vnu.jar in build/tools/, fetched on first use."""
    jar = TOOLS / f"vnu-jar-{VNU_VERSION}" / "vnu.jar"
    if not jar.exists():
        print(f"Fetching vnu-jar {VNU_VERSION} into {rel(jar.parent)}/", file=sys.stderr)
        npm_pack(f"vnu-jar@{VNU_VERSION}", "package/build/dist/vnu.jar", jar)
    return jar


# A document with one known error, checked alongside the pages: vnu answers an unreadable
# argument (a file: URI, say) with an empty, successful report, and without this canary that
# would read as "every page is valid".
CANARY = "<!doctype html><html lang=en><title>canary</title><p><blink>x</blink>"


def check_html(audit: Audit, html_files: dict[str, Path], allow_hx: bool) -> None:
    """Run the Nu HTML Checker once over every saved page (one JVM start, about 2 s)."""
    jar = ensure_vnu()
    audit.tools["vnu"] = VNU_VERSION
    canary = AUDIT / "html" / "vnu-canary.html"
    canary.write_text(CANARY)
    names = {str(path.resolve()): name for name, path in html_files.items()}
    run = subprocess.run(
        ["java", "-jar", str(jar), "--format", "json", "--exit-zero-always", *names, str(canary)],
        capture_output=True,
        text=True,
        check=True,
    )
    # vnu writes its JSON report to stderr; each message names its file as a file: URL.
    messages = json.loads(run.stderr or run.stdout)["messages"]
    per_page: dict[str, list[dict]] = {name: [] for name in html_files}
    warnings: dict[str, list[dict]] = {name: [] for name in html_files}
    hx_filtered: dict[str, int] = defaultdict(int)
    canary_seen = False
    for message in messages:
        file = unquote(urlparse(message.get("url", "")).path)
        if file == str(canary.resolve()):
            canary_seen = True
            continue
        name = names.get(file, file or "?")
        entry = {
            "line": message.get("lastLine"),
            "column": message.get("firstColumn", message.get("lastColumn")),
            "message": message.get("message", ""),
            "extract": message.get("extract", ""),
        }
        if message.get("type") == "info":
            warnings.setdefault(name, []).append(entry)
            continue
        # "error" and "non-document-error" (a file vnu could not read) both fail the audit.
        if allow_hx and HX_ATTRIBUTE_ERROR.match(entry["message"]):
            hx_filtered[name] += 1
            continue
        per_page.setdefault(name, []).append(entry)
    if not canary_seen:
        raise RuntimeError(f"vnu did not report the canary's error; it checked nothing: {run}")
    canary.unlink()
    audit.vnu = {
        "allow_hx_attributes": allow_hx,
        "hx_attribute_errors_filtered": dict(hx_filtered),
        "errors": per_page,
        "warnings": warnings,
    }
    for name, errors in per_page.items():
        for error in errors:
            audit.failures.append(
                f"vnu {PAGES.get(name, name)} line {error['line']}: {error['message']}"
            )


def ensure_lighthouse() -> Path:
    """The pinned Lighthouse in build/tools/, installed with npm on first use."""
    prefix = TOOLS / f"lighthouse-{LIGHTHOUSE_VERSION}"
    binary = prefix / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        print(f"Installing Lighthouse {LIGHTHOUSE_VERSION} into {rel(prefix)}/", file=sys.stderr)
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
            ],
            check=True,
        )
    return binary


def run_lighthouse(audit: Audit, base_url: str, runs: int = 3) -> None:
    """Lighthouse's default (mobile, simulated throttling) run on the pages people land on."""
    binary = ensure_lighthouse()
    audit.tools["lighthouse"] = LIGHTHOUSE_VERSION
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    for name in LIGHTHOUSE_PAGES:
        path = PAGES[name]
        output = AUDIT / f"lighthouse-{name}"
        command = [
            str(binary),
            base_url + path,
            "--output=json",
            "--output=html",
            f"--output-path={output}",
            f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
            "--chrome-flags=" + " ".join(["--headless", *CHROMIUM_ARGS]),
            "--quiet",
        ]
        # Performance on a shared 2-core machine is noisy: score each category by the
        # median of several runs rather than by one unlucky sample.
        samples: dict[str, list[float]] = {c: [] for c in LIGHTHOUSE_CATEGORIES}
        run = None
        # Lighthouse itself sometimes fails to record a trace ("NO_NAVSTART: please run
        # Lighthouse again"); such a run is retried, and only a page that never loads fails.
        for _ in range(max(1, runs) + 2):
            run = subprocess.run(command, env=env, capture_output=True, text=True)
            if run.returncode != 0:
                continue
            sample = json.loads(output.with_suffix(".report.json").read_text())
            for category in LIGHTHOUSE_CATEGORIES:
                samples[category].append(sample["categories"][category]["score"] or 0.0)
            if len(samples[LIGHTHOUSE_CATEGORIES[0]]) == max(1, runs):
                break
        if not samples[LIGHTHOUSE_CATEGORIES[0]] and run is not None:
            # One page Chrome could not load should not hide the others' scores.
            tail = " ".join(run.stderr.split()[-40:])
            audit.lighthouse.append({"page": name, "path": path, "error": tail})
            audit.failures.append(f"Lighthouse could not run on {path}: {tail}")
            continue
        report = json.loads(output.with_suffix(".report.json").read_text())
        scores = {c: statistics.median(values) for c, values in samples.items()}
        audit.lighthouse.append(
            {
                "page": name,
                "path": path,
                "scores": scores,
                "runs": len(samples[LIGHTHOUSE_CATEGORIES[0]]),
                "lost_points": lost_points(report),
                "form_factor": report["configSettings"]["formFactor"],
                "warnings": report.get("runWarnings", []),
                "report": rel(output.with_suffix(".report.html")),
            }
        )
        for category, score in scores.items():
            if score is None or score < LIGHTHOUSE_MINIMUM:
                audit.failures.append(
                    f"Lighthouse {category} on {path}: {score} (minimum {LIGHTHOUSE_MINIMUM})"
                )


def lost_points(report: dict) -> dict[str, list[str]]:
    """Per category, the weighted audits that did not score full marks: where points went."""
    audits = report["audits"]
    lost: dict[str, list[str]] = {}
    for key in LIGHTHOUSE_CATEGORIES:
        items = []
        for ref in report["categories"][key]["auditRefs"]:
            result = audits[ref["id"]]
            if ref["weight"] > 0 and result["score"] is not None and result["score"] < 1:
                value = f" ({result['displayValue']})" if result.get("displayValue") else ""
                items.append(f"{ref['id']}: {result['score']}{value}")
        if items:
            lost[key] = items
    return lost


def markdown_report(audit: Audit) -> str:
    """A short table (check, page, result), then the details behind each failing row."""
    verdict = "PASS" if not audit.failures else f"FAIL ({len(audit.failures)} problems)"
    tools = ", ".join(f"{k} {v}" for k, v in audit.tools.items())
    lines = [
        "# Site audit",
        "",
        f"{verdict}. Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC against a fresh index of"
        f" content/ served at {audit.base_url}. Tools: {tools}.",
        "",
        "| check | page | result |",
        "| --- | --- | --- |",
    ]
    settings = f"{' + '.join(SCHEMES)}, {' + '.join(map(str, VIEWPORTS))} px"
    for name, path in PAGES.items():
        runs = [r for r in audit.axe if r["page"] == name]
        failed: dict[str, list[str]] = defaultdict(list)
        for run in runs:
            for violation in run["violations"]:
                failed[violation["id"]].append(f"{run['scheme']} {run['width']}")
        result = (
            "FAIL: " + "; ".join(f"{rule} ({', '.join(where)})" for rule, where in failed.items())
            if failed
            else f"pass ({settings})"
        )
        lines.append(f"| axe | `{path}` | {result} |")
    hx = audit.vnu.get("hx_attribute_errors_filtered", {})
    for name, path in PAGES.items():
        errors = audit.vnu.get("errors", {}).get(name, [])
        warnings = audit.vnu.get("warnings", {}).get(name, [])
        result = f"FAIL: {len(errors)} error(s)" if errors else "pass"
        if warnings:
            result += f", {len(warnings)} warning(s)"
        if hx.get(name):
            result += f" ({hx[name]} hx-* attribute errors filtered)"
        lines.append(f"| Nu HTML Checker | `{path}` | {result} |")
    for run in audit.lighthouse:
        if "error" in run:
            lines.append(f"| Lighthouse mobile | `{run['path']}` | FAIL: did not run |")
            continue
        scores = run["scores"]
        low = any(s is None or s < LIGHTHOUSE_MINIMUM for s in scores.values())
        text = " · ".join(f"{c} {scores[c]}" for c in LIGHTHOUSE_CATEGORIES)
        lines.append(f"| Lighthouse mobile | `{run['path']}` | {'FAIL: ' if low else ''}{text} |")
    if not audit.lighthouse:
        lines.append("| Lighthouse mobile | - | skipped |")

    lines += ["", "## Notes", ""]
    if audit.vnu.get("allow_hx_attributes"):
        lines.append(
            f"- The Nu HTML Checker rejects htmx's `hx-*` attributes; {sum(hx.values())} such"
            " errors were filtered out (`--allow-hx-attributes`, the default). Renaming them"
            " `data-hx-*` validates and works the same in htmx 4."
        )
    else:
        lines.append("- `hx-*` attribute errors are reported (`--no-allow-hx-attributes`).")
    lines.append(
        f"- Screenshots: {len(audit.screenshots)} in `{rel(SCREENSHOTS)}/`"
        " (`<page>-<width>-<scheme>.png`)."
    )
    lines += axe_details(audit) + vnu_details(audit) + lighthouse_details(audit)
    return "\n".join(lines) + "\n"


def axe_details(audit: Audit) -> list[str]:
    """axe violations grouped by rule: each distinct element once, with where it failed."""
    by_rule: dict[str, dict] = {}
    for run in audit.axe:
        for violation in run["violations"]:
            rule = by_rule.setdefault(
                violation["id"], {"violation": violation, "nodes": defaultdict(set)}
            )
            for node in violation["nodes"]:
                key = (run["path"], json.dumps(node["target"]), node["failureSummary"])
                rule["nodes"][key].add(f"{run['scheme']} {run['width']}")
    if not by_rule:
        return []
    lines = ["", "## axe violations by rule", ""]
    for rule_id, rule in by_rule.items():
        violation = rule["violation"]
        lines.append(
            f"### {rule_id} ({violation['impact']}): {violation['help']}\n\n{violation['helpUrl']}\n"
        )
        for (path, target, summary), where in sorted(rule["nodes"].items()):
            lines.append(
                f"- `{path}` `{' '.join(map(str, json.loads(target)))}`"
                f" ({', '.join(sorted(where))}): {tidy_summary(summary)}"
            )
        lines.append("")
    return lines


def vnu_details(audit: Audit) -> list[str]:
    """vnu's remaining errors, then its warnings, each message once with the lines per page:
    one template mistake repeats on every row it renders."""
    lines: list[str] = []
    for key, title in (("errors", "errors"), ("warnings", "warnings (not failing)")):
        grouped: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for name, items in audit.vnu.get(key, {}).items():
            for item in items:
                grouped[item["message"]][PAGES.get(name, name)].append(item["line"])
        if not grouped:
            continue
        lines += ["", f"## Nu HTML Checker {title}", ""]
        for message, pages in grouped.items():
            lines.append(f"- {message}")
            for path, numbers in pages.items():
                lines.append(f"  - `{path}` line {', '.join(map(str, numbers))}")
    return lines


def lighthouse_details(audit: Audit) -> list[str]:
    """Where each Lighthouse page lost points, and its full HTML report."""
    if not audit.lighthouse:
        return []
    lines = ["", "## Lighthouse: where points were lost", ""]
    for run in audit.lighthouse:
        if "error" in run:
            lines.append(f"- `{run['path']}` did not run: {run['error']}")
            continue
        lines.append(f"- `{run['path']}` (full report `{run['report']}`)")
        for category, items in run["lost_points"].items():
            lines.append(f"  - {category}: {'; '.join(items)}")
        for warning in run["warnings"]:
            lines.append(f"  - Lighthouse warning: {warning}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
