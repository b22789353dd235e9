"""The Jinja environment: autoescaped templates, small display filters, versioned static URLs."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.templating import Jinja2Templates

from backrelief.web.text import blocks

WEB_DIR = Path(__file__).parent
TEMPLATE_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

LABELS = {
    "foam_roller": "foam roller",
    "tennis_ball": "tennis ball",
    "lacrosse_ball": "lacrosse ball",
    "side_lying": "lying on your side",
    "all_fours": "on all fours",
    "supine": "lying on your back",
    "prone": "lying on your front",
    "knee_problem": "knee problem",
    "wrist_problem": "wrist problem",
    "shoulder_problem": "shoulder problem",
    "acute_strain": "a recent strain (first days)",
    "anticoagulants": "blood thinners (anticoagulants)",
    "stenosis": "spinal stenosis",
    "hypermobility": "hypermobility",
    "osteoporosis": "osteoporosis or thin bones",
    "sciatica": "sciatica",
    "pregnancy": "pregnancy",
    "upper": "upper back",
    "lower": "lower back",
    "whole": "whole back",
    "same_day": "see a doctor today",
    "see_professional": "see a professional",
    "self_care": "fine to self-manage",
    "emergency": "emergency",
    "incomplete": "incomplete",
}


def label(value: object) -> str:
    """A vocabulary id in words: ``foam_roller`` -> ``foam roller``."""
    text = str(value)
    return LABELS.get(text, text.replace("_", " ").replace("-", " "))


def duration(seconds: object) -> str:
    """Seconds as people say them, core's one wording: ``602`` -> ``about 10 minutes``."""
    from backrelief.core.timeline import duration_words

    try:
        total = round(float(str(seconds)))
    except ValueError:
        return str(seconds)
    return duration_words(total)


@cache
def _markdown_renderer() -> Any:
    from markdown_it import MarkdownIt

    # html=False: content pages are ours, but raw HTML in Markdown would also slip past the CSP
    # review, so it is rendered as text.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown(text: str) -> Markup:
    """Render trusted-content Markdown with raw HTML disabled."""
    return Markup(_markdown_renderer().render(text))  # raw HTML is disabled above


@cache
def static_version() -> str:
    """A short hash of every static file: changes whenever one does (cache busting, SW cache)."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(STATIC_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def static_files() -> list[str]:
    """Every static file's URL path, for the service worker's precache list."""
    return [
        "/static/" + str(path.relative_to(STATIC_DIR)).replace("\\", "/")
        for path in sorted(STATIC_DIR.rglob("*"))
        if path.is_file()
    ]


def static_url(path: str) -> str:
    """URL of a static file with the cache-busting version appended."""
    return f"/static/{path}?v={static_version()}"


def stops(routine: Any) -> list[dict[str, str | None]]:
    """A session document's stops in words: technique id, what was felt, what was chosen."""
    from backrelief.core.stop_rules import CHOICE_LABELS, default_stop_rules
    from backrelief.store.stops import session_stops

    labels = {response.id: response.label for response in default_stop_rules().responses}
    return [
        {"technique": stop.technique, "response": labels.get(stop.response, stop.response),
         "choice": CHOICE_LABELS.get(stop.choice, stop.choice)}  # type: ignore[call-overload]
        for stop in session_stops(routine)
    ]


def make_templates() -> Jinja2Templates:
    """The templates object every route renders with."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=jinja2.select_autoescape(["html", "svg", "xml"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # Templates ship with the package: compiled once per process, never re-checked on disk
        # (auto_reload stat()ed every template of a page on every request; issue 16).
        auto_reload=False,
    )
    env.filters["label"] = label
    env.filters["duration"] = duration
    env.filters["markdown"] = markdown
    env.filters["blocks"] = blocks
    env.filters["stops"] = stops
    env.globals["static_url"] = static_url
    return Jinja2Templates(env=env)
