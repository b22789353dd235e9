"""Programme benchmarks: building a 6-week programme and its calendar; the clinician summary's
render time and size with a year of diary.

Prints ratios to baselines measured in the same run (DESIGN.md: never bare times, never timed
tests): the programme against planning one routine, and the summary against a one-page PDF of
plain text made with the same library.

    PYTHONPATH=src .venv/bin/python bench/bench_programme.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from fpdf import FPDF

from backrelief.core.catalog import default_catalog
from backrelief.core.planner import Profile, plan_routine
from backrelief.core.programme import MAX_LEVEL, ProgrammePlan, WeekDose, schedule
from backrelief.core.screening import evaluate
from backrelief.journey.programme import begin, local_today, programme_view, week_routine
from backrelief.journey.programme_calendar import programme_calendar
from backrelief.journey.report import gather_report
from backrelief.journey.report_pdf import render_report_pdf
from backrelief.store import (
    add_feedback,
    add_rating,
    finish_session,
    open_database,
    record_result,
    start_session,
)
from backrelief.store.activity import log_walk
from backrelief.store.programme import add_checkin
from backrelief.web.api.screen import ANSWERS_EXAMPLE

CLEAR = dict(ANSWERS_EXAMPLE)  # every screen question answered "no": the API's own example
ROUTINE = {"items": [{"technique": t} for t in ("cat-cow", "knee-rolls", "bridge")],
           "seconds": 300, "excluded": [], "advice": []}


def timed(function: Callable[[], object], repeat: int = 7) -> float:
    """Median wall time of ``function`` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def one_page_pdf() -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, "A plain one-page baseline. " * 40)
    return bytes(pdf.output())


def main() -> None:
    catalog = default_catalog()
    profile = Profile(minutes=10)
    plan = ProgrammePlan(date(2026, 11, 2))
    titles = {page_id: page.title for page_id, page in catalog.education.items()}

    # Each week a level up (rounds, longer holds, then harder forms): the most work a programme's
    # doses can ask for.
    doses = [WeekDose(week, min(MAX_LEVEL, week - 1), "up", ("bench",))
             for week in range(1, plan.weeks + 1)]

    def build_programme() -> None:
        days = schedule(plan, tuple(titles))
        for dose in doses:
            week_routine(profile, dose, catalog)
        assert len(days) == 37

    baseline_plan = timed(lambda: plan_routine(profile, catalog))
    build = timed(build_programme)
    calendar = timed(lambda: programme_calendar(1, plan, 10, titles))
    print(f"6-week programme (schedule + 6 weekly routines, levels 0 to 5): "
          f"{build / baseline_plan:.1f}x planning one routine")
    print(f"its iCalendar file: {calendar / baseline_plan:.1f}x planning one routine "
          f"({len(programme_calendar(1, plan, 10, titles))} bytes)")

    with tempfile.TemporaryDirectory() as folder:
        database = open_database(f"sqlite:///{folder}/bench.db")
        now = datetime.now(UTC)
        with database.session(write=True) as s:
            for day in range(365, 0, -1):
                at = now - timedelta(days=day)
                add_rating(s, 2 + day % 6, kind="daily", at=at)
                if day % 2 == 0:
                    session_id = start_session(s, ROUTINE, started_at=at)
                    add_rating(s, 4, kind="before", session_id=session_id, at=at)
                    add_rating(s, 3, kind="after", session_id=session_id, at=at)
                    add_feedback(s, session_id, "cat-cow", "better")
                    finish_session(s, session_id, completed=True, ended_at=at)
                if day % 30 == 0:
                    record_result(s, evaluate(CLEAR), CLEAR, taken_at=at)
                log_walk(s, 10 + day % 25, at.date(), today=now.date())  # a walk every day
            record = begin(s, ProgrammePlan(local_today() - timedelta(days=35)), profile)
            for week in range(1, 6):
                add_checkin(s, record.id, week, {"socks": 2 + week}, 5, 5,
                            at=now - timedelta(days=36 - 7 * week))

        def view() -> None:
            with database.session() as s:
                programme_view(s, catalog, local_today())

        def report() -> bytes:
            with database.session() as s:
                data = gather_report(s, catalog, local_today(), now)
            return render_report_pdf(data)

        baseline_pdf = timed(one_page_pdf)
        shown = timed(view, repeat=5)
        rendered = timed(report, repeat=5)
        size, baseline_size = len(report()), len(one_page_pdf())
        database.close()
    print(f"programme view with a year of diary: {shown / baseline_plan:.0f}x planning one routine")
    print(f"summary PDF with a year of diary (gather + render): {rendered / baseline_pdf:.1f}x "
          "a one-page text PDF")
    print(f"summary PDF size: {size} bytes, {size / baseline_size:.1f}x the one-page text PDF")


if __name__ == "__main__":
    main()
