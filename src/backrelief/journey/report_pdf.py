"""The clinician summary as a PDF, made with fpdf2 (maintained, pure Python, needs no browser).

The charts are the SVG drawings of :func:`backrelief.journey.report.trend_svg`, which fpdf2
draws as vectors. fpdf2's built-in fonts cover Latin-1 only, so text is folded to it
(:func:`_latin1`): typographic dashes and arrows become ASCII; nothing is dropped silently.
"""

from __future__ import annotations

import io

from fpdf import FPDF

from backrelief.journey.report import WEEKLY_FROM, ReportData, trend_svg

_FOLD = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
         "\u201d": '"', "\u2192": "->", "\u2026": "...", "\u2265": ">=", "\u2264": "<="}
TIER_WORDS = {"emergency": "emergency", "same_day": "same-day doctor",
              "see_professional": "see a professional", "self_care": "self-care",
              "incomplete": "incomplete"}


def _latin1(text: str) -> str:
    folded = "".join(_FOLD.get(ch, ch) for ch in text)
    return folded.encode("latin-1", "replace").decode("latin-1")


class _Summary(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.cell(0, 5, _latin1(f"backrelief summary - not a diagnosis - page {self.page_no()}"),
                  align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)


def _line(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 4.5, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def _chart(pdf: FPDF, svg: str) -> None:
    pdf.image(io.BytesIO(svg.encode("utf-8")), w=pdf.epw)


def render_report_pdf(data: ReportData) -> bytes:
    """The summary as PDF bytes (A4, one to two pages for a typical diary)."""
    pdf = _Summary(format="A4")
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.set_margins(14, 12, 14)
    pdf.add_page()
    pdf.set_title("backrelief summary for a clinician")
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 8, "Back pain self-management summary", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=8)
    _line(pdf, f"Made by backrelief on {data.made_at:%d %b %Y}. Self-reported by the person; "
               "backrelief gives no diagnosis.")

    _heading(pdf, "Current advice from the diary")
    _line(pdf, f"{TIER_WORDS.get(data.advice.tier, data.advice.tier).capitalize()}: "
               f"{data.advice.advice}")

    _heading(pdf, "Safety screens")
    if not data.screens:
        _line(pdf, "No safety screen recorded.")
    else:
        tiers = ", ".join(f"{s.at:%d %b}: {TIER_WORDS.get(s.tier, s.tier)}"
                          for s in data.screens[-10:])
        _line(pdf, f"{len(data.screens)} screens. Latest results: {tiers}.")
        flags = data.red_flags
        if flags:
            _line(pdf, "Red flags and reasons to be seen, every time they were answered:")
            for day, label, tier in flags:
                _line(pdf, f"  - {day:%d %b %Y}: {label} ({TIER_WORDS.get(tier, tier)})")
        else:
            _line(pdf, "No red flag was ever answered yes.")

    _heading(pdf, "Trends")
    weekly = " (weekly averages)" if len(data.pain) > WEEKLY_FROM else ""
    _chart(pdf, trend_svg(data.pain, f"Pain, 0-10: {len(data.pain)} ratings{weekly}"))
    _chart(pdf, trend_svg(data.function, "Function: average of the person's own activities, "
                                         "0 = cannot do, 10 = as before"))

    _heading(pdf, "Sessions")
    _line(pdf, f"{data.sessions_done} guided sessions done ({data.sessions_started} started).")
    if data.programme_planned is not None:
        _line(pdf, f"Current programme: {data.programme_done} of {data.programme_planned} "
                   "planned sessions done.")
    if data.walking:
        _line(pdf, "Daily walking (the programme's activity goal):")
        for line in data.walking_lines():
            _line(pdf, f"  - {line}")
    if data.helped:
        _line(pdf, "Felt better after: " + "; ".join(f"{name} ({count} sessions)"
                                                     for name, count in data.helped) + ".")
    if data.stopped:
        _line(pdf, "Stopped, and why:")
        for day, what, why in data.stopped:
            _line(pdf, f"  - {day:%d %b %Y}: {what}: {why}")
    else:
        _line(pdf, "Nothing was stopped or made pain worse.")
    data_out: bytes = bytes(pdf.output())
    return data_out
