"""CLI start-up: each command's CPU time as a ratio to a baseline run in the same rounds.

Goals (issue 16): ``backrelief --help`` <= 1.5x ``python -c "import click"``; ``plan --json
--minutes 10`` and ``screen --answers - --json`` <= 2x ``--help``. Every command runs in a fresh
process, interleaved with its baseline, ``--rounds`` times; the medians of the processes' CPU
time (user + system: start-up is CPU-bound, and CPU time is what a shared machine distorts
least) are compared. Content is validated once, on the first run after it changed
(core/content.py): that cost is shown as its own rows, measured with an empty content cache
after bytecode exists for every module the validation imports (pip writes bytecode for the
whole environment; a content change recompiles nothing). Bytecode is written (to a temporary
``PYTHONPYCACHEPREFIX``) as for an installed package.

    .venv/bin/python bench/bench_cli.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_web import CLEAR  # the clear answers the web benchmark uses too
from table import Row, at_most, interleaved, render

ROUNDS = 9


def _runner(args: list[str], env: dict[str, str], stdin: str | None = None) -> Callable[[], float]:
    """Run the command; its CPU seconds (user + system), which a busy shared machine inflates
    far less than wall time, while start-up is CPU-bound (imports, unpickling)."""

    def run() -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(args, input=stdin, env=env, capture_output=True, text=True, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    return run


def rows(rounds: int = ROUNDS) -> list[Row]:
    """The CLI rows of the table (see bench/table.py)."""
    cli = [sys.executable, "-m", "backrelief"]
    with tempfile.TemporaryDirectory() as tmp:
        # Compiled bytecode, as an installed package has (pip writes it): without it every run
        # compiles the sources again, which measures the compiler, not the code.
        base = {**os.environ, "NO_COLOR": "1", "BACKRELIEF_CACHE_DIR": f"{tmp}/cache",
                "PYTHONPYCACHEPREFIX": f"{tmp}/pycache"}
        for name in ("BACKRELIEF_DATABASE_URL", "PYTHONDONTWRITEBYTECODE"):
            base.pop(name, None)
        fresh = {**base, "BACKRELIEF_DATA_DIR": f"{tmp}/fresh"}
        used = {**base, "BACKRELIEF_DATA_DIR": f"{tmp}/used"}
        answers = json.dumps(CLEAR)
        subprocess.run([*cli, "diary", "add", "--pain", "3"], env=used, check=True,
                       capture_output=True)
        runs = {
            "click": _runner([sys.executable, "-c", "import click"], fresh),
            "help": _runner([*cli, "--help"], fresh),
            "plan": _runner([*cli, "plan", "--json", "--minutes", "10"], fresh),
            "plan_diary": _runner([*cli, "plan", "--json", "--minutes", "10"], used),
            "screen": _runner([*cli, "screen", "--answers", "-", "--json"], fresh, answers),
        }
        # One validating run first, so pydantic's and yaml's bytecode exists, as installed.
        _runner([*cli, "screen", "--answers", "-", "--json"],
                {**fresh, "BACKRELIEF_CACHE_DIR": f"{tmp}/warm-up"}, answers)()
        for run in runs.values():  # warm the file and content caches
            run()
        median = interleaved(runs, rounds)
        firsts: dict[str, list[float]] = {"plan": [], "screen": []}
        for index in range(3):  # each with an empty content cache: every part is validated
            empty = {**fresh, "BACKRELIEF_CACHE_DIR": f"{tmp}/empty-{index}"}
            firsts["plan"].append(_runner([*cli, "plan", "--json", "--minutes", "10"], empty)())
            alone = {**fresh, "BACKRELIEF_CACHE_DIR": f"{tmp}/empty-screen-{index}"}
            firsts["screen"].append(
                _runner([*cli, "screen", "--answers", "-", "--json"], alone, answers)())
    help_ms = median["help"] * 1000
    return [
        at_most("`backrelief --help` / `python -c 'import click'`",
                median["help"] / median["click"], 1.5, detail=f"--help {help_ms:.0f} ms CPU"),
        at_most("`plan --json --minutes 10` / `--help` (no diary yet)",
                median["plan"] / median["help"], 2),
        at_most("`plan --json --minutes 10` / `--help` (with a diary: its memory)",
                median["plan_diary"] / median["help"], 2),
        at_most("`screen --answers - --json` / `--help`", median["screen"] / median["help"], 2),
        Row("first `plan` after a content change (validates it) / `--help`", "once",
            f"{sorted(firsts['plan'])[1] / median['help']:.2f}x"),
        Row("first `screen` after a content change (validates it) / `--help`", "once",
            f"{sorted(firsts['screen'])[1] / median['help']:.2f}x"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    print(render(rows(parser.parse_args().rounds)))


if __name__ == "__main__":
    main()
