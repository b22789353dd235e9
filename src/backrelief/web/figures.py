"""Step figures from :mod:`backrelief.figures`, shown as SVG images served by the app.

Why ``<img src="/figures/...svg">`` rather than SVG inline in the page: every figure carries its
own ``<style>`` (its colours, its animation, and its reduced-motion and dark-mode rules). Inline,
that would need ``style-src 'unsafe-inline'`` on the page, which the security policy rules out
(:mod:`backrelief.web.security`). Served on its own, each figure gets its own
Content-Security-Policy instead: nothing may load or run, and styles only if their SHA-256 hash
matches the figure's own ``<style>`` blocks (:func:`figure_csp`). An SVG shown through ``<img>``
can never run script in any case: browsers load it as a static image.

If the figure package cannot draw a step (an unknown pose, a figure still being made), the
templates fall back to a simple position pictogram in the same slot, so a page never breaks.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlencode

from backrelief import __version__
from backrelief.core.catalog import Catalog

_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)
_FRAME = re.compile(r'<svg [^>]*data-frame="(\w+)"')
# Figures are drawn in the server's worker threads; drawing is pure-Python CPU work, so one at
# a time costs nothing, and the figure package's caches need not be thread-safe.
_DRAWING = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FigureRef:
    """Where a step's figure is and what it shows (its text alternative)."""

    url: str
    alt: str
    step: int  # 1-based, like the timeline's cue.step
    side: str | None = None  # "left"/"right": drawn for that side, like the timeline's cue.side
    # The shape of the figure's frame ("1x2" standing ... "3x1" lying flat; see
    # figures.render.FRAME_SHAPES): the page gives the frame this shape before the image comes.
    frame: str = "4x3"

    @property
    def size(self) -> tuple[int, int]:
        """A width and height in the frame's shape, for the <img> attributes."""
        across, down = (int(n) for n in self.frame.split("x"))
        return across * 120, down * 120


@cache
def figures_version() -> str:
    """Changes whenever the figures could: the app version and the figure model's fingerprint."""
    try:
        from backrelief.figures.bake import fingerprint

        return f"{__version__}-{fingerprint()[:12]}"
    except (ImportError, OSError):
        return __version__


def figure_ref(catalog: Catalog, technique_id: str, step_index: int,
               variant_id: str | None = None, *, animated: bool = True,
               side: str | None = None) -> FigureRef | None:
    """The figure of one step (0-based index), or None when there is none to show.

    ``side`` draws a step done on each side for that side (mirrored for the left).
    """
    try:
        from backrelief.figures import figure_for_step

        figure = figure_for_step(technique_id, step_index, catalog, variant_id, side)
    except Exception:  # FigureError, or the figure package failing: show the pictogram instead
        return None
    query = {"v": figures_version()}
    if variant_id:
        query["variant"] = variant_id
    if figure.side:
        query["side"] = figure.side
    if not animated:
        query["still"] = "1"
    url = f"/figures/{technique_id}/{step_index + 1}.svg?{urlencode(query)}"
    return FigureRef(url=url, alt=figure.description, step=step_index + 1, side=figure.side,
                     frame=figure_frame(technique_id, step_index, variant_id, figure.side))


def figure_frame(technique_id: str, step_index: int, variant_id: str | None,
                 side: str | None) -> str:
    """The shape of a step's frame, read off its still (drawn once, then served from the same
    cache): the still and the loop of a step share one shape, so either fits the frame."""
    try:
        found = _FRAME.search(figure_svg(technique_id, step_index, variant_id, False, side))
    except Exception:  # the figure cannot be drawn: the page falls back to the pictogram anyway
        return "4x3"
    return found.group(1) if found else "4x3"


def step_figures(catalog: Catalog, technique_id: str, variant_id: str | None = None,
                 *, animated: bool = True, sides: bool = False) -> list[FigureRef]:
    """The figure of every step of a technique (or of its safer variant or harder form) that
    has one.

    With ``sides``, a step done on each side whose figure differs by side (a mirrored one for
    the left) has two figures, the left then the right, so the player can show the side being
    worked; a step the same on both sides keeps its one figure.
    """
    technique = catalog.techniques.get(technique_id)
    if technique is None:
        return []
    steps = technique.steps
    if variant_id is not None:
        form = next((v for v in (*technique.variants, *technique.harder) if v.id == variant_id),
                    None)
        steps = form.steps or steps if form is not None else steps
    refs: list[FigureRef | None] = []
    for index, step in enumerate(steps):
        sided = [figure_ref(catalog, technique_id, index, variant_id, animated=animated, side=side)
                 for side in ("left", "right")] if sides and step.side is not None else []
        if sided and _differ_by_side(catalog, technique_id, index, variant_id):
            refs.extend(sided)
        else:
            refs.append(figure_ref(catalog, technique_id, index, variant_id, animated=animated))
    return [ref for ref in refs if ref is not None]


def first_side_figure(catalog: Catalog, technique_id: str, step_index: int,
                      variant_id: str | None = None, *, animated: bool = True) -> FigureRef | None:
    """A step's figure as the session first shows it: a step done on each side starts on the
    left (the timeline says "Left side first"), so its left-side figure; else the one figure."""
    side = "left" if _differ_by_side(catalog, technique_id, step_index, variant_id) else None
    return figure_ref(catalog, technique_id, step_index, variant_id, animated=animated, side=side)


def _differ_by_side(catalog: Catalog, technique_id: str, step_index: int,
                    variant_id: str | None) -> bool:
    """Whether a step's left and right figures are drawn differently (mirrored or other poses)."""
    try:
        from backrelief.figures import figure_for_step

        left, right = (figure_for_step(technique_id, step_index, catalog, variant_id, side)
                       for side in ("left", "right"))
    except Exception:  # no figure for this step: nothing to tell apart
        return False
    return (left.poses, left.mirrored) != (right.poses, right.mirrored)


def library_thumbnails(catalog: Catalog) -> dict[str, FigureRef | None]:
    """The still figure of each technique's first step, as the library lists them. The service
    worker precaches these same URLs, so the library shows its figures offline too."""
    return {t.id: figure_ref(catalog, t.id, 0, animated=False) for t in catalog.ordered()}


@lru_cache(maxsize=512)
def figure_svg(technique_id: str, step_index: int, variant_id: str | None, animated: bool,
               side: str | None = None) -> str:
    """The SVG text of one step's figure (FigureError if there is none)."""
    from backrelief.figures import render_step_svg

    with _DRAWING:
        return render_step_svg(technique_id, step_index, animated=animated, variant_id=variant_id,
                               side=side)


def figure_csp(svg: str) -> str:
    """The policy a figure is served with: nothing loads or runs; only its own styles apply."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in _STYLE.findall(svg)
    ]
    style = " ".join(hashes) if hashes else "'none'"
    return f"default-src 'none'; style-src {style}; img-src data:; frame-ancestors 'none'"
