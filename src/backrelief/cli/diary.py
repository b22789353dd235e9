"""`backrelief diary`, `advice` and `history`: the pain diary in the terminal.

Thin shells over ``backrelief.store`` and ``backrelief.core.progress``; no rule lives here.
Every value is checked before the database is opened, so bad input (exit 2, one line naming the
option) never creates or touches the diary. Times are UTC inside and local on screen; ``--at``
without an offset is read as local time.

The database and Rich are imported inside the commands so ``backrelief --help`` stays light.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

import click

from backrelief.cli.common import fail, print_json
from backrelief.core.vocabulary import PAIN_MAX, PAIN_MIN

if TYPE_CHECKING:
    from backrelief.core.progress import Advice, PainRating, Trend
    from backrelief.store import Database, RatingRecord, StoreInputError

KINDS = ("before", "after", "daily")
# Store field -> the option a user typed, so refusals name what the user can fix.
OPTION_FOR_FIELD = {
    "pain": "--pain",
    "kind": "--kind",
    "at": "--at",
    "where": "--where",
    "session_id": "--session",
    "spread": "--spread",
}
# ASCII digits only: Python's \d and int() also take "٣" or "５" (issue 15).
_WHOLE_NUMBER = re.compile(r"^[+-]?[0-9]{1,9}$")
TIER_TITLES = {
    "emergency": "EMERGENCY: call 999 (112 EU, 911 US) or go to A&E now",
    "same_day": "See a doctor today",
    "see_professional": "See a GP or physiotherapist",
    "self_care": "Keep going",
}
_TIER_STYLE: dict[str, dict[str, Any]] = {
    "emergency": {"fg": "red", "bold": True},
    "same_day": {"fg": "yellow", "bold": True},
    "see_professional": {"fg": "yellow", "bold": True},
    "self_care": {"fg": "green", "bold": True},
}


# ---- shared with cli.transfer -----------------------------------------------------------------


def open_store() -> Database:
    """The configured diary database (config errors exit 2, an unreachable database exit 1)."""
    from backrelief.config import ConfigError, load_config
    from backrelief.store import DatabaseUnavailable, SchemaError, open_database

    try:
        config = load_config()
    except ConfigError as exc:
        fail(exc.setting, exc.problem)
    try:
        return open_database(config=config)
    except (DatabaseUnavailable, SchemaError) as exc:
        raise click.ClickException(f"database: {exc}") from None


@contextmanager
def store_session(*, write: bool = False) -> Iterator[Any]:
    """Open the diary, yield a Session in one transaction, then close the database."""
    database = open_store()
    try:
        with database.session(write=write) as session:
            yield session
    finally:
        database.close()


def refuse(error: StoreInputError, fields: dict[str, str] | None = None) -> NoReturn:
    """Turn a store refusal into the bad-input contract, naming the user's option."""
    mapping = OPTION_FOR_FIELD if fields is None else fields
    fail(mapping.get(error.field, error.field), error.problem)


def local_time(when: datetime, *, zone: bool = True) -> str:
    """An aware time as this machine's local time, e.g. 'Sat 22 Nov 2025 08:15 CET'."""
    local = when.astimezone()
    text = f"{local:%a} {local.day} {local:%b %Y %H:%M}"
    return f"{text} {local.tzname() or ''}".rstrip() if zone else text


def local_date(when: datetime) -> str:
    """An aware time as a short local date, e.g. '3 Nov 2025'."""
    local = when.astimezone()
    return f"{local.day} {local:%b %Y}"


# ---- parsing options ------------------------------------------------------------------------


def parse_pain(text: str) -> int:
    """``--pain``: a whole number from 0 to 10."""
    if not _WHOLE_NUMBER.match(text.strip()):
        fail("--pain", f"must be a whole number from {PAIN_MIN} to {PAIN_MAX}, got {text!r}")
    value = int(text)
    if not PAIN_MIN <= value <= PAIN_MAX:
        fail("--pain", f"must be from {PAIN_MIN} to {PAIN_MAX}, got {value}")
    return value


def parse_when(text: str, now: datetime) -> datetime:
    """``--at``: ISO 8601; without an offset it is local time. Returned in UTC, never future."""
    from backrelief.store.validation import EARLIEST, FUTURE_TOLERANCE

    raw = text.strip()
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        fail("--at", f"not an ISO 8601 date and time (e.g. 2025-03-01T08:30+01:00): {text!r}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        try:
            parsed = parsed.astimezone()  # naive: this machine's local time, as documented
        except (OverflowError, OSError, ValueError):
            fail("--at", f"{text!r} is out of range")
    when = parsed.astimezone(UTC)
    if when > now + FUTURE_TOLERANCE:
        fail("--at", f"{text!r} is in the future")
    if when < EARLIEST:
        fail("--at", f"{text!r} is before 1970")
    return when


def parse_session_id(text: str | None) -> int | None:
    """``--session``: a session id (a positive whole number)."""
    if text is None:
        return None
    if not _WHOLE_NUMBER.match(text.strip()) or int(text) < 1:
        fail("--session", f"must be a session id (a positive whole number), got {text!r}")
    return int(text)


def parse_where(text: str | None) -> str | None:
    """``--where``: one line of at most 80 characters."""
    from backrelief.store import StoreInputError
    from backrelief.store.diary import WHERE_MAX_LENGTH
    from backrelief.store.validation import short_text

    try:
        return short_text("where", text, WHERE_MAX_LENGTH)
    except StoreInputError as exc:
        refuse(exc)


def parse_count(option: str, text: str | None, low: int, high: int) -> int | None:
    """A whole-number option such as ``--last`` or ``--days``."""
    if text is None:
        return None
    if not _WHOLE_NUMBER.match(text.strip()) or not low <= int(text) <= high:
        fail(option, f"must be a whole number from {low} to {high}, got {text!r}")
    return int(text)


# ---- diary ---------------------------------------------------------------------------------


PAGE_SIZE = 50


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True,
              help="Print the ratings as one JSON list (all of them, unless --last or --page).")
@click.option("--last", "last_text", metavar="N", help="Only the N most recent ratings.")
@click.option("--page", "page_text", metavar="N",
              help=f"Page N of the ratings, newest pages first ({PAGE_SIZE} a page, or --last "
                   "a page); the table shows page 1 by default.")
@click.pass_context
def diary(ctx: click.Context, as_json: bool, last_text: str | None,
          page_text: str | None) -> None:
    """Record and list pain ratings (0 = no pain, 10 = worst imaginable).

    Without a subcommand, lists the newest ratings, oldest first, in local time.
    """
    if ctx.invoked_subcommand is not None:
        return
    limit = parse_count("--last", last_text, 1, 1_000_000)
    page = parse_count("--page", page_text, 1, 1_000_000)
    if limit is None and (page is not None or not as_json):
        limit = PAGE_SIZE  # the table reads one page, never the whole diary
    offset = (limit or 0) * ((page or 1) - 1)
    from backrelief.store import count_ratings, list_ratings

    with store_session() as session:
        ratings = list_ratings(session, limit=limit, offset=offset)
        total = count_ratings(session) if not as_json else len(ratings)
    if as_json:
        print_json([rating.as_dict() for rating in ratings])
        return
    _print_table(ratings)
    if offset + len(ratings) < total:
        more = f" --last {last_text}" if last_text is not None else ""
        click.echo(f"Showing {offset + 1}-{offset + len(ratings)} of the {total} ratings, newest "
                   f"first by page; older ones: backrelief diary{more} --page {(page or 1) + 1}")


def _print_table(ratings: Sequence[RatingRecord]) -> None:
    if not ratings:
        click.echo("No ratings yet. Add one with: backrelief diary add --pain N")
        return
    from rich.console import Console
    from rich.table import Table

    zone = datetime.now(UTC).astimezone().tzname() or "local time"
    table = Table(title=f"Pain diary (times in {zone})", title_justify="left")
    table.add_column("#", justify="right", style="dim")
    table.add_column("When", no_wrap=True)
    table.add_column("Pain", justify="right")
    table.add_column("", no_wrap=True)
    table.add_column("Kind")
    table.add_column("Where")
    table.add_column("Session", justify="right")
    table.add_column("Spread")
    for rating in ratings:
        table.add_row(
            str(rating.id),
            local_time(rating.at, zone=False),
            f"{rating.pain}/10",
            "█" * rating.pain + "·" * (10 - rating.pain),
            rating.kind,
            rating.where or "",
            "" if rating.session_id is None else str(rating.session_id),
            "down a leg" if rating.spread else "",
        )
    Console().print(table)


@diary.command("add")
@click.option("--pain", "pain_text", required=True, metavar="N",
              help="Pain now, a whole number from 0 (none) to 10 (worst imaginable).")
@click.option("--kind", default="daily", show_default=True, metavar="before|after|daily",
              help="Before or after a session, or a daily rating.")
@click.option("--at", "at_text", metavar="ISO-8601",
              help="When (default: now). Without an offset, e.g. 2025-03-01T08:30, it is read "
                   "as this computer's local time; may not be in the future.")
@click.option("--where", "where_text", metavar="TEXT",
              help="Where it hurts, in a few words (optional).")
@click.option("--session", "session_text", metavar="ID",
              help="The session this rating belongs to (for before/after ratings).")
@click.option("--spread", is_flag=True,
              help="The pain has spread down a leg, or further down it, since last time "
                   "(daily or after-session ratings).")
@click.option("--json", "as_json", is_flag=True, help="Print the stored rating as JSON.")
def add(pain_text: str, kind: str, at_text: str | None, where_text: str | None,
        session_text: str | None, spread: bool, as_json: bool) -> None:
    """Record a pain rating."""
    pain = parse_pain(pain_text)
    if kind not in KINDS:
        fail("--kind", f"must be one of {', '.join(KINDS)}; got {kind!r}")
    if spread and kind == "before":
        fail("--spread", "is for a daily or after-session rating, not one before a session")
    now = datetime.now(UTC)
    at = parse_when(at_text, now) if at_text is not None else None
    where = parse_where(where_text)
    session_id = parse_session_id(session_text)

    from backrelief.store import StoreInputError, add_rating

    try:
        with store_session(write=True) as session:
            record = add_rating(session, pain, kind=kind, at=at, where=where,
                                session_id=session_id, spread=spread)
    except StoreInputError as exc:
        refuse(exc)
    # Printed only after the transaction committed: this line is the acknowledgement.
    if as_json:
        print_json(record.as_dict())
    else:
        click.echo(f"Recorded pain {record.pain}/10 ({record.kind}) at {local_time(record.at)}"
                   f" as rating #{record.id}.")
        if record.spread:
            click.echo("Noted: the pain has spread down a leg. See `backrelief advice`.")


# ---- advice --------------------------------------------------------------------------------


def _current_advice(*, history_since: datetime | None = None, slope: bool = False,
                    ratings: bool = True) -> tuple[Advice, list[RatingRecord]]:
    """The advice (from the window its rules read) and, for ``history``, the ratings to chart
    (none when ``ratings`` is false)."""
    from backrelief.store import diary_advice, list_ratings

    with store_session() as session:
        advice = diary_advice(session, slope=slope)
        if not slope or not ratings:
            return advice, []
        return advice, list_ratings(session, since=history_since)


def _day_mean_course() -> tuple[list[PainRating], int]:
    """The whole course of pain as one point a UTC day (its mean, rounded, at noon), and how
    many after-session ratings that leaves out.

    Issue 15: ``history`` without ``--days`` charted every rating, a million at years of
    entries. The chart averages whole days into each column anyway, so it is drawn from the
    per-day totals (``store.rating_days``), as the progress page's chart is.
    """
    from datetime import time

    from backrelief.core.progress import PainRating
    from backrelief.store.diary import daily_means

    with store_session() as session:
        means = daily_means(session, since=datetime(1970, 1, 1, tzinfo=UTC))
    resting = [mean for mean in means if not mean.after]  # the course: daily and before
    shown = resting or means  # only after-session ratings: then they are the course
    left_out = sum(mean.count for mean in means if mean.after) if resting else 0
    return [PainRating(at=datetime.combine(mean.day, time(12), tzinfo=UTC),
                       pain=round(mean.mean)) for mean in shown], left_out


def _source_citations() -> dict[str, str]:
    from backrelief.core.catalog import default_catalog

    # The one loader's sources (core/content.py): validated, cached, no YAML parsed here.
    return {key: source.citation for key, source in default_catalog().sources.items()}


def _print_advice(advice: Advice, width: int) -> None:
    style = _TIER_STYLE.get(advice.tier, {"bold": True})
    click.echo(click.style(f"Advice: {TIER_TITLES[advice.tier]}", **style))
    click.echo(textwrap.fill(advice.advice, width))
    click.echo("")
    click.echo(click.style("Why:", bold=True))
    cited: list[str] = []
    for reason in advice.reasons:
        cited.extend(source for source in reason.sources if source not in cited)
        if reason.rule == "safety_net":
            continue  # its words are already in the advice above
        tier = reason.tier.replace("_", " ")
        click.echo(textwrap.fill(f"- {reason.text} [{tier}]", width, subsequent_indent="  "))
    if cited:
        citations = _source_citations()
        click.echo("")
        click.echo(click.style("Sources:", bold=True))
        for source in cited:
            line = f"- {source}: {citations.get(source, '(see sources.yaml)')}"
            click.echo(textwrap.fill(line, width, subsequent_indent="  "))
    click.echo("")
    click.echo("Not a diagnosis. If you are worried, contact a health professional.")


def _width() -> int:
    return max(50, min(100, shutil.get_terminal_size((80, 24)).columns - 2))


@click.command()
@click.option("--json", "as_json", is_flag=True,
              help='Print {"tier", "reasons", "advice"} as one JSON document.')
def advice(as_json: bool) -> None:
    """Advice from your diary: keep going, or see a professional, and why."""
    result, _ = _current_advice()  # reads only the stretch of the diary the rules look at
    if as_json:
        print_json(result.as_dict())
        return
    _print_advice(result, _width())


# ---- history -------------------------------------------------------------------------------


def _bucket_means(ratings: Sequence[PainRating], columns: int) -> tuple[list[float | None], int]:
    """Mean pain per column of local days; returns the columns and the days per column."""
    first_day = ratings[0].at.astimezone().date()
    last_day = ratings[-1].at.astimezone().date()
    span = (last_day - first_day).days + 1
    per_column = max(1, -(-span // columns))
    sums: dict[int, list[int]] = {}
    for rating in ratings:
        index = (rating.at.astimezone().date() - first_day).days // per_column
        sums.setdefault(index, []).append(rating.pain)
    used = (span + per_column - 1) // per_column
    return [
        (sum(values) / len(values)) if (values := sums.get(i)) else None for i in range(used)
    ], per_column


def render_chart(ratings: Sequence[PainRating], width: int, first: int | None = None,
                 ) -> list[str]:
    """A text chart of pain (0-10, rows) over local days (columns), one point per column.

    Each column is one day, or several days when the diary is longer than the chart is wide;
    a point is the mean of that column's ratings, rounded. The dotted line marks the first
    rating (``first``, else the first point), so progress is read against where you started.
    """
    if not ratings:
        return ["(no ratings to chart)"]
    columns = max(10, width - 6)
    means, per_column = _bucket_means(ratings, columns)
    # Spread a short diary out so the days are easy to tell apart.
    step = max(1, min(3, columns // max(1, len(means))))
    first = ratings[0].pain if first is None else first
    lines: list[str] = []
    for level in range(10, -1, -1):
        row = []
        for mean in means:
            cell = "●" if mean is not None and round(mean) == level else (
                "·" if level == first else " ")
            row.append(cell + ("·" if level == first else " ") * (step - 1))
        lines.append(f"{level:>3} │" + "".join(row).rstrip())
    axis_length = len(means) * step
    lines.append("    └" + "─" * axis_length)
    start = local_date(ratings[0].at)
    end = local_date(ratings[-1].at)
    labels = start if start == end else start + end.rjust(max(1, axis_length - len(start)))
    lines.append("     " + labels)
    unit = "day" if per_column == 1 else f"{per_column} days"
    lines.append(f"     one column = {unit}; ● mean pain; ···· your first rating ({first}/10)")
    return lines


def describe_trend(trend: Trend) -> str:
    """The trend in words (``core.progress.change_words``, as on the web page) and its slope."""
    from backrelief.core.progress import change_words

    text = change_words(trend)
    if trend.first is not None and trend.first_at is not None:
        text += f" First rating on {local_date(trend.first_at)}."
    if trend.slope_per_week is not None:
        slope = round(trend.slope_per_week, 1) + 0.0  # never "-0.0"
        text += f" Fitted slope {slope:+.1f} points a week."
    return text


@click.command()
@click.option("--days", "days_text", metavar="N",
              help="Chart only the last N days (the trend and advice still read the whole "
                   "diary).")
@click.option("--json", "as_json", is_flag=True,
              help="Print the ratings, trend and advice as one JSON document.")
def history(days_text: str | None, as_json: bool) -> None:
    """Chart your pain ratings over time, with the trend and the advice."""
    days = parse_count("--days", days_text, 1, 36_500)
    from backrelief.core.progress import course_ratings

    since = datetime.now(UTC) - timedelta(days=days) if days is not None else None
    by_day = days is None and not as_json  # the whole diary's chart: one point a day
    result, ratings = _current_advice(history_since=since, slope=True, ratings=not by_day)
    if as_json:
        print_json({
            "ratings": [rating.as_dict() for rating in ratings],
            "trend": result.trend.as_dict(),
            "flagged_techniques": sorted(result.flagged_techniques),
            **result.as_dict(),
        })
        return
    width = _width()
    if by_day:
        course, left_out = _day_mean_course()
    else:
        course = course_ratings(rating.as_progress() for rating in ratings)
        left_out = len(ratings) - len(course)
    title = "Pain over time"
    if left_out:
        title += f" (daily and before-session ratings; {left_out} after-session left out)"
    click.echo(click.style(title, bold=True))
    for line in render_chart(course, width, result.trend.first if by_day else None):
        click.echo(line)
    click.echo("")
    click.echo(textwrap.fill("Trend: " + describe_trend(result.trend), width))
    if result.flagged_techniques:
        flagged = ", ".join(sorted(result.flagged_techniques))
        click.echo(textwrap.fill(f"Left out of your next routine: {flagged}.", width))
    click.echo("")
    _print_advice(result, width)
