"""Turn the benchmark's results into bench/results/latest.md."""

from __future__ import annotations


def _n(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}x"


def _failures(run: dict) -> str:
    if not run["requests"]:
        # wrk counts a request still running when the run ends as neither done nor failed.
        return "no response within the run"
    if not run["failures"]:
        return "0"
    parts = [f"{k} {v}" for k, v in run["errors"].items() if v]
    if run["non_2xx_3xx"]:
        parts.append(f"non-2xx/3xx {run['non_2xx_3xx']}")
    return ", ".join(parts)


def _load_table(runs: list[dict]) -> list[str]:
    lines = [
        "| page | run | a response | req/s | p50 ms | p99 ms | failures | vs floor | vs nginx |",
        "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for run in runs:
        response = run["response"]
        answer = f"{response['status']}, {response['bytes']:,} B"
        if response["x_cache_status"]:
            answer += f", {response['x_cache_status']}"
        lines.append(
            f"| {run['endpoint']} | {run['mode']} | {answer} | {_n(run['rps'])} "
            f"| {_n(run['p50_ms'], 2)} | {_n(run['p99_ms'], 2)} | {_failures(run)} "
            f"| {_ratio(run.get('vs_floor'))} | {_ratio(run.get('vs_nginx'))} |"
        )
    return lines


def _range(figure: dict, show) -> str:
    low, high = show(figure["min"]), show(figure["max"])
    return show(figure["median"]) + ("" if low == high else f" ({low} to {high})")


def rounds_section(searches: dict) -> list[str]:
    """The cold searches at one size: every round, then the median of each figure."""
    rounds = searches["rounds"]
    lines = [
        f"## Cold searches at {searches['exercises']:,} exercises: {len(rounds)} "
        f"round{'s' if len(rounds) != 1 else ''}",
        "",
        "Each round starts 2 sync workers afresh (their caches empty), runs the filtered "
        "list and its htmx fragment cold (URLs as in the load below), then the floor "
        "(bench/floor_app.py, same gunicorn settings). The targets are judged on the medians.",
        "",
        "| round | page | a response | req/s | p50 ms | p99 ms | failures | floor req/s "
        "| vs floor |",
        "| ---: | --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for number, one in enumerate(rounds, 1):
        for run in one["runs"]:
            response = run["response"]
            lines.append(
                f"| {number} | {run['endpoint']} | {response['status']}, {response['bytes']:,} B "
                f"| {_n(run['rps'])} | {_n(run['p50_ms'], 2)} | {_n(run['p99_ms'], 2)} "
                f"| {_failures(run)} | {_n(one['floor']['rps'])} | {_ratio(run['vs_floor'])} |"
            )
    lines += [
        "",
        "| page | req/s, median (range) | p99 ms, median (range) | vs floor, median (range) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for endpoint, figures in searches["medians"].items():
        cells = [
            _range(figures[key], show) if key in figures else "-"
            for key, show in (("rps", _n), ("p99_ms", lambda v: _n(v, 2)), ("vs_floor", _ratio))
        ]
        lines.append(f"| {endpoint} | {' | '.join(cells)} |")
    return lines


def markdown(results: dict) -> str:
    """The whole report as one Markdown page."""
    machine, settings = results["machine"], results["settings"]
    out = [
        "# Benchmark",
        "",
        f"{machine['date']}, {machine['cpus']} CPUs, load average {machine['load_average_at_start']}"
        f" at start and {machine.get('load_average_at_end', '-')} at end; commit {machine['commit']}"
        f" with {machine['uncommitted_files']} uncommitted files; Python {machine['python']}, "
        f"gunicorn {machine['gunicorn']}, {machine['nginx']}, {machine['wrk']}. "
        f"wrk `{settings['wrk']}`{' (quick run)' if settings['quick'] else ''}.",
        "",
    ]
    # Only the load before the run is someone else's: the soak alone keeps both CPUs busy.
    before = machine["load_average_at_start"][0]
    if before > machine["cpus"] / 2:
        out += [
            f"**The machine was busy** before the run started (load average {before} on "
            f"{machine['cpus']} CPUs): other work competed with every measurement, so the "
            "rates are lower and the latencies higher than on an idle machine.",
            "",
        ]
    out += [
        "## Index builds",
        "",
        "| exercises | `flask check` | full build | per file | one file changed | per file "
        "| startup check, nothing changed |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["index"]:
        out.append(
            f"| {row['exercises']:,} | {row['flask_check']['seconds']:.2f} s "
            f"| {row['full_build']['seconds']:.2f} s | {row['full_build']['ms_per_file']:.2f} ms "
            f"| {row['one_file_changed']['seconds']:.2f} s "
            f"| {row['one_file_changed']['ms_per_file']:.2f} ms "
            f"| {row['unchanged_startup_check']['seconds']:.3f} s |"
        )
    out += [
        "",
        '"One file changed" is an incremental build: the changed file is read again and its '
        "rows patched into a copy of the index. `flask check` includes starting Python and "
        "importing the app.",
    ]

    for searches in results.get("searches", []):
        out += ["", *rounds_section(searches)]

    load = results["load"]
    anchors = load["anchors"]
    out += [
        "",
        f"## Load at {load['exercises']:,} exercises: gunicorn, {load['gunicorn_workers']} sync workers",
        "",
        *_load_table(load["runs"]),
        "",
        "Anchors, in the same run:",
        "",
        "| anchor | req/s | p50 ms | p99 ms | failures |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, run in anchors.items():
        out.append(
            f"| {name}: {run['what']} | {_n(run['rps'])} | {_n(run['p50_ms'], 2)} "
            f"| {_n(run['p99_ms'], 2)} | {_failures(run)} |"
        )
    rss = load["worker_rss_mib_after_load"]
    out += [
        "",
        f"Worker RSS after the load: {', '.join(f'{m:.1f} MiB' for m in rss)}.",
        "",
        "Hot: the same URL every request. Cold: a new URL every request "
        "(bench/cold.lua), so no cache has seen it:",
        "",
    ]
    seen = set()
    for run in load["runs"]:
        if run["mode"] == "cold" and run["endpoint"] not in seen:
            seen.add(run["endpoint"])
            out.append(f"- {run['endpoint']}: {run['cold_url']}")
    out += [
        "",
        "gunicorn's sync workers close the connection after every response, so wrk "
        "reconnects each time; nginx keeps connections open.",
        "",
        f"## The same through the nginx cache ({load['scale_out']['what']})",
        "",
        *_load_table(load["scale_out"]["runs"]),
    ]

    soak = results["soak"]
    out += [
        "",
        f"## Soak: {soak['seconds']:g} s at {soak['connections']} connections against gunicorn",
        "",
        f"Mix: {soak['mix']}.",
        "",
        "| requests | req/s | p50 ms | p99 ms | failures | worker RSS, first "
        f"{soak['window_seconds']:.3g} s | last {soak['window_seconds']:.3g} s |",
        "| ---: | ---: | ---: | ---: | --- | --- | --- |",
        f"| {soak['requests']:,} | {_n(soak['rps'])} | {_n(soak['p50_ms'], 2)} "
        f"| {_n(soak['p99_ms'], 2)} | {_failures(soak)} "
        f"| max {_n(soak['first_window']['max_worker_rss_mib'])} MiB, total "
        f"{_n(soak['first_window']['mean_total_rss_mib'])} MiB "
        f"| max {_n(soak['last_window']['max_worker_rss_mib'])} MiB, total "
        f"{_n(soak['last_window']['mean_total_rss_mib'])} MiB |",
        "",
        f"Zero errors: {'yes' if soak['zero_errors'] else 'NO'}. "
        f"Workers replaced during the soak: {soak['workers_replaced']}.",
        "",
    ]
    return "\n".join(out)
