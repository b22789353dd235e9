"""`make bench`: run every benchmark that reports against a goal, print ONE table.

Each ``bench/bench_*.py`` with a ``rows()`` function contributes its rows (see bench/table.py);
scripts without one are still run on their own by ``python bench/bench_<name>.py``. Asserts
nothing: speed is measured here, never by timed tests (DESIGN.md).

    .venv/bin/python bench/run.py [--only cli,planner,web]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from table import Row, render  # noqa: E402 - bench/ is not a package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", default="", help="comma-separated script names, e.g. cli,web")
    args = parser.parse_args()
    wanted = {name.strip() for name in args.only.split(",") if name.strip()}
    rows: list[Row] = []
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        module = importlib.import_module(script.stem)
        collect = getattr(module, "rows", None)
        if collect is None:
            continue
        started = time.monotonic()
        print(f"== {script.name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(collect())
        except Exception:
            traceback.print_exc()
            rows.append(Row(f"{script.name}", "-", "FAILED (traceback above)"))
        print(f"   {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    print(render(rows))


if __name__ == "__main__":
    main()
