"""Dark mode changes colours only, which is what lets the look-test check layout in one scheme."""

from __future__ import annotations

import re

from backrelief.web.templating import STATIC_DIR

COLOUR_PROPERTIES = {"color", "background", "background-color", "border-color", "border-top-color",
                     "border-left-color", "stroke", "fill", "outline-color", "box-shadow"}


def dark_blocks(css: str) -> list[str]:
    """The bodies of every @media (prefers-color-scheme: dark) block."""
    blocks = []
    for match in re.finditer(r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{", css):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(css[i], 0)
            i += 1
        blocks.append(css[match.end():i - 1])
    return blocks


def test_dark_mode_sets_colours_and_nothing_else() -> None:
    css = re.sub(r"/\*.*?\*/", "", (STATIC_DIR / "css" / "app.css").read_text(), flags=re.S)
    blocks = dark_blocks(css)
    assert blocks, "no dark mode"
    properties = {name.strip() for block in blocks
                  for name in re.findall(r"([-\w]+)\s*:(?!\s*root)", block)
                  if not name.startswith("--")}
    assert properties <= COLOUR_PROPERTIES
    variables = set(re.findall(r"(--[-\w]+)\s*:", " ".join(blocks)))
    assert {"--bg", "--surface", "--ink", "--muted", "--brand-dark", "--figure-bg"} <= variables
