"""The benchmark (not a test): the code, index builds, search relevance, load under wrk, the
nginx cache, a soak.

    python -m bench.run            # 1,000 and 10,000 exercises, 8 s runs, 3 rounds, 20 s soak
    python -m bench.run --quick    # 1,000 only, 2 s runs, 1 round, 5 s soak

Every figure is set beside its target (bench/report.py) in bench/results/latest.json,
bench/results/latest.md and between the results markers of bench/README.md. Everything
listens on 127.0.0.1; every process it starts is stopped and every temporary file removed
when it ends, whether it finishes or fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

import gunicorn

from bench import code_bars, generate, report, wrk
from bench.report import FRAGMENT, LIST, NOT_MODIFIED, PAGE, RX
from deploy import cluster
from deploy.cluster import LOOPBACK, ROOT, Supervisor, fetch, free_port, node_env
from exercise_library import create_app
from exercise_library.content.build import build_index_for
from tests.relevance import QUERIES, score

RESULTS = Path(__file__).with_name("results")
README = Path(__file__).with_name("README.md")
FLASK = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
EXERCISE = "single-leg-rdl"  # a real exercise, present in every corpus
WORKERS = 2
FLOOR_APP = "bench.floor_app:app"
BUILDS = 3
LOAD_SIZE = 1000  # the load bars' corpus; the largest one is used for bars 7 and 8
HTMX = {"HX-Request": "true"}
# Sent to each worker before measuring (imports, templates, the first connection), from URLs
# that no measured run sends, so the cold runs stay cold.
WARM_UP = ["/", "/exercises", "/exercises?phase=beginner", f"/exercises/{EXERCISE}?note=warm"]

# The static anchor: nginx serving one saved page, the fastest this machine answers HTTP.
STATIC_NGINX = """\
worker_processes auto;
pid {state}/nginx.pid;
error_log {state}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {state}/client_body;
    proxy_temp_path {state}/proxy;
    fastcgi_temp_path {state}/fastcgi;
    uwsgi_temp_path {state}/uwsgi;
    scgi_temp_path {state}/scgi;
    access_log off;
    sendfile on;
    server {{
        listen {listen};
        root {state}/html;
        default_type text/html;
    }}
}}
"""

# -- build bars --------------------------------------------------------------------------------


def measure_builds(size: int, work: Path) -> tuple[dict, Path, Path]:
    """Bar 3: generate a corpus of *size*, `flask check` it, and time BUILDS `flask index`."""
    started = time.perf_counter()
    corpus = generate.generate(size, work / f"corpus-{size}")
    generated = time.perf_counter() - started
    index = work / f"index-{size}.sqlite3"
    env = {**os.environ, **node_env(corpus, index)}
    started = time.perf_counter()
    check = subprocess.run([*FLASK, "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    checked = time.perf_counter() - started
    output = (check.stdout + check.stderr).strip()[-2000:]
    if check.returncode != 0:
        raise RuntimeError(f"the {size} corpus fails `flask check`:\n{output}")
    seconds = []
    for _ in range(BUILDS):
        done = subprocess.run([*FLASK, "index"], cwd=ROOT, env=env, capture_output=True, text=True)
        # The time the command itself reports: the build, without starting Python.
        match = re.search(r"Indexed (\d+) exercises in ([\d.]+) s", done.stdout)
        if done.returncode != 0 or match is None or int(match[1]) != size:
            raise RuntimeError(f"`flask index` at {size} failed:\n{done.stdout}{done.stderr}")
        seconds.append(float(match[2]))
    print(f"  {size}: check {checked:.2f} s, builds {seconds} s")
    build = {"median": statistics.median(seconds), "min": min(seconds), "max": max(seconds)}
    check_result = {"returncode": check.returncode, "seconds": round(checked, 2), "output": output}
    result = {"exercises": size, "generate_seconds": round(generated, 2), "check": check_result}
    return {**result, "builds_seconds": seconds, "build": build}, corpus, index


# -- search relevance --------------------------------------------------------------------------


def measure_relevance(corpora: dict[int, tuple[Path, Path]], work: Path) -> list[dict]:
    """success@1 and success@3 of the relevance test set (tests/relevance.py) against the
    real library and against every generated corpus, with the queries each one missed."""
    real = work / "relevance" / "index.sqlite3"
    build_index_for(ROOT / "content", real)
    libraries = [("the real library", ROOT / "content", real)]
    libraries += [(f"{size:,} exercises", *corpora[size]) for size in sorted(corpora)]
    out = []
    for name, content, index in libraries:
        app = create_app({"INDEX_PATH": index, "CONTENT_DIR": content})
        with app.test_request_context("/"):
            found = score()
        misses = [{"query": q, "wanted": wanted, "top": top} for q, wanted, top in found.misses]
        out.append(
            {
                "library": name,
                "queries": len(QUERIES),
                "at_1": found.at_1,
                "at_3": found.at_3,
                "misses": misses,
            }
        )
        print(f"  {name}: success@1 {found.at_1:.2f}, success@3 {found.at_3:.2f}")
    return out


# -- load bars ---------------------------------------------------------------------------------


@dataclass
class Endpoint:
    """One measured run: the URL, how wrk makes every request new, what a probe must get."""

    name: str
    path: str  # one URL the run sends: wrk's URL, and the probe's
    cold: list[str] | None  # bench/cold.lua arguments: a template with {n}, or @file THREADS
    note: str
    expect: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = False  # send If-None-Match with the page's own ETag
    urls: int | None = None  # how many distinct URLs an @file holds
    searches: bool = False  # ask the JSON API how many of the run's searches found nothing


def cold_search_paths() -> list[str]:
    """Distinct clean list URLs, shuffled, each with two filters and a search that finds
    something in a generated corpus: one phase, then one piece of equipment or one muscle,
    and one title word or a modifier with a movement word (743 searches, 35,664 URLs)."""
    words = generate.search_words()
    movements = sorted({w for m in generate.MOVEMENTS for w in m.name.replace("-", " ").split()})
    queries = words + [f"{a} {b}" for a in generate.MODIFIERS for b in movements]
    equipment = ["none", "dumbbell", "kettlebell", "band", "box", "bench", "balance-pad"]
    muscles = sorted({m for movement in generate.MOVEMENTS for m in movement.primary})
    second = [f"equipment={item}" for item in equipment] + [f"muscle={m}" for m in muscles]
    paths = [
        f"/exercises?phase={phase}&{other}&q={quote_plus(q)}"
        for q in queries
        for phase in generate.PHASES
        for other in second
    ]
    random.Random(7).shuffle(paths)
    return paths


def slugs(corpus: Path) -> list[str]:
    """Every exercise of *corpus*, shuffled the same way on every run."""
    found = sorted(path.stem for path in (corpus / "exercises").glob("*.md"))
    random.Random(7).shuffle(found)
    return found


def _paths_file(path: Path, paths: list[str], threads: int) -> list[str]:
    """Write *paths*, one a line, for bench/cold.lua; return its arguments."""
    path.write_text("\n".join(paths) + "\n")
    return [f"@{path}", str(threads)]


def endpoints(corpus: Path, work: Path, threads: int, every: bool = True) -> list[Endpoint]:
    """The runs of each round (bar 5; with *every* false, the cold list alone, bar 7). The
    list and its fragment take their URLs from the two halves of `cold_search_paths`."""
    searches = cold_search_paths()
    half = len(searches) // 2
    name = corpus.name
    list_cold = _paths_file(work / f"{name}-list.txt", searches[:half], threads)
    note = "a phase, an equipment or a muscle, and q; all different"
    items = [Endpoint(LIST, searches[0], list_cold, note, urls=half, searches=True)]
    if not every:
        return items
    page, cycle = f"/exercises/{EXERCISE}", [f"/exercises/{slug}" for slug in slugs(corpus)]
    return [
        *items,
        Endpoint(
            FRAGMENT,
            searches[half],
            _paths_file(work / f"{name}-fragment.txt", searches[half:], threads),
            "as the list, from the other half of the URLs, with HX-Request: true",
            headers=HTMX,
            urls=len(searches) - half,
            searches=True,
        ),
        Endpoint(
            PAGE,
            cycle[0],
            _paths_file(work / f"{name}-slugs.txt", cycle, threads),
            "/exercises/<slug>, cycling through every exercise of the corpus",
            urls=len(cycle),
        ),
        Endpoint(
            RX,
            f"{page}?rx=3x8&note=probe",
            [f"{page}?rx=3x8&note={{n}}"],
            "?rx=3x8&note=<counter>: a new note each request",
        ),
        Endpoint(NOT_MODIFIED, page, None, "If-None-Match: the page's ETag", 304, conditional=True),
    ]


def run_endpoint(base: str, item: Endpoint, args: argparse.Namespace) -> dict:
    """One wrk run of *item*, then one probe request like the run's (after it, so that the
    run's own URLs stay new) to show the status and size beside the figures."""
    headers = dict(item.headers)
    if item.conditional:
        etag = fetch(base + item.path, timeout=60).headers.get("ETag")
        headers["If-None-Match"] = etag or '"no-etag-given"'
    result = wrk.run(
        base + item.path, args.seconds, args.connections, args.threads, headers, item.cold,
        args.wrk_timeout,
    )  # fmt: skip
    probe = fetch(base + item.path, headers, timeout=60)
    print(
        f"    {item.name:20} {result.rps:9.1f} req/s p99 {result.p99_ms} ms "
        f"failures {result.failures}, probe {probe.status}"
    )
    return {
        "endpoint": item.name,
        "how": item.note,
        "response": {"status": probe.status, "expected": item.expect, "bytes": len(probe.body)},
        "distinct_urls": item.urls,
        "found_nothing": found_nothing(base, item.cold[0][1:]) if item.searches else None,
        **result.as_dict(),
    }


def found_nothing(base: str, paths_file: str, sample: int = 40) -> list[int]:
    """How many of the first *sample* searches of a run (sent by it already, so asking again
    changes nothing) find no exercise, asked of the JSON API, which takes the same filters:
    [found nothing, asked]."""
    counts = []
    for path in Path(paths_file).read_text().splitlines()[:sample]:
        response = fetch(f"{base}/api{path}", timeout=60)
        if response.status == 200:  # an API that fails is no reason to lose the run
            counts.append(json.loads(response.body).get("count"))
    return [counts.count(0), len(counts)]


def warm_up(base: str, workers: int) -> None:
    """Each warm-up URL (and the fragment) a few times per worker, before any run."""
    for path in WARM_UP:
        for _ in range(workers * 2):
            fetch(base + path, timeout=120)
            fetch(base + path, HTMX, timeout=120)


def worker_memory(master: subprocess.Popen) -> list[float]:
    """RSS of each gunicorn worker of *master*, MiB."""
    return [round(m, 1) for m in map(wrk.rss_mib, wrk.children(master.pid)) if m is not None]


def logged_errors(supervisor: Supervisor, name: str) -> int:
    """Error lines and tracebacks in a process's log (a crashed request, a worker timeout)."""
    text = (supervisor.log_dir / f"{name}.log").read_text("utf-8", "replace")
    return sum("[ERROR]" in line or line.startswith("Traceback") for line in text.splitlines())


def start(supervisor: Supervisor, name: str, corpus: Path | None, index: Path | None = None):
    """gunicorn with WORKERS workers on a free port, serving the site over *corpus* (or,
    without one, the floor app); returns the master process and the base URL."""
    port = free_port()
    if corpus is None:
        master = cluster.start_gunicorn(supervisor, name, port, WORKERS, app=FLOOR_APP)
    else:
        master = cluster.start_gunicorn(supervisor, name, port, WORKERS, node_env(corpus, index))
    return master, f"http://{LOOPBACK}:{port}"


def anchor_run(url: str, args: argparse.Namespace) -> wrk.WrkResult:
    """One hot wrk run against an anchor, with the settings of every other run."""
    return wrk.run(url, args.seconds, args.connections, args.threads, timeout_s=args.wrk_timeout)


def measure_rounds(size: int, corpus: Path, index: Path, items: list[Endpoint], work, args) -> dict:
    """*items* in `args.rounds` rounds. Runs on a shared machine differ by more than the
    targets' margins, so each figure is judged on the median: every round starts gunicorn
    afresh and measures the floor (bar 4) right after, under the same settings."""
    rounds = []
    with Supervisor(work / f"logs-{size}") as supervisor:
        for number in range(1, args.rounds + 1):
            print(f"  {size} exercises, round {number} of {args.rounds}:")
            site, base = start(supervisor, "site", corpus, index)
            warm_up(base, WORKERS)
            runs = [run_endpoint(base, item, args) for item in items]
            rss = worker_memory(site)
            supervisor.stop(site)
            errors = logged_errors(supervisor, "site")
            floor, base = start(supervisor, "floor", None)
            floor_run = anchor_run(f"{base}/", args)
            supervisor.stop(floor)
            print(f"    floor {floor_run.rps:.1f} req/s; worker RSS {rss} MiB")
            for run in runs:
                run["vs_floor"] = round(run["rps"] / floor_run.rps, 3) if floor_run.rps else None
            one = {"runs": runs, "floor": floor_run.as_dict(), "worker_rss_mib": rss}
            rounds.append({**one, "log_errors": errors})
    return {"exercises": size, "workers": WORKERS, "rounds": rounds, "medians": medians(rounds)}


def medians(rounds: list[dict]) -> dict[str, dict]:
    """Per endpoint of *rounds*: the median and range of req/s, p99 and the ratio to the
    floor, leaving out a round without the figure (with an even number of rounds, the
    median is the mean of the middle two); and the failures of all rounds together."""
    by_endpoint: dict[str, list[dict]] = {}
    for one in rounds:
        for run in one["runs"]:
            by_endpoint.setdefault(run["endpoint"], []).append(run)
    return {
        endpoint: {
            **{
                key: {"median": statistics.median(values), "min": min(values), "max": max(values)}
                for key in ("rps", "p99_ms", "vs_floor")
                if (values := [run[key] for run in runs if run.get(key) is not None])
            },
            "failures": sum(run["failures"] for run in runs),
        }
        for endpoint, runs in by_endpoint.items()
    }


def measure_nginx(size: int, corpus: Path, index: Path, work: Path, state_root, args) -> dict:
    """Bar 6: one page hot through the nginx cache in front of 2 nodes of 1 worker, then
    nginx serving a saved copy of the same bytes from a file."""
    with Supervisor(work / "logs-nginx") as supervisor:
        setup = cluster.start_scale_out(
            supervisor, corpus, work / "scale-out", state_root / "scale-out", nodes=2,
            workers=1, cache_valid="60s", index_source=index,
        )  # fmt: skip
        url = f"{setup.url}/exercises/{EXERCISE}"
        for _ in range(3):  # the first is a MISS that fills the cache
            page = fetch(url, timeout=60)
        cached = anchor_run(url, args)
        after = fetch(url, timeout=60)
        supervisor.close()  # the nodes and the cache must not compete with the static run

        state = state_root / "static"
        (state / "html").mkdir(parents=True)
        (state / "html" / "exercise.html").write_bytes(page.body)
        port = free_port()
        config = STATIC_NGINX.format(state=state, listen=f"{LOOPBACK}:{port}")
        cluster.start_nginx(supervisor, "nginx-static", config, state, port)
        static = anchor_run(f"http://{LOOPBACK}:{port}/exercise.html", args)
    print(f"  nginx cache {cached.rps:.1f} req/s, nginx static {static.rps:.1f} req/s")
    return {
        "exercises": size,
        "page": {"status": page.status, "bytes": len(page.body)},
        "x_cache_status": after.headers.get("X-Cache-Status"),
        "cache": cached.as_dict(),
        "static": static.as_dict(),
        "vs_static": round(cached.rps / static.rps, 3) if static.rps else None,
    }


def soak_paths(slugs: list[str], searches: list[str], count: int = 100_000) -> list[str]:
    """A mixed, ever-changing stream: exercise pages across the whole library, searches,
    the home page and a static file, every URL new."""
    paths = []
    for n in range(count):
        kind = n % 5
        if kind in (0, 1):
            paths.append(f"/exercises/{slugs[n % len(slugs)]}?note={n}")
        elif kind == 2:
            paths.append(searches[n % len(searches)])
        elif kind == 3:
            paths.append(f"/?n={n}")
        else:
            paths.append(f"/static/css/site.css?n={n}")
    return paths


def measure_soak(size: int, corpus: Path, index: Path, work: Path, args) -> dict:
    """Bar 8: many connections on a mixed stream of new URLs; no request may fail."""
    paths = soak_paths(slugs(corpus), cold_search_paths())
    cold = _paths_file(work / "soak.txt", paths, args.threads)
    with Supervisor(work / "logs-soak") as supervisor:
        site, base = start(supervisor, "soak", corpus, index)
        warm_up(base, WORKERS)
        workers_at_start, rss_start = wrk.children(site.pid), worker_memory(site)
        print(f"  soak: {args.soak_seconds:g} s at {args.soak_connections} connections")
        run = wrk.run(
            f"{base}/", args.soak_seconds, args.soak_connections,
            args.threads, cold=cold, timeout_s=args.wrk_timeout,
        )  # fmt: skip
        workers_at_end, rss_end = wrk.children(site.pid), worker_memory(site)
        supervisor.stop(site)
        errors = logged_errors(supervisor, "soak")
    return {
        "exercises": size,
        "seconds": args.soak_seconds,
        "connections": args.soak_connections,
        "mix": "2/5 exercise pages with a new note, 1/5 searches, 1/5 home, 1/5 a static file",
        "worker_rss_mib_start": rss_start,
        "worker_rss_mib_end": rss_end,
        # A worker that crashed or was killed for a timeout comes back with a new pid.
        "workers_replaced": len(set(workers_at_end) - set(workers_at_start)),
        "log_errors": errors,
        **run.as_dict(),
    }


# -- the whole run -----------------------------------------------------------------------------


def machine() -> dict:
    """What the numbers were measured on."""

    def output(argv: list[str]) -> str:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        return (done.stdout + done.stderr).strip()

    git = ["git", "-C", str(ROOT)]
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "gunicorn": gunicorn.__version__,
        "nginx": output([cluster.NGINX, "-v"]).splitlines()[0],
        # wrk --version prints its version, then its usage.
        "wrk": output(["wrk", "--version"]).split(" [", 1)[0],
        "commit": output([*git, "rev-parse", "--short", "HEAD"]) or "(not a git checkout)",
        "uncommitted_files": len(output([*git, "status", "--porcelain"]).splitlines()),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, with --quick and the defaults filled in."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 only, 2 s, 1 round, 5 s soak")
    parser.add_argument("--sizes", type=int, nargs="+", help="corpus sizes (default 1000 10000)")
    parser.add_argument("--seconds", type=float, help="each wrk run (default 8)")
    parser.add_argument("--rounds", type=int, help="of the load runs (default 3)")
    parser.add_argument("--soak-seconds", type=float, help="the soak (default 20)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--soak-connections", type=int, default=64)
    parser.add_argument("--wrk-timeout", type=float, default=10, help="seconds; wrk's is 2")
    args = parser.parse_args(argv)
    args.sizes = sorted(set(args.sizes or ([1000] if args.quick else [1000, 10_000])))
    args.seconds = args.seconds or (2 if args.quick else 8)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.soak_seconds = args.soak_seconds or (5 if args.quick else 20)
    return args


def main(argv: list[str] | None = None) -> int:
    """Run everything, print as it goes, and write the results."""
    args = parse_args(argv)
    for tool in ("wrk", cluster.NGINX):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install -y nginx wrk")
    results: dict = {
        "machine": machine(),
        "settings": {
            "sizes": args.sizes,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds:g}s --latency "
            f"--timeout {args.wrk_timeout:g}s",
            "gunicorn_workers": WORKERS,
            "rounds": args.rounds,
            "builds": BUILDS,
            "soak": f"{args.soak_seconds:g} s at {args.soak_connections} connections",
            "quick": args.quick,
        },
    }
    print("code")
    results["code"] = code_bars.measure()
    work = Path(tempfile.mkdtemp(prefix="exercise-library-bench-"))
    # Directly under /tmp and open to others: nginx's workers run as `nobody` under root.
    state_root = Path(tempfile.mkdtemp(prefix="exercise-library-bench-nginx-"))
    state_root.chmod(0o755)
    try:
        print("index builds")
        results["builds"], corpora = [], {}
        for size in args.sizes:
            measured, corpus, index = measure_builds(size, work)
            results["builds"].append(measured)
            corpora[size] = (corpus, index)
        print("search relevance")
        results["relevance"] = measure_relevance(corpora, work)
        load_size = LOAD_SIZE if LOAD_SIZE in corpora else args.sizes[0]
        corpus, index = corpora[load_size]
        print(f"load at {load_size} exercises")
        items = endpoints(corpus, work, args.threads)
        results["load"] = measure_rounds(load_size, corpus, index, items, work, args)
        print("nginx")
        results["nginx"] = measure_nginx(load_size, corpus, index, work, state_root, args)
        large = args.sizes[-1]
        corpus, index = corpora[large]
        if large != load_size:
            print(f"load at {large} exercises")
            items = endpoints(corpus, work, args.threads, every=False)
            results["large"] = measure_rounds(large, corpus, index, items, work, args)
        results["soak"] = measure_soak(large, corpus, index, work, args)
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(state_root, ignore_errors=True)
    results["bars"] = report.bars(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(report.markdown(results))
    report.update_readme(README, results)
    print(report.summary(results["bars"]))
    print(f"wrote {RESULTS / 'latest.json'}, {RESULTS / 'latest.md'} and {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
