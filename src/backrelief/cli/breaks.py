"""`backrelief breaks --every 45`: a desk-break reminder in the terminal.

Every N minutes it rings the terminal bell and offers the 3-minute seated or standing routine
(:mod:`backrelief.core.breaks`); playing it goes through ``backrelief session``, which starts
with the safety check like every session. Ctrl-C stops it. ``BACKRELIEF_TIME_SCALE`` (tests
only, as for the session clock) makes the minutes pass faster.
"""

from __future__ import annotations

import os
import time

import click

from backrelief.cli.common import fail
from backrelief.core.vocabulary import is_ascii_number

TIME_SCALE_ENV = "BACKRELIEF_TIME_SCALE"


@click.command()
@click.option("--every", default="45", show_default=True, help="Minutes between breaks (15-180).")
@click.option("--count", default=None, help="Stop after this many reminders (default: until Ctrl-C).")
def breaks(every: str, count: str | None) -> None:
    """Remind you to take a short desk break every N minutes."""
    from backrelief.core.breaks import BreakError, check_every

    try:
        minutes = check_every(int(every) if is_ascii_number(every.removeprefix("-"), 6) else every)
    except BreakError as exc:
        fail("--every", exc.problem)
    if count is not None and (not is_ascii_number(count, 6) or int(count) < 1):
        fail("--count", f"must be a whole number of 1 or more, got {count!r}")
    scale = float(os.environ.get(TIME_SCALE_ENV) or 1)
    if not 0 < scale <= 100_000:
        fail(TIME_SCALE_ENV, f"must be above 0 and at most 100000, got {scale!r}")

    from backrelief.cli.diary import store_session
    from backrelief.core.breaks import desk_break
    from backrelief.core.catalog import default_catalog
    from backrelief.core.timeline import duration_words
    from backrelief.journey.defaults import remembered_choices

    with store_session() as s:
        conditions = remembered_choices(s).conditions
    routine = desk_break(default_catalog(), conditions)  # type: ignore[arg-type]
    click.echo(f"Desk breaks every {minutes} minutes. Ctrl-C to stop.")
    done = 0
    try:
        while count is None or done < int(count):
            time.sleep(minutes * 60 / scale)
            done += 1
            names = ", ".join(item.name for item in routine.items)
            click.echo(f"\aTime for a desk break ({duration_words(routine.seconds)}, seated or "
                       f"standing): {names}.")
            click.echo("  Play it with `backrelief session --minutes 3 --no-floor` (it starts "
                       "with the safety check), or just stand up and walk for a minute.")
    except KeyboardInterrupt:
        click.echo("Desk breaks stopped.")
