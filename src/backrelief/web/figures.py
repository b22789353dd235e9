"""The slot for step figures.

Step illustrations come from ``backrelief.figures`` (another issue). Until it offers a renderer,
:func:`step_figure` returns None and the templates draw a simple position pictogram in the same
slot (``templates/_figure.html``), so wiring the real figures in is a change to this file only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from markupsafe import Markup

from backrelief.core.catalog import Technique

# The renderer's expected name in backrelief.figures: (technique, step index) -> SVG text.
RENDERER_NAME = "step_svg"


@cache
def _renderer() -> Callable[[Technique, int], str] | None:
    try:
        module = importlib.import_module("backrelief.figures")
    except ImportError:  # pragma: no cover - the package ships an empty figures/ today
        return None
    renderer = getattr(module, RENDERER_NAME, None)
    return renderer if callable(renderer) else None


def step_figure(technique: Technique, step_index: int = 0) -> Markup | None:
    """The SVG figure of one step, or None while no figure renderer exists."""
    renderer = _renderer()
    if renderer is None:
        return None
    return Markup(renderer(technique, step_index))  # our own generated SVG
