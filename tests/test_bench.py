"""The benchmark's arithmetic and judgement: bars are judged on the median of rounds, a missing
figure is left out rather than counted, and the code bars find cycles and lazy imports."""

from bench.code_bars import cycles, import_graph, python_lines
from bench.report import FRAGMENT, LIST, bars_table, load_bars
from bench.run import medians


def _run(endpoint: str, rps: float, p99_ms: float | None, vs_floor: float, status=200) -> dict:
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
        "response": {"status": status, "expected": 200, "bytes": 1000},
    }


ROUNDS = [
    {"runs": [_run(LIST, 1200.0, 20.0, 0.30), _run(FRAGMENT, 1500.0, 16.0, 0.37)]},
    {"runs": [_run(LIST, 1400.0, 18.0, 0.34), _run(FRAGMENT, 1400.0, 13.0, 0.35)]},
    {"runs": [_run(LIST, 1300.0, None, 0.02), _run(FRAGMENT, 1450.0, 14.0, 0.36)]},
]


def _load(rounds: list[dict]) -> dict:
    rounds = [{**one, "floor": {"rps": 4000.0, "p99_ms": 2.0}} for one in rounds]
    return {"exercises": 1000, "rounds": rounds, "medians": medians(rounds)}


def test_medians_take_the_middle_round_of_each_figure():
    fragment = medians(ROUNDS)[FRAGMENT]
    # The mean of 16, 13 and 14 would be 14.33.
    assert fragment["p99_ms"] == {"median": 14.0, "min": 13.0, "max": 16.0}
    assert fragment["rps"]["median"] == 1450.0
    assert fragment["failures"] == 0


def test_medians_leave_out_a_round_without_the_figure():
    # Counted as zero, the missing p99 would make the median 18 and the minimum 0.
    assert medians(ROUNDS)[LIST]["p99_ms"] == {"median": 19.0, "min": 18.0, "max": 20.0}


def test_a_bar_is_judged_on_the_median_with_its_range_beside_it():
    # One bad round (0.02x) would pull a mean of the three below 0.25; the median is 0.30.
    row = next(r for r in load_bars(_load(ROUNDS)) if r["what"] == LIST)
    assert row["figure"] == "0.3x (0.02x to 0.34x) of the floor; 1,300.0 (1,200.0 to 1,400.0) req/s"
    assert row["met"] is True
    line = f"| 5a | {LIST} | {row['figure']} | at least 0.15x | met |  |"
    assert line in bars_table([row])


def test_a_run_whose_probe_got_another_status_misses_its_bar():
    rounds = [{"runs": [_run(LIST, 3000.0, 5.0, 0.75, status=302)]}]
    row = next(r for r in load_bars(_load(rounds)) if r["what"] == LIST)
    assert row["met"] is False
    assert "probe answered [302], not 200" in row["note"]


def test_code_bars_find_cycles_and_lazy_imports(tmp_path):
    package = tmp_path / "site" / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from . import a\n")
    (package / "a.py").write_text("from .sub import b\n\n\ndef f():\n    import json\n")
    (package / "sub" / "b.py").write_text("from ..a import f\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from . import a\n"
    )
    runtime, typed, lazy = import_graph(package)
    assert cycles(runtime) == [["pkg.a", "pkg.sub.b", "pkg.a"]]
    assert "pkg.a" not in runtime["pkg.c"] and "pkg.a" in typed["pkg.c"]
    assert [entry.split(":", 2)[1:] for entry in lazy] == [["5", " import json"]]
    assert python_lines(tmp_path / "site")["total"] == 1 + 5 + 1 + 4
