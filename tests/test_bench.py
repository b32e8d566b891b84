"""The benchmark's arithmetic: the close targets are judged on the median of rounds."""

from bench.report import rounds_section
from bench.run import medians


def _run(endpoint: str, rps: float, p99_ms: float | None, vs_floor: float) -> dict:
    return {
        "endpoint": endpoint,
        "rps": rps,
        "p50_ms": 1.0,
        "p99_ms": p99_ms,
        "vs_floor": vs_floor,
        "requests": 100,
        "failures": 0,
        "errors": {},
        "non_2xx_3xx": 0,
        "response": {"status": 200, "bytes": 1000, "x_cache_status": None},
    }


ROUNDS = [
    {"runs": [_run("list", 1200.0, 20.0, 0.30), _run("fragment", 1500.0, 16.0, 0.37)]},
    {"runs": [_run("list", 1400.0, 18.0, 0.34), _run("fragment", 1400.0, 13.0, 0.35)]},
    {"runs": [_run("list", 1300.0, None, 0.32), _run("fragment", 1450.0, 14.0, 0.36)]},
]


def test_medians_take_the_middle_round_of_each_figure():
    fragment = medians(ROUNDS)["fragment"]
    assert fragment["p99_ms"] == {"median": 14.0, "min": 13.0, "max": 16.0}
    assert fragment["rps"]["median"] == 1450.0


def test_medians_leave_out_a_round_without_the_figure():
    assert medians(ROUNDS)["list"]["p99_ms"] == {"median": 19.0, "min": 18.0, "max": 20.0}


def test_report_gives_each_median_with_its_range():
    rounds = [{**one, "floor": {"rps": 4000.0}} for one in ROUNDS]
    searches = {"exercises": 1000, "rounds": rounds, "medians": medians(rounds)}
    lines = rounds_section(searches)
    assert (
        "| fragment | 1,450.0 (1,400.0 to 1,500.0) | 14.00 (13.00 to 16.00) | 0.36x (0.35x to 0.37x) |"
        in lines
    )
