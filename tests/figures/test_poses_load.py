"""Poses are validated once (first run after a change), then loaded without pydantic (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = (
    "import sys\n"
    "from backrelief.figures.poses import pose_library\n"
    "poses = pose_library()\n"
    "arrows = sum(pose.arrow is not None for pose in poses.values())\n"
    "print(len(poses), arrows, 'pydantic' in sys.modules, 'yaml' in sys.modules)\n"
)


def _run(cache: Path) -> list[str]:
    env = {**os.environ, "BACKRELIEF_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True,
                          check=True, timeout=120)
    return done.stdout.split()


def test_the_second_run_reads_the_cache_without_pydantic_or_yaml(tmp_path: Path) -> None:
    first = _run(tmp_path / "cache")
    second = _run(tmp_path / "cache")
    assert first[2:] == ["True", "True"]  # validated: the models and the YAML parser loaded
    assert second[2:] == ["False", "False"]
    assert first[:2] == second[:2] and int(first[0]) > 50 and int(first[1]) > 0
