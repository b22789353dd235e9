"""`backrelief plan` and `backrelief timeline`: a routine for a profile, and its cue list.

Both take the same options (DESIGN.md "Contracts"). Bad options exit 2 with one line naming the
option. ``--pregnancy-weeks`` implies ``--condition pregnancy``: giving the week only makes sense
in pregnancy, and pregnancy without a week gets the conservative rules of 16 weeks on.
``--no-floor`` keeps every item seated or standing.

Both apply the diary's per-technique memory (:mod:`backrelief.journey.memory`), as `session` and
the web do: a technique that felt worse or was stopped is left out for 7 days, one not to repeat
today until tomorrow, with the reason under "left out, and why" and in the JSON's ``excluded``.
With no diary yet there is nothing to remember, and the store is not even imported: that keeps
`plan` as quick to start as `--help` (issue 16).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from backrelief.cli.common import fail, print_json

if TYPE_CHECKING:
    from rich.console import RenderableType

    from backrelief.core.catalog import Catalog
    from backrelief.core.planner import Profile, Routine

F = TypeVar("F", bound=Callable[..., Any])

# Profile field -> the option that sets it, for error messages.
OPTION_FOR_FIELD = {
    "region": "--region",
    "equipment": "--equipment",
    "minutes": "--minutes",
    "condition": "--condition",
    "pregnancy_weeks": "--pregnancy-weeks",
    "pain": "--pain",
    "no_floor": "--no-floor",
}
NO_FLOOR_HELP = ("I can't easily get down to or up from the floor: only seated and standing "
                 "techniques.")


def profile_options(command: F) -> F:
    """The options `plan`, `timeline` and `session` share, in DESIGN.md's order."""
    options = [
        click.option("--json", "as_json", is_flag=True, help="Print one JSON document."),
        click.option("--region", default=None, metavar="upper|lower|whole",
                     help="Where it hurts (default: whole back)."),
        click.option("--equipment", multiple=True, metavar="NAME",
                     help="Kit at hand; repeat or comma-separate: foam_roller, tennis_ball, "
                          "lacrosse_ball, chair, wall (default: floor only)."),
        click.option("--minutes", type=int, default=None, metavar="N",
                     help="Time you have, 3 to 60 (default 10)."),
        click.option("--condition", multiple=True, metavar="NAME",
                     help="A condition that changes what is safe; repeat or comma-separate."),
        click.option("--pregnancy-weeks", type=int, default=None, metavar="N",
                     help="Weeks of pregnancy, 0 to 45 (implies --condition pregnancy)."),
        click.option("--pain", type=int, default=None, metavar="N",
                     help="Pain right now, 0 to 10 (7 or more: gentle techniques only)."),
        click.option("--no-floor", "no_floor", is_flag=True, help=NO_FLOOR_HELP),
        click.option("--seed", type=int, default=None, metavar="N",
                     help="Vary the choice between equally good techniques."),
        click.option("--avoid", multiple=True, metavar="ID",
                     help="Technique ids to leave out; repeat or comma-separate."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


NO_EQUIPMENT = ("none", "floor")  # what `--equipment` takes for "floor only"


def split_values(values: Iterable[str]) -> list[str]:
    """`--equipment a,b --equipment c` -> [a, b, c]; hyphens read as underscores."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip().replace("-", "_") for part in value.split(",") if part.strip())
    return out


def build_profile(region: str | None, equipment: Iterable[str], minutes: int | None,
                  condition: Iterable[str], pregnancy_weeks: int | None,
                  pain: int | None, gentle_only: bool = False,
                  no_floor: bool = False) -> Profile:
    """A validated Profile from option values; a bad value exits 2 naming its option."""
    from backrelief.core.planner import Profile, ProfileError

    try:
        return Profile(
            region=region or "whole",  # type: ignore[arg-type]
            # "none" (or "floor") means floor only, in `plan` as in `session`.
            equipment=frozenset(e for e in split_values(equipment)  # type: ignore[misc]
                                if e not in NO_EQUIPMENT),
            minutes=10 if minutes is None else minutes,
            conditions=frozenset(c for c in split_values(condition)  # type: ignore[misc]
                                 if c != "none"),
            pregnancy_weeks=pregnancy_weeks,
            pain=pain,
            gentle_only=gentle_only,
            no_floor=no_floor,
        )
    except ProfileError as exc:
        fail(OPTION_FOR_FIELD.get(exc.field, exc.field), exc.problem)


def check_avoid(avoid: Iterable[str], catalog: Catalog) -> frozenset[str]:
    """Technique ids from --avoid, each checked against the catalogue."""
    ids = frozenset(part.strip() for value in avoid for part in value.split(",") if part.strip())
    for technique_id in sorted(ids):
        if technique_id not in catalog.techniques:
            fail("--avoid", f"unknown technique {technique_id!r}; valid ids: "
                            f"{', '.join(sorted(catalog.techniques))}")
    return ids


def diary_memory(catalog: Catalog) -> dict[str, str]:
    """What the diary says the next plan leaves out: technique id -> the reason in words.

    Empty when there is no diary yet (nothing is created or imported then). A diary that cannot
    be opened is said on stderr and the plan goes on without its memory, as `session` does.
    """
    from backrelief.config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        fail(exc.setting, exc.problem)
    if config.sqlite_path is not None and not config.sqlite_path.is_file():
        return {}
    from backrelief.journey.memory import avoid_reasons

    if config.sqlite_path is not None:
        # Read-only with the standard library when the file is at the expected schema: no
        # SQLAlchemy import, which alone cost more than `--help` (store/light.py; issue 16).
        from backrelief.store.light import read_memory

        light = read_memory(config.sqlite_path)
        if light is not None:
            return {technique: reason for technique, reason in avoid_reasons(light).items()
                    if technique in catalog.techniques}
    from backrelief.journey.memory import current_memory
    from backrelief.store import StoreError, open_database

    try:
        database = open_database(config=config)
        try:
            with database.session() as s:
                memory = avoid_reasons(current_memory(s))
        finally:
            database.close()
    except StoreError as exc:
        click.echo(f"backrelief: the diary is unavailable ({exc}); planned without its memory",
                   err=True)
        return {}
    return {technique: reason for technique, reason in memory.items()
            if technique in catalog.techniques}


def _plan_from_options(options: dict[str, Any]) -> tuple[Routine, Catalog]:
    from backrelief.core.catalog import default_catalog
    from backrelief.core.planner import AVOID_REASON, plan_routine

    profile = build_profile(options["region"], options["equipment"], options["minutes"],
                            options["condition"], options["pregnancy_weeks"], options["pain"],
                            no_floor=options["no_floor"])
    catalog = default_catalog()
    asked = check_avoid(options["avoid"], catalog)
    avoid = {**diary_memory(catalog), **dict.fromkeys(asked, AVOID_REASON)}
    return plan_routine(profile, catalog, avoid=avoid, seed=options["seed"]), catalog


def clock(seconds: int) -> str:
    """Seconds as m:ss."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def _words(value: str) -> str:
    return value.replace("_", " ")


def routine_preview(routine: Routine, catalog: Catalog, minutes: int) -> RenderableType:
    """A readable preview: techniques in order with time and why, what was left out, advice."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from backrelief.core.timeline import duration_words

    title = f"Your routine: {duration_words(routine.seconds)} (you asked for {minutes})"
    table = Table(title=title, title_justify="left", show_lines=True, expand=True)
    table.add_column("#", justify="right", width=2)
    table.add_column("technique", ratio=2)
    table.add_column("time", justify="right", width=5)
    table.add_column("why", ratio=5)
    for number, item in enumerate(routine.items, start=1):
        off_floor = item.position in ("seated", "standing")
        kit = ", ".join(_words(e) for e in item.equipment) or ("no kit" if off_floor else "floor")
        rounds = "1 round" if item.rounds == 1 else f"{item.rounds} rounds"
        name = Text.assemble((item.name, "bold"), f"\n{_words(item.position)}, {kit}\n{rounds}")
        table.add_row(str(number), name, clock(item.seconds), item.why)
    parts: list[RenderableType] = [table]
    if routine.excluded:
        left_out = Text("Left out, and why\n", style="bold")
        for exclusion in routine.excluded:
            label, reasons = exclusion.describe(catalog)
            left_out.append(f"  {label}: ", style="yellow")
            left_out.append(reasons + "\n")
        parts.append(left_out)
    advice = Text("Advice\n", style="bold")
    for line in routine.advice:
        advice.append(f"  - {line}\n")
    parts.append(advice)
    return Group(*parts)


@click.command()
@profile_options
def plan(as_json: bool, **options: Any) -> None:
    """Plan a routine for where it hurts, your kit and your time."""
    routine, catalog = _plan_from_options(options)
    if as_json:
        print_json(routine.to_json())
        return
    from rich.console import Console

    console = Console()
    console.print(routine_preview(routine, catalog, options["minutes"] or 10))
    if routine.items:
        console.print("Start it with [bold]backrelief session[/bold] (the safety screen comes first).")


@click.command()
@profile_options
def timeline(as_json: bool, **options: Any) -> None:
    """Print the timed cue list of a planned routine (the script every player plays)."""
    from backrelief.core.timeline import build_timeline, timeline_to_json

    routine, catalog = _plan_from_options(options)
    cues = build_timeline(routine, catalog)
    if as_json:
        print_json(timeline_to_json(cues))
        return
    for cue in cues:
        where = f" [{cue.technique}]" if cue.kind == "technique" else ""
        click.echo(f"{clock(cue.at):>6}  {cue.kind:<11} {cue.text}{where}")
