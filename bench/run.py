"""The benchmark (not a test): index builds, load under wrk, the nginx cache, and a soak.

    python -m bench.run                     # 1,000 and 10,000 exercises, 8 s runs, 60 s soak
    python -m bench.run --quick             # 1,000 only, 2 s runs, 1 round, 10 s soak

Writes bench/results/latest.json and bench/results/latest.md. Everything listens on
127.0.0.1; every process it starts is stopped and every temporary file removed when it
ends, whether it finishes or fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

import gunicorn

from bench import generate, report, wrk
from deploy.cluster import (
    LOOPBACK,
    NGINX,
    ROOT,
    Supervisor,
    fetch,
    free_port,
    node_env,
    start_gunicorn,
    start_nginx,
    start_scale_out,
)

RESULTS = Path(__file__).with_name("results")
HTMX = {"HX-Request": "true"}
EXERCISE = "single-leg-rdl"  # a real exercise, present in every corpus
FILTERED = "/exercises?phase=beginner&equipment=none&q=squat"
WORKERS = 2

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


@dataclass
class Endpoint:
    """One kind of page: its hot URL, and how wrk makes every request of the cold run new."""

    name: str
    path: str
    cold: list[str]  # bench/cold.lua arguments: a template with {n}, or @file and threads
    cold_note: str
    headers: dict[str, str] = field(default_factory=dict)


def endpoints(cold_files: tuple[Path, Path], threads: int) -> list[Endpoint]:
    """The pages the issue names, each with a hot and a cold run. The filtered list and its
    fragment take their cold URLs from two files with none in common (`write_cold_searches`):
    the fragment runs second, and must not find the very pages the list just rendered."""
    list_urls, fragment_urls = ([f"@{path}", str(threads)] for path in cold_files)
    return [
        Endpoint(
            "home",
            "/",
            ["/?n={n}"],
            "?n=<counter>: the home page reads no arguments, so the page cache answers (cold = hot by design)",
        ),
        Endpoint(
            "list, unfiltered",
            "/exercises",
            ["/exercises?n={n}"],
            "?n=<counter>: the app answers an unknown parameter with a 302 to the clean URL",
        ),
        Endpoint(
            "list, 2 filters + q",
            FILTERED,
            list_urls,
            "a different phase, equipment or muscle, and q every request; an exercise card rendered once is reused from the worker's card cache",
        ),
        Endpoint(
            "htmx fragment",
            FILTERED,
            fragment_urls,
            "as the list, from other URLs than the list's run; an exercise card rendered once is reused from the worker's card cache",
            HTMX,
        ),
        Endpoint(
            "exercise page",
            f"/exercises/{EXERCISE}",
            [f"/exercises/{EXERCISE}?note={{n}}"],
            "?note=<counter>: a new coach's note every request, so every page is rendered anew",
        ),
        Endpoint(
            "static file", "/static/css/site.css", ["/static/css/site.css?n={n}"], "?n=<counter>"
        ),
    ]


def cold_search_paths() -> list[str]:
    """Distinct clean list URLs, shuffled, each with two filters and a search that finds
    something in a generated corpus: one phase, then one piece of equipment or one muscle,
    and one title word or a modifier with a movement word (743 searches, 35,664 URLs: enough
    for the list and its fragment to run 8 s each at over 2,000 req/s without repeating one).
    How often a search comes back decides how much the search cache helps: here each one
    comes back with 48 pairs of filters."""
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


def write_cold_searches(work: Path, name: str) -> tuple[Path, Path]:
    """The cold search URLs in two files with none in common: the list's and the fragment's."""
    paths = cold_search_paths()
    half = len(paths) // 2
    files = (work / f"{name}-list.txt", work / f"{name}-fragment.txt")
    for file, part in zip(files, (paths[:half], paths[half:]), strict=True):
        file.write_text("\n".join(part) + "\n")
    return files


def soak_paths(slugs: list[str], searches: list[str], count: int = 200_000) -> list[str]:
    """A mixed, ever-changing stream: exercise pages across the whole library, searches,
    the home page and a static file, each URL new to the app's cache."""
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


# -- index builds ----------------------------------------------------------------------------


def measure_index(size: int, work: Path) -> tuple[dict, Path, Path]:
    """Generate a corpus of *size*, check it with `flask check`, and time the builds."""
    from exercise_library.indexer import build_index, ensure_index

    started = time.perf_counter()
    corpus = generate.generate(size, work / f"corpus-{size}")
    generated = time.perf_counter() - started

    started = time.perf_counter()
    check = subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "check"],
        cwd=ROOT,
        env={**os.environ, "EXERCISE_LIBRARY_CONTENT_DIR": str(corpus)},
        capture_output=True,
        text=True,
        check=False,
    )
    checked = time.perf_counter() - started
    if check.returncode != 0:
        raise RuntimeError(f"the generated corpus fails `flask check`:\n{check.stderr[-3000:]}")

    index = work / f"index-{size}.sqlite3"
    full = build_index(corpus, index, full=True).seconds
    # One file changed: a generated exercise gets one more sentence in its Safety section, and
    # the build re-reads that file only and patches its rows into a copy of the index; the
    # best of three edits, since the machine is shared. The last edit is then undone.
    changed = sorted((corpus / "exercises").glob("*.md"))[-1]
    original = changed.read_text(encoding="utf-8")
    changes = []
    for n in range(3):
        changed.write_text(original + f"Warm up first ({n + 1}).\n", encoding="utf-8")
        report = build_index(corpus, index)
        if not report.incremental or report.parsed != 1:
            raise RuntimeError(f"one changed file did not build incrementally: {report.describe()}")
        changes.append(report.seconds)
    again = min(changes)
    changed.write_text(original, encoding="utf-8")
    build_index(corpus, index)
    started = time.perf_counter()
    ensure_index(corpus, index)
    unchanged = time.perf_counter() - started

    def timing(seconds: float) -> dict:
        return {"seconds": round(seconds, 3), "ms_per_file": round(seconds / size * 1000, 3)}

    return (
        {
            "exercises": size,
            "generate_seconds": round(generated, 2),
            "flask_check": {**timing(checked), "output": check.stdout.strip()},
            "full_build": timing(full),
            "one_file_changed": {
                **timing(again),
                "note": "incremental: one file re-read, its rows patched into a copy of the "
                "index; best of three",
            },
            "unchanged_startup_check": {
                **timing(unchanged),
                "note": "ensure_index with nothing changed: stat every file (hashing only "
                "those whose size or times changed), compare versions",
            },
        },
        corpus,
        index,
    )


# -- load --------------------------------------------------------------------------------------


def probe(base: str, item: Endpoint, cold: list[str] | None) -> dict:
    """One request like those of the run (the hot URL, or one cold URL), to report status,
    size and nginx's cache status beside the numbers."""
    if cold is None:
        path = item.path
    elif cold[0].startswith("@"):
        path = Path(cold[0][1:]).read_text().split("\n", 1)[0]
    else:
        path = cold[0].replace("{n}", "probe")
    response = fetch(base + path, item.headers, timeout=60)
    return {
        "path": path,
        "status": response.status,
        "bytes": len(response.body),
        "x_cache_status": response.headers.get("X-Cache-Status"),
    }


def warm_up(base: str, items: list[Endpoint], workers: int) -> None:
    """Send each hot URL to every worker so imports, the index check and the app's cache
    are done before anything is measured."""
    for item in items:
        for _ in range(workers * 2):
            fetch(base + item.path, item.headers, timeout=120)


def load_runs(
    base: str,
    items: list[Endpoint],
    args: argparse.Namespace,
    target: str,
    modes: tuple[str, ...] = ("hot", "cold"),
) -> list:
    """A hot and a cold wrk run (or those of *modes*) for every endpoint against *base*."""
    runs = []
    for item in items:
        for mode in modes:
            cold = item.cold if mode == "cold" else None
            response = probe(base, item, cold)
            result = wrk.run(
                base + item.path,
                args.seconds,
                args.connections,
                args.threads,
                item.headers,
                cold,
                args.wrk_timeout,
            )
            runs.append(
                {
                    "target": target,
                    "endpoint": item.name,
                    "mode": mode,
                    "cold_url": item.cold_note if cold else None,
                    "response": response,
                    **result.as_dict(),
                }
            )
            print(
                f"  {target:8} {item.name:22} {mode:4} {result.rps:9.1f} req/s "
                f"p50 {result.p50_ms} ms p99 {result.p99_ms} ms failures {result.failures}"
            )
    return runs


def worker_memory(master: subprocess.Popen) -> list[float]:
    """RSS of each gunicorn worker of *master*, MiB."""
    return [round(m, 1) for m in map(wrk.rss_mib, wrk.children(master.pid)) if m is not None]


def anchor_run(url: str, args: argparse.Namespace) -> wrk.WrkResult:
    """One hot wrk run against an anchor, with the settings of every other run."""
    return wrk.run(url, args.seconds, args.connections, args.threads, timeout_s=args.wrk_timeout)


def measure_floor(supervisor: Supervisor, args: argparse.Namespace) -> wrk.WrkResult:
    """The framework floor: bench/floor_app.py under the same gunicorn settings."""
    port = free_port()
    floor = start_gunicorn(supervisor, "floor", port, WORKERS, app="bench.floor_app:app")
    run = anchor_run(f"http://{LOOPBACK}:{port}/", args)
    supervisor.stop(floor)
    return run


SEARCHES = ("list, 2 filters + q", "htmx fragment")


def measure_searches(size: int, corpus: Path, index: Path, work: Path, args) -> dict:
    """The two cold searches with targets at every size (the filtered list against the floor,
    its fragment's p99), in `args.rounds` rounds. Runs on a shared machine differ by more
    than these targets' margins, so each is judged on the median: every round starts the
    workers afresh, their caches empty, and measures the floor right after."""
    cold_files = write_cold_searches(work, f"cold-searches-{size}")
    items = [item for item in endpoints(cold_files, args.threads) if item.name in SEARCHES]
    rounds = []
    with Supervisor(work / f"logs-searches-{size}") as supervisor:
        for number in range(1, args.rounds + 1):
            port = free_port()
            site = start_gunicorn(supervisor, "site", port, WORKERS, node_env(corpus, index))
            base = f"http://{LOOPBACK}:{port}"
            warm_up(base, items, WORKERS)
            print(f"cold searches at {size} exercises, round {number} of {args.rounds}:")
            runs = load_runs(base, items, args, "gunicorn", modes=("cold",))
            supervisor.stop(site)
            floor_run = measure_floor(supervisor, args)
            print(f"  floor {floor_run.rps:.1f} req/s")
            for run in runs:
                run["vs_floor"] = round(run["rps"] / floor_run.rps, 3) if floor_run.rps else None
            rounds.append({"runs": runs, "floor": floor_run.as_dict()})
    return {"exercises": size, "rounds": rounds, "medians": medians(rounds)}


def medians(rounds: list[dict]) -> dict[str, dict]:
    """Per endpoint of *rounds*: the median and range of req/s, p99 and the ratio to the
    floor (with an even number of rounds, the mean of the middle two)."""
    by_endpoint: dict[str, list[dict]] = {}
    for one in rounds:
        for run in one["runs"]:
            by_endpoint.setdefault(run["endpoint"], []).append(run)
    return {
        endpoint: {
            key: {
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
            }
            for key in ("rps", "p99_ms", "vs_floor")
            if (values := [run[key] for run in runs if run[key] is not None])
        }
        for endpoint, runs in by_endpoint.items()
    }


def measure_load(corpus: Path, index: Path, work: Path, state_root: Path, args) -> dict:
    """The site under wrk, the two anchors, and the same through the nginx cache."""
    items = endpoints(write_cold_searches(work, "cold-searches"), args.threads)
    result: dict = {"exercises": args.load_size, "gunicorn_workers": WORKERS}
    with Supervisor(work / "logs") as supervisor:
        port = free_port()
        site = start_gunicorn(supervisor, "site", port, WORKERS, node_env(corpus, index))
        base = f"http://{LOOPBACK}:{port}"
        warm_up(base, items, WORKERS)
        page = fetch(base + f"/exercises/{EXERCISE}").body
        print(f"load at {args.load_size} exercises, gunicorn {WORKERS} workers:")
        result["runs"] = load_runs(base, items, args, "gunicorn")
        result["worker_rss_mib_after_load"] = worker_memory(site)
        supervisor.stop(site)

        floor_run = measure_floor(supervisor, args)

        state = state_root / "static"
        (state / "html").mkdir(parents=True)
        (state / "html" / "exercise.html").write_bytes(page)
        port = free_port()
        config = STATIC_NGINX.format(state=state, listen=f"{LOOPBACK}:{port}")
        static = start_nginx(supervisor, "nginx-static", config, state, port)
        nginx_run = anchor_run(f"http://{LOOPBACK}:{port}/exercise.html", args)
        supervisor.stop(static)
    result["anchors"] = {
        "flask_floor": {
            "what": "bench/floor_app.py: a fixed 25 KB string, same gunicorn settings",
            **floor_run.as_dict(),
        },
        "nginx_static": {
            "what": f"nginx serving a saved copy of /exercises/{EXERCISE} ({len(page):,} bytes)",
            **nginx_run.as_dict(),
        },
    }
    print(f"  floor {floor_run.rps:.1f} req/s, nginx static {nginx_run.rps:.1f} req/s")

    with Supervisor(work / "logs-scale-out") as supervisor:
        setup = start_scale_out(
            supervisor,
            corpus,
            work / "scale-out",
            state_root / "scale-out",
            nodes=2,
            workers=1,
            cache_valid="60s",
            index_source=index,
        )
        warm_up(setup.url, items, 1)
        result["scale_out"] = {
            "what": "nginx proxy_cache in front of 2 gunicorn nodes of 1 worker each "
            "(the same 2 workers in all); proxy_cache_valid 60s",
        }
        print("through the nginx cache:")
        result["scale_out"]["runs"] = load_runs(setup.url, items, args, "nginx")
    for run in result["runs"] + result["scale_out"]["runs"]:
        run["vs_floor"] = round(run["rps"] / floor_run.rps, 3) if floor_run.rps else None
        run["vs_nginx"] = round(run["rps"] / nginx_run.rps, 3) if nginx_run.rps else None
    return result


def measure_soak(corpus: Path, index: Path, work: Path, args) -> dict:
    """Many connections for a long while: no request may fail, and worker memory in the
    last seconds is compared with the first."""
    slugs = sorted(p.stem for p in (corpus / "exercises").glob("*.md"))
    paths_file = work / "soak-paths.txt"
    paths_file.write_text("\n".join(soak_paths(slugs, cold_search_paths())) + "\n")
    window = min(10.0, args.soak_seconds / 3)
    samples: list[tuple[float, list[float]]] = []
    with Supervisor(work / "logs-soak") as supervisor:
        port = free_port()
        site = start_gunicorn(supervisor, "soak", port, WORKERS, node_env(corpus, index))
        stop = threading.Event()

        def sample() -> None:
            started = time.monotonic()
            while not stop.wait(0.5):
                samples.append((time.monotonic() - started, worker_memory(site)))

        workers_at_start = wrk.children(site.pid)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            print(f"soak: {args.soak_seconds:g} s at {args.soak_connections} connections")
            run = wrk.run(
                f"http://{LOOPBACK}:{port}/",
                args.soak_seconds,
                args.soak_connections,
                args.threads,
                cold=[f"@{paths_file}", str(args.threads)],
                timeout_s=args.wrk_timeout,
            )
        finally:
            stop.set()
            sampler.join()
        workers_at_end = wrk.children(site.pid)

    def summary(chosen: list[list[float]]) -> dict:
        totals = [sum(s) for s in chosen if s]
        per_worker = [m for s in chosen for m in s]
        return {
            "samples": len(totals),
            "max_worker_rss_mib": round(max(per_worker), 1) if per_worker else None,
            "mean_total_rss_mib": round(sum(totals) / len(totals), 1) if totals else None,
        }

    last_start = args.soak_seconds - window
    first = summary([s for t, s in samples if t <= window])
    last = summary([s for t, s in samples if t >= last_start])
    return {
        "seconds": args.soak_seconds,
        "connections": args.soak_connections,
        "mix": "2/5 exercise pages across the library, 1/5 searches with 2 filters + q, "
        "1/5 home, 1/5 static file; every URL new",
        "window_seconds": window,
        "first_window": first,
        "last_window": last,
        # A worker that crashed or was killed for a timeout comes back with a new pid.
        "workers_replaced": len(set(workers_at_end) - set(workers_at_start)),
        "zero_errors": run.failures == 0,
        **run.as_dict(),
    }


# -- the whole run -----------------------------------------------------------------------------


def machine() -> dict:
    """What the numbers were measured on."""

    def first_line(argv: list[str], otherwise: str = "") -> str:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        lines = (done.stdout + done.stderr).strip().splitlines()
        return lines[0] if done.returncode == 0 and lines else otherwise

    git = ["git", "-C", str(ROOT)]
    # wrk --version prints its version, then its usage, and exits 1.
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "gunicorn": gunicorn.__version__,
        "nginx": first_line([NGINX, "-v"]),
        "wrk": wrk_version.split(" [", 1)[0],
        "commit": first_line([*git, "rev-parse", "--short", "HEAD"], "(not a git checkout)"),
        "uncommitted_files": len(
            subprocess.run(
                [*git, "status", "--porcelain"], capture_output=True, text=True, check=False
            ).stdout.splitlines()
        ),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, with --quick and the defaults filled in."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="1,000 only, 2 s runs, 1 round, 10 s soak"
    )
    parser.add_argument("--sizes", type=int, nargs="+", help="corpus sizes (default 1000 10000)")
    parser.add_argument("--seconds", type=float, help="each wrk run (default 8)")
    parser.add_argument("--rounds", type=int, help="of the cold searches (default 3)")
    parser.add_argument("--soak-seconds", type=float, help="the soak (default 60)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--soak-connections", type=int, default=64)
    parser.add_argument("--wrk-timeout", type=float, default=10, help="seconds; wrk's is 2")
    args = parser.parse_args(argv)
    args.sizes = sorted(args.sizes or ([1000] if args.quick else [1000, 10_000]))
    args.seconds = args.seconds or (2 if args.quick else 8)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.soak_seconds = args.soak_seconds or (10 if args.quick else 60)
    args.load_size = max(args.sizes)
    return args


def main(argv: list[str] | None = None) -> int:
    """Run everything, print as it goes, and write the results."""
    args = parse_args(argv)
    for tool in ("wrk", NGINX):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: apt-get install -y nginx wrk")
    results: dict = {
        "machine": machine(),
        "settings": {
            "sizes": args.sizes,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.seconds:g}s "
            f"--latency --timeout {args.wrk_timeout:g}s",
            "rounds": args.rounds,
            "soak_seconds": args.soak_seconds,
            "soak_connections": args.soak_connections,
            "quick": args.quick,
        },
    }
    work = Path(tempfile.mkdtemp(prefix="exercise-library-bench-"))
    # Directly under /tmp and open to others: nginx's workers run as `nobody` under root.
    state_root = Path(tempfile.mkdtemp(prefix="exercise-library-bench-nginx-"))
    state_root.chmod(0o755)
    try:
        results["index"] = []
        results["searches"] = []
        for size in args.sizes:
            print(f"index: {size} exercises")
            measured, corpus, index = measure_index(size, work)
            results["index"].append(measured)
            print(f"  full {measured['full_build']}, one changed {measured['one_file_changed']}")
            results["searches"].append(measure_searches(size, corpus, index, work, args))
        results["load"] = measure_load(corpus, index, work, state_root, args)
        results["soak"] = measure_soak(corpus, index, work, args)
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(state_root, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(report.markdown(results))
    print(f"wrote {RESULTS / 'latest.json'} and {RESULTS / 'latest.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
