"""Precomputed solver results: ``solved.json``, shipped in the wheel.

The solver is deterministic but slow-ish in pure Python (a fraction of a second per pose), and
the web app must render pages in milliseconds. So the settled placement of every key pose, and
of every in-between frame the catalogue's steps use, is stored here with a fingerprint of
everything that produced it (poses.yaml and the model and solver sources). A stale or missing
entry is simply solved live: the file only ever makes things faster, never different.

    python -m backrelief.figures.bake          # rewrite solved.json
    python -m backrelief.figures.bake --check  # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sys
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from backrelief.figures.geometry import Vec, mat_to_quat, quat_to_mat
from backrelief.figures.solver import Placement

_SOURCES = ("poses.yaml", "body.py", "props.py", "solver.py", "scene.py", "geometry.py", "poses.py")
_DIGITS = 5


@dataclass(frozen=True)
class Baked:
    poses: dict[str, Placement]
    # In-between frames stay encoded: decoding needs the key poses' blend, which needs ``poses``.
    moves: dict[tuple[str, str], list[dict[str, Any]]]


def _package_dir() -> Path:
    return Path(str(resources.files("backrelief.figures")))


def fingerprint() -> str:
    """A hash of every input that shapes a solved pose."""
    from backrelief.figures.scene import FRAMES_PER_MOVE

    digest = hashlib.sha256(f"frames={FRAMES_PER_MOVE}".encode())
    for name in _SOURCES:
        text = (_package_dir() / name).read_text(encoding="utf-8")
        # The syntax tree and the data, not the text: comments and line wrapping do not make it
        # stale.
        if name.endswith(".py"):
            text = ast.dump(ast.parse(text))
        else:
            text = json.dumps(yaml.safe_load(text), sort_keys=True)
        digest.update(name.encode())
        digest.update(text.encode())
    return digest.hexdigest()


def _encode(placement: Placement, base: dict[str, float] | None = None) -> dict[str, Any]:
    angles = {
        key: round(value, _DIGITS)
        for key, value in placement.angles.items()
        if abs(value - (base or {}).get(key, 0.0)) > 1e-9
    }
    return {
        "o": [round(v, _DIGITS) for v in placement.origin],
        "q": [round(v, 8) for v in mat_to_quat(placement.orientation)],
        "a": angles,
    }


def decode(data: dict[str, Any], base: dict[str, float]) -> Placement:
    """A stored placement; angles not stored are those of ``base``."""
    angles = dict(base)
    angles.update(data["a"])
    o = data["o"]
    origin: Vec = (float(o[0]), float(o[1]), float(o[2]))
    w, x, y, z = data["q"]
    return Placement(origin, quat_to_mat((w, x, y, z)), angles)


def used_moves() -> list[tuple[str, str]]:
    """Every pair of consecutive key poses (looping back) in the catalogue's steps."""
    from backrelief.core.catalog import default_catalog
    from backrelief.figures.steps import steps_of

    pairs: dict[tuple[str, str], None] = {}
    for technique in default_catalog().ordered():
        for variant in [None, *(v.id for v in (*technique.variants, *technique.harder))]:
            for step in steps_of(technique, variant):
                poses = list(step.poses)
                for i in range(len(poses) - 1):
                    pairs[(poses[i], poses[i + 1])] = None
                if len(poses) > 2:
                    pairs[(poses[-1], poses[0])] = None
    return list(pairs)


def build() -> dict[str, Any]:
    """Solve everything live and return the document to store."""
    from backrelief.figures.poses import pose_library
    from backrelief.figures.scene import FRAMES_PER_MOVE, blend, eased, interpolate, solve_pose

    library = pose_library()
    poses = {pose_id: _encode(solve_pose(pose).placement) for pose_id, pose in library.items()}
    moves: dict[str, list[dict[str, Any]]] = {}
    for a_id, b_id in used_moves():
        if a_id not in library or b_id not in library:
            continue
        a, b = library[a_id], library[b_id]
        frames = []
        for k in range(1, FRAMES_PER_MOVE + 1):
            t = eased(k, FRAMES_PER_MOVE)
            start, _, _ = blend(a, b, t)
            frames.append(_encode(interpolate(a, b, t).placement, start.angles))
        moves[f"{a_id}>{b_id}"] = frames
    return {"fingerprint": fingerprint(), "poses": poses, "moves": moves}


@cache
def baked() -> Baked:
    """The stored results if they match the current inputs; empty otherwise."""
    path = _package_dir() / "solved.json"
    if not path.exists():
        return Baked({}, {})
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("fingerprint") != fingerprint():
        return Baked({}, {})
    from backrelief.figures.poses import pose_library

    library = pose_library()
    poses = {
        pose_id: decode(data, {key: 0.0 for key in library[pose_id].angles})
        for pose_id, data in document["poses"].items()
        if pose_id in library
    }
    moves = {}
    for key, frames in document["moves"].items():
        a_id, _, b_id = key.partition(">")
        moves[(a_id, b_id)] = frames
    return Baked(poses, moves)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backrelief.figures.bake", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if solved.json is stale")
    args = parser.parse_args(argv)
    path = _package_dir() / "solved.json"
    if args.check:
        current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        if current.get("fingerprint") != fingerprint():
            print("solved.json is stale: run python -m backrelief.figures.bake", file=sys.stderr)
            return 1
        return 0
    document = build()
    path.write_text(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path} ({len(document['poses'])} poses, {len(document['moves'])} moves)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
