"""Render time and size of the step figures (a script that prints numbers, not a test).

    python bench/bench_figures.py

Cold: the first render in a fresh process (key poses and frames rebuilt from solved.json).
Warm: the same figure again in the same process (poses and frames cached, SVG rebuilt).
Left-side: a step done on each side drawn for the left (mirrored; its frames are cached once
the both-sides figure has been drawn, so this is close to a warm render).
Live solve: settling a key pose without the shipped results, as after editing poses.yaml.
"""

from __future__ import annotations

import statistics
import time


def _stats(label: str, values: list[float], unit: str = "ms") -> None:
    values = sorted(values)
    p95 = values[max(0, round(0.95 * len(values)) - 1)]
    print(f"{label:32s} n={len(values):3d}  mean {statistics.mean(values):7.1f} {unit}  "
          f"p95 {p95:7.1f} {unit}  max {values[-1]:7.1f} {unit}")


def main() -> None:
    started = time.perf_counter()
    import backrelief.figures as figures

    print(f"{'import backrelief.figures':32s} {1000 * (time.perf_counter() - started):7.1f} ms")
    from backrelief.figures.bake import baked

    started = time.perf_counter()
    baked()
    print(f"{'load solved.json':32s} {1000 * (time.perf_counter() - started):7.1f} ms")

    steps = figures.every_step()
    cold, warm, still, sizes = [], [], [], []
    for technique, variant, index in steps:
        t0 = time.perf_counter()
        svg = figures.render_step_svg(technique, index, variant_id=variant)
        cold.append(1000 * (time.perf_counter() - t0))
        sizes.append(len(svg) / 1024)
    for technique, variant, index in steps:
        t0 = time.perf_counter()
        figures.render_step_svg(technique, index, variant_id=variant)
        warm.append(1000 * (time.perf_counter() - t0))
        t0 = time.perf_counter()
        figures.render_step_svg(technique, index, variant_id=variant, animated=False)
        still.append(1000 * (time.perf_counter() - t0))
    _stats("animated figure, cold", cold)
    _stats("animated figure, warm", warm)
    _stats("still figure, warm", still)
    _stats("animated figure size", sizes, "KB")
    sided, sided_sizes = [], []
    for technique, variant, index in steps:
        if figures.figure_for_step(technique, index, variant_id=variant, side="left").side is None:
            continue
        t0 = time.perf_counter()
        svg = figures.render_step_svg(technique, index, variant_id=variant, side="left")
        sided.append(1000 * (time.perf_counter() - t0))
        sided_sizes.append(len(svg) / 1024)
    _stats("left-side animated figure", sided)
    _stats("left-side animated size", sided_sizes, "KB")
    print(f"{'all step figures, cold':32s} {sum(cold) / 1000:7.2f} s for {len(steps)} steps")

    from backrelief.figures.poses import pose_library
    from backrelief.figures.scene import solve_pose

    library = pose_library()
    live = []
    for pose_id in ("hook-lying", "all-fours", "roller-lean", "open-book-open", "seated-rotate"):
        t0 = time.perf_counter()
        solve_pose(library[pose_id])
        live.append(1000 * (time.perf_counter() - t0))
    _stats("live solve of a key pose", live)


if __name__ == "__main__":
    main()
