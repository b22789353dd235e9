"""Write (or with --check, verify) the generated pages under docs/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backrelief.docsgen import render_all


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m backrelief.docsgen")
    parser.add_argument("--check", action="store_true", help="fail if docs/ is stale")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    stale = []
    for filename, text in render_all().items():
        target = args.out / filename
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(str(target))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target}")
    if stale:
        print("stale generated docs (run `make docs`): " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
