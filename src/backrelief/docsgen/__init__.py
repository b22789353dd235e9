"""Generated documentation: each page is rendered from the code and content, never by hand.

``python -m backrelief.docsgen`` rewrites the pages under docs/; ``--check`` exits 1 when a
checked-in page differs from what the code would produce (CI runs it so docs cannot drift).
Each generator module exposes ``render() -> str``; one missing on purpose (not built yet) is
skipped.
"""

from __future__ import annotations

import importlib
import importlib.util

# docs/<file name> -> generator module under backrelief.docsgen
PAGES: dict[str, str] = {
    "techniques.md": "techniques",
    "safety-rules.md": "safety_rules",
    "cli.md": "cli_reference",
}


def render_all() -> dict[str, str]:
    """Render every page whose generator exists, keyed by file name."""
    pages: dict[str, str] = {}
    for filename, module_name in PAGES.items():
        qualified = f"backrelief.docsgen.{module_name}"
        if importlib.util.find_spec(qualified) is None:
            continue
        module = importlib.import_module(qualified)
        pages[filename] = module.render()
    return pages
