"""Benchmark: planning time over many random profiles, and `backrelief --help` start-up time.

Prints numbers, asserts nothing (DESIGN.md: measured by bench/, never by timed tests).
Run: .venv/bin/python bench/bench_planner.py [--profiles N] [--runs N]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def bench_planning(count: int, seed: int) -> None:
    from backrelief.core.catalog import default_catalog
    from backrelief.core.planner import Profile, plan_routine
    from backrelief.core.timeline import build_timeline
    from backrelief.core.vocabulary import CONDITION_IDS, EQUIPMENT

    catalog = default_catalog()
    rng = random.Random(seed)
    profiles = [
        Profile(
            region=rng.choice(["upper", "lower", "whole"]),  # type: ignore[arg-type]
            equipment=frozenset(rng.sample(EQUIPMENT, rng.randint(0, len(EQUIPMENT)))),  # type: ignore[arg-type]
            minutes=rng.randint(3, 60),
            conditions=frozenset(rng.sample(CONDITION_IDS, rng.randint(0, 3))),  # type: ignore[arg-type]
            pregnancy_weeks=rng.choice([None, None, 8, 24]),
            pain=rng.choice([None, 2, 5, 8]),
        )
        for _ in range(count)
    ]
    start = time.perf_counter()
    plan_routine(profiles[0], catalog)
    cold = (time.perf_counter() - start) * 1000

    plans: list[float] = []
    timelines: list[float] = []
    for profile in profiles:
        start = time.perf_counter()
        routine = plan_routine(profile, catalog)
        middle = time.perf_counter()
        build_timeline(routine, catalog)
        plans.append((middle - start) * 1000)
        timelines.append((time.perf_counter() - middle) * 1000)
    print(f"catalogue: {len(catalog.techniques)} techniques; {count} random profiles")
    print(f"plan_routine  first call {cold:.2f} ms (loads the condition rules)")
    print(f"plan_routine  median {statistics.median(plans):.3f} ms  "
          f"p95 {_percentile(plans, 0.95):.3f} ms  max {max(plans):.3f} ms")
    print(f"build_timeline median {statistics.median(timelines):.3f} ms  "
          f"p95 {_percentile(timelines, 0.95):.3f} ms  max {max(timelines):.3f} ms")


def bench_scaling(count: int, seed: int) -> None:
    """Planning time on a 150- and a 1,500-technique synthetic catalogue, as a ratio: about 10
    means linear (or n log n) in the catalogue; about 100 would mean quadratic (issue 16)."""
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    from tests.core.test_planner_scale import _synthetic

    from backrelief.core.catalog import Catalog
    from backrelief.core.planner import Profile, plan_routine

    rng = random.Random(seed)
    big = [_synthetic(i, rng) for i in range(1500)]
    catalogs = {size: Catalog({t.id: t for t in big[:size]}, {}, {}) for size in (150, 1500)}
    profiles = [Profile(minutes=rng.randint(3, 60), region=rng.choice(["upper", "lower", "whole"]),
                        equipment=frozenset(rng.sample(["foam_roller", "chair", "tennis_ball"],
                                                       rng.randint(0, 3))))  # type: ignore[arg-type]
                for _ in range(count)]
    medians = {}
    for size, catalog in catalogs.items():
        times = []
        for profile in profiles:
            start = time.perf_counter()
            plan_routine(profile, catalog)
            times.append((time.perf_counter() - start) * 1000)
        medians[size] = statistics.median(times)
        print(f"synthetic catalogue of {size}: plan_routine median {medians[size]:.2f} ms")
    print(f"ratio 1500 / 150: {medians[1500] / medians[150]:.1f} (10 = linear)")


def rows(count: int = 60, seed: int = 4) -> list[Any]:
    """The planner rows of the table (bench/table.py): plan time on synthetic catalogues of 10x
    and 100x the shipped size, as ratios to the same profiles on one of 1x. The goal is the
    n log n bound (issue 16): 10 log 150 / log 15 ~ 18.5x and 100 log 1500 / log 15 ~ 270x;
    linear would be 10x and 100x."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from table import at_most
    from tests.core.test_planner_scale import _synthetic

    from backrelief.core.catalog import Catalog, default_catalog
    from backrelief.core.planner import Profile, plan_routine

    size = len(default_catalog().techniques)
    rng = random.Random(seed)
    pool = [_synthetic(i, rng) for i in range(size * 100)]
    catalogs = {factor: Catalog({t.id: t for t in pool[:size * factor]}, {}, {})
                for factor in (1, 10, 100)}
    profiles = [Profile(minutes=rng.randint(3, 60), region=rng.choice(["upper", "lower", "whole"]),
                        equipment=frozenset(rng.sample(["foam_roller", "chair", "tennis_ball"],
                                                       rng.randint(0, 3))))  # type: ignore[arg-type]
                for _ in range(count)]

    def total(catalog: Catalog) -> float:
        start = time.perf_counter()
        for profile in profiles:
            plan_routine(profile, catalog)
        return time.perf_counter() - start

    times: dict[int, list[float]] = {factor: [] for factor in catalogs}
    for _ in range(3):  # interleaved rounds
        for factor, catalog in catalogs.items():
            times[factor].append(total(catalog))
    best = {factor: statistics.median(values) for factor, values in times.items()}
    out = []
    for factor in (10, 100):
        n = size * factor
        bound = factor * math.log(n) / math.log(size)
        out.append(at_most(f"planner, {n} techniques ({factor}x catalogue) / {size} (1x)",
                           best[factor] / best[1], round(bound, 1),
                           detail=f"linear would be {factor}x"))
    return out


def bench_startup(runs: int) -> None:
    command = [sys.executable, "-m", "backrelief", "--help"]
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append((time.perf_counter() - start) * 1000)
    baseline = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        baseline.append((time.perf_counter() - start) * 1000)
    print(f"backrelief --help  median {statistics.median(times):.0f} ms  "
          f"min {min(times):.0f} ms over {runs} runs "
          f"(bare python start-up: median {statistics.median(baseline):.0f} ms)")
    check = ("import sys, runpy; sys.argv = ['backrelief', '--help']\n"
             "try:\n    runpy.run_module('backrelief', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
             "('sqlalchemy', 'fastapi', 'uvicorn', 'rich', 'pydantic', 'yaml', 'alembic'))\n"
             "sys.stderr.write('heavy modules imported by --help: ' + (', '.join(heavy) or 'none')"
             " + '\\n')\n")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    print(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "(no report)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    bench_planning(args.profiles, args.seed)
    bench_scaling(max(20, args.profiles // 40), args.seed)
    bench_startup(args.runs)


if __name__ == "__main__":
    main()
