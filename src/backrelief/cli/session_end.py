"""The end of a terminal session, as the web's after-session page and summary end it.

Stop-rule advice and the re-check when a rule asks for it, then pain now (and whether it has
spread down a leg), how each technique
felt (the same five answers as the web form; techniques the player already rated keep their
answer), the before/after summary and the diary's advice.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

import click

from backrelief.core.progress import VERDICT_LABELS
from backrelief.core.vocabulary import PAIN_MAX, PAIN_MIN

if TYPE_CHECKING:
    from rich.console import Console

    from backrelief.cli.player import Outcome
    from backrelief.cli.session_diary import Ending, Recorder
    from backrelief.core.planner import Routine


def _ask_verdicts(routine: Routine, already: Mapping[str, str]) -> dict[str, str]:
    click.echo("How did each technique feel? (optional: Enter skips; a technique that felt "
               "worse is left out of your routines for a week)")
    keys = list(VERDICT_LABELS)
    menu = "  ".join(f"[{n}] {label}" for n, label in enumerate(VERDICT_LABELS.values(), 1))
    verdicts: dict[str, str] = {}
    for item in routine.items:
        if item.technique in already or item.technique in verdicts:
            continue
        answer = click.prompt(f"{item.name}: {menu}", default="", show_default=False,
                              show_choices=False,
                              type=click.Choice(["", *[str(n) for n in range(1, 6)]]))
        if answer:
            verdicts[item.technique] = keys[int(answer) - 1]
    return verdicts


def _change(before: int, after: int) -> str:
    change = after - before
    if change < 0:
        return f"{-change} point{'s' if change != -1 else ''} lower than before the session."
    if change > 0:
        return f"{change} point{'s' if change != 1 else ''} higher than before the session."
    return "The same as before the session."


def show_summary(ending: Ending, routine: Routine, console: Console) -> None:
    """Pain before and after, how each technique felt, and what the diary says."""
    def rated(pain: int | None) -> str:
        return "not rated" if pain is None else f"{pain}/10"

    console.print("\n[bold]Session summary[/bold]")
    console.print(f"Pain before: {rated(ending.pain_before)}   after: {rated(ending.pain_after)}",
                  highlight=False)
    if ending.pain_before is not None and ending.pain_after is not None:
        console.print(_change(ending.pain_before, ending.pain_after), highlight=False)
    for item in routine.items:
        verdict = ending.verdicts.get(item.technique)
        said = f": {VERDICT_LABELS[verdict].lower()}" if verdict in VERDICT_LABELS else ""
        console.print(f"  - {item.name}{said}", highlight=False)
    if ending.advice:
        console.print("\n[bold]What the diary says[/bold]")
        console.print(ending.advice, highlight=False)


def end_session(outcome: Outcome, routine: Routine, recorder: Recorder, console: Console,
                assume_yes: bool, rated: Mapping[str, str]) -> None:
    """Everything after the player: advice, re-check, pain now, feedback, summary."""
    if outcome.completed:
        console.print("[bold green]Session complete. Well done.[/bold green]")
    elif outcome.stop_reason == "quit":
        console.print("Session ended early.")
    else:
        console.print("[bold]Session stopped.[/bold]")
    if outcome.stop_reason not in (None, "quit") and outcome.advice:
        console.print(outcome.advice[-1])  # the stop rule's advice, to keep after the view
    recorder.stopped(outcome.completed, outcome.stop_reason)
    if outcome.rescreen:
        # A stop rule saw a possible new red flag: the warning-sign questions come first.
        if sys.stdin.isatty():
            from backrelief.cli.screening import ask_screen

            console.print("[bold]Some warning-sign questions again, to be safe:[/bold]")
            result, answers = ask_screen(recheck=True, known=recorder.recent_screen() or {})
            recorder.record_screen(result, answers)
            if not result.exercise_allowed:
                return  # the re-check's own advice is the last word
        else:
            console.print("[bold]Please answer the warning-sign questions again now:[/bold] "
                          "backrelief check --recheck")
    pain_after = None
    spread = False
    verdicts: dict[str, str] = {}
    if not assume_yes:
        pain_after = click.prompt("How bad is your back pain now, from 0 to 10?",
                                  type=click.IntRange(PAIN_MIN, PAIN_MAX))
        # The web form's checkbox: spreading pain is a reason to see someone (diary advice).
        spread = click.confirm("Has the pain spread down a leg, or further down it, since "
                               "last time?", default=False)
        verdicts = _ask_verdicts(routine, rated)
    ending = recorder.finish(pain_after, verdicts, spread)
    if ending is not None:
        show_summary(ending, routine, console)
