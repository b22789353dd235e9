"""The summary for a clinician: what the diary holds, gathered once for the PDF and the web page.

One to two pages: the safety screens over time (every red flag ever answered yes, with its
date), pain and function trends as charts, sessions done against planned, techniques that
helped, techniques stopped and why, and the diary's current advice. :func:`gather_report` reads
the store; :func:`trend_svg` draws a chart as SVG, the same drawing in the PDF
(:mod:`backrelief.journey.report_pdf`) and on the printable page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from backrelief.core.activity import WalkWeek
from backrelief.core.catalog import Catalog
from backrelief.core.progress import Advice
from backrelief.core.screening import default_screen
from backrelief.journey.programme import programme_view
from backrelief.store.advice import diary_advice
from backrelief.store.diary import list_ratings
from backrelief.store.programme import active_programme, list_checkins
from backrelief.store.screens import list_screens
from backrelief.store.sessions import list_sessions

FLAG_TIERS = ("emergency", "same_day", "see_professional")
ABANDONED = "abandoned"


@dataclass(frozen=True)
class ScreenLine:
    """One safety screen: when, the tier, and the red flags answered yes in it."""

    at: datetime
    tier: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ReportData:
    """Everything the summary shows."""

    made_at: datetime
    screens: tuple[ScreenLine, ...]
    pain: tuple[tuple[datetime, int], ...]
    function: tuple[tuple[datetime, float], ...]
    sessions_done: int
    sessions_started: int
    programme_done: int | None  # programme sessions done and planned; None without a programme
    programme_planned: int | None
    helped: tuple[tuple[str, int], ...]  # technique name, sessions it felt better after
    stopped: tuple[tuple[date, str, str], ...]  # date, technique or "session", why
    advice: Advice
    walking: tuple[WalkWeek, ...] = ()  # the programme's weeks: daily goal and minutes logged

    def walking_lines(self) -> list[str]:
        """One line per programme week that has started or has walking logged."""
        return [f"Week {w.week}: goal {w.goal} min a day; {w.minutes} min logged on "
                f"{w.days_logged} day{'s' if w.days_logged != 1 else ''}, goal met on "
                f"{w.days_met}." for w in self.walking if w.days_logged or w.week == 1]

    @property
    def red_flags(self) -> list[tuple[date, str, str]]:
        """Every red flag ever answered yes: date, what it was, the tier it gave."""
        return [(line.at.date(), flag, line.tier) for line in self.screens for flag in line.flags]


def gather_report(db: Session, catalog: Catalog, today: date, now: datetime) -> ReportData:
    """Read the diary into a :class:`ReportData`."""
    screen = default_screen()
    screens: list[ScreenLine] = []
    for record in list_screens(db):
        flags: list[str] = []
        for reason in record.reasons:
            if reason.tier not in FLAG_TIERS:
                continue
            for qid in reason.questions:
                try:
                    label = screen.question(qid).label
                except KeyError:  # a question since removed from the screen
                    label = qid
                if label not in flags:
                    flags.append(label)
        screens.append(ScreenLine(record.taken_at, record.tier, tuple(flags)))
    ratings = list_ratings(db)
    sessions = list_sessions(db)

    def name(technique: str) -> str:
        found = catalog.techniques.get(technique)
        return found.name if found is not None else technique

    helped = Counter(name(t) for s in sessions for t, v in s.feedback.items() if v == "better")
    stopped: list[tuple[date, str, str]] = []
    for s in sessions:
        if s.stop_reason and s.stop_reason != ABANDONED:
            stopped.append((s.started_at.date(), "session", s.stop_reason))
        for technique, verdict in s.feedback.items():
            if verdict in ("stopped", "worse"):
                stopped.append((s.started_at.date(), name(technique),
                                "stopped" if verdict == "stopped" else "made pain worse"))
    programme = active_programme(db)
    function: list[tuple[datetime, float]] = []
    planned: int | None = None
    done: int | None = None
    walking: tuple[WalkWeek, ...] = ()
    if programme is not None:
        function = [(c.at, c.function) for c in list_checkins(db, programme.id)
                    if c.function is not None]
        view = programme_view(db, catalog, today, programme)
        if view is not None:
            planned = sum(w.planned for w in view.weeks)
            done = sum(w.done for w in view.weeks)
            walking = view.walking
    return ReportData(
        made_at=now, screens=tuple(screens),
        pain=tuple((r.at, r.pain) for r in ratings),
        function=tuple(function),
        sessions_done=sum(1 for s in sessions if s.ended_at is not None
                          and s.stop_reason != ABANDONED),
        sessions_started=len(sessions), programme_done=done, programme_planned=planned,
        helped=tuple(helped.most_common(5)), stopped=tuple(stopped[-8:]),
        advice=diary_advice(db, now=now), walking=walking,
    )


WEEKLY_FROM = 90  # more points than this are drawn as weekly averages, readable on paper


def weekly_means(points: Sequence[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    """Sorted points averaged per ISO week (each at the week's first point)."""
    weeks: dict[tuple[int, int], list[tuple[datetime, float]]] = {}
    for at, value in points:
        year, week, _ = at.isocalendar()
        weeks.setdefault((year, week), []).append((at, value))
    return [(group[0][0], sum(v for _, v in group) / len(group)) for group in weeks.values()]


def trend_svg(points: Sequence[tuple[datetime, float]], title: str, *, width: int = 520,
              height: int = 150) -> str:
    """A 0-10 line chart of ``points`` over time, as a standalone SVG document.

    Kept plain on purpose (lines and text only) so that fpdf2's SVG support draws it as vectors
    and a printer shows it crisply. Points are drawn in time order; fewer than two give a note.
    """
    left, right, top, bottom = 28, 8, 18, 20
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">',
             f'<text x="{left}" y="12" font-size="11" font-family="Helvetica">{escape(title)}'
             "</text>"]
    for level in (0, 5, 10):
        y = top + plot_h - plot_h * level / 10
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     'stroke="#bbbbbb" stroke-width="0.5"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 3:.1f}" font-size="8" text-anchor="end" '
                     f'font-family="Helvetica">{level}</text>')
    ordered = weekly_means(sorted(points)) if len(points) > WEEKLY_FROM else sorted(points)
    if len(ordered) < 2:
        parts.append(f'<text x="{left + 8}" y="{top + plot_h / 2:.1f}" font-size="9" '
                     'font-family="Helvetica">Not enough entries to draw a trend.</text>')
    else:
        start, end = ordered[0][0], ordered[-1][0]
        span = (end - start).total_seconds() or 1.0
        coords = " ".join(
            f"{left + plot_w * (at - start).total_seconds() / span:.1f},"
            f"{top + plot_h - plot_h * value / 10:.1f}" for at, value in ordered)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="#1f5f8b" '
                     'stroke-width="1.2"/>')
        for x, anchor, at in ((left, "start", start), (width - right, "end", end)):
            parts.append(f'<text x="{x}" y="{height - 6}" font-size="8" text-anchor="{anchor}" '
                         f'font-family="Helvetica">{at:%d %b %Y}</text>')
    parts.append("</svg>")
    return "".join(parts)
