"""`backrelief session`: the whole guided flow in the terminal.

Pain now -> the safety screen (or the short re-check when core.screen_policy allows building on
a recent full screen) -> the planner's questions (remembered answers offered as defaults) ->
a preview -> the player -> the end: pain now, how each technique felt, the before/after summary
and the diary's advice (:mod:`backrelief.cli.session_end`, as the web's after-session pages).

Split by what each part does: :mod:`~backrelief.cli.session_diary` records through the journey
layer (nothing is stored until the player starts), :mod:`~backrelief.cli.session_keys` reads
single keys, :mod:`~backrelief.cli.session_view` draws the player's panel, and this module is
the flow. No routine is shown or played unless the screen allows exercise (DESIGN.md "Safety
first").
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from backrelief.cli.common import fail
from backrelief.cli.planning import NO_FLOOR_HELP, build_profile, routine_preview, split_values
from backrelief.cli.session_diary import Recorder, open_recorder
from backrelief.cli.session_view import render_view as render_view  # re-exported for tests
from backrelief.core.vocabulary import MAX_MINUTES, MIN_MINUTES, PAIN_MAX, PAIN_MIN

if TYPE_CHECKING:
    from rich.console import Console

    from backrelief.cli.player import Outcome
    from backrelief.core.planner import Routine
    from backrelief.core.screening import ScreenResult

TIME_SCALE_ENV = "BACKRELIEF_TIME_SCALE"  # test-only speed-up of the session clock


# -- the flow --------------------------------------------------------------------------------------

def _time_scale() -> float:
    raw = os.environ.get(TIME_SCALE_ENV)
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError:
        fail(TIME_SCALE_ENV, f"must be a number, got {raw!r}")
    if not 0 < scale <= 1000:
        fail(TIME_SCALE_ENV, f"must be above 0 and at most 1000, got {raw!r}")
    return scale


def _read_answers(path: str) -> dict[str, object]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail("--answers", f"cannot read {path!r}: {exc}")
    if not isinstance(data, dict):
        fail("--answers", "expected a JSON object of question id -> answer")
    return data


def _screen(answers_path: str | None, pain: int | None,
            recorder: Recorder) -> tuple[ScreenResult, Mapping[str, object]]:
    from backrelief.core.screening import AnswerError, evaluate

    known: dict[str, object] = {} if pain is None else {"pain_now": pain}
    if answers_path is not None:
        answers = {**known, **_read_answers(answers_path)}
        try:
            result = evaluate(answers)
        except AnswerError as exc:
            fail(f"--answers: {exc.field}", exc.problem)
        from backrelief.cli.screening import show_result

        show_result(result)
        recorder.record_screen(result, answers)
        return result, answers
    from backrelief.cli.screening import ask_screen

    earlier = recorder.recent_screen()
    if earlier is not None:
        click.echo("You took the full safety screen recently: just a quick re-check.")
        result, answers = ask_screen(recheck=True, known={**earlier, **known})
    else:
        result, answers = ask_screen(recheck=False, known=known)
    recorder.record_screen(result, answers)
    return result, answers


def _ask(prompt: str, default: Any, value_type: Any = str, ask: bool = True) -> Any:
    if not ask:
        return default
    return click.prompt(prompt, default=default, type=value_type, err=False)


def _choose(options: Mapping[str, Any], screen: ScreenResult, remembered: Mapping[str, Any],
            ask: bool, age: object = None) -> dict[str, Any]:
    """The planner's questions, for whatever the options did not answer.

    "Can you get down to the floor?" comes first for people 65 or over or with osteoporosis.
    """
    from backrelief.core.planner import suggest_no_floor
    from backrelief.core.vocabulary import CONDITION_IDS, EQUIPMENT

    no_floor = bool(options.get("no_floor"))
    if not no_floor and ask and suggest_no_floor(age, screen.conditions):
        no_floor = not click.confirm("Can you easily get down to the floor and up again?",
                                     default=True)

    region = options["region"] or _ask(
        "Where is your back sore? (upper, lower, whole)", remembered.get("region", "whole"),
        click.Choice(["upper", "lower", "whole"]), ask)
    equipment = list(options["equipment"])
    if not equipment:
        kit = ", ".join(remembered.get("equipment", [])) or "none"
        answer = _ask(f"What do you have to hand? ({', '.join(EQUIPMENT)}; none = floor only)",
                      kit, str, ask)
        equipment = [answer]
    equipment = [e for e in split_values(equipment) if e not in ("none", "floor")]
    minutes = options["minutes"] or _ask("How many minutes do you have? (3-60)",
                                         remembered.get("minutes", 10),
                                         click.IntRange(MIN_MINUTES, MAX_MINUTES), ask)
    conditions = [c for c in split_values(options["condition"]) if c != "none"]
    if not options["condition"]:
        listed = ", ".join(remembered.get("conditions", [])) or "none"
        answer = _ask(f"Any of these apply? ({', '.join(CONDITION_IDS)}; none)", listed, str, ask)
        conditions = [c for c in split_values([answer]) if c != "none"]
    from_screen = [c for c in screen.conditions if c not in conditions]
    if from_screen:
        click.echo(f"From your safety answers: {', '.join(from_screen)}.")
    return {"region": region, "equipment": equipment, "minutes": minutes,
            "conditions": conditions + from_screen, "no_floor": no_floor}


def _play(routine: Routine, voice: bool, console: Console, recorder: Recorder,
          conditions: Sequence[str], rated: dict[str, str]) -> Outcome:
    from rich.live import Live

    from backrelief.cli.player import Controls, Player, play
    from backrelief.cli.session_keys import KeyReader
    from backrelief.cli.session_view import RichScreen
    from backrelief.cli.speech import make_speaker
    from backrelief.core.catalog import default_catalog
    from backrelief.core.stop_rules import decide, default_stop_rules
    from backrelief.core.timeline import build_timeline

    catalog = default_catalog()
    cues = build_timeline(routine, catalog)
    controls = Controls()
    notes: list[str] = []
    speaker = make_speaker(voice, notify=notes.append)
    if notes:
        console.print(notes[0])
        controls.notice = notes[0]
    names = {item.technique: item.name for item in routine.items}
    intros = {}
    for item in routine.items:
        technique = catalog.technique(item.technique)
        form = technique.variant(item.variant) if item.variant else technique
        intros[item.technique] = form.summary
    menu = [(r.id, r.label) for r in default_stop_rules().responses]
    player = Player(cues, time_scale=_time_scale())

    def on_feedback(technique: str, verdict: str) -> None:
        rated[technique] = verdict  # not asked again at the end
        recorder.feedback(technique, verdict)

    console.clear()
    try:
        with KeyReader() as keys, Live(console=console, auto_refresh=False,
                                       redirect_stdout=False) as live:
            return play(player, keys, RichScreen(live, names, intros), speaker, stop_menu=menu,
                        decide=lambda response: decide(response, conditions),
                        on_feedback=on_feedback, on_stop=recorder.stop,
                        controls=controls)
    finally:
        speaker.close()


@click.command()
@click.option("--region", default=None, metavar="upper|lower|whole", help="Where it hurts.")
@click.option("--equipment", multiple=True, metavar="NAME",
              help="Kit at hand (repeat or comma-separate; 'none' for floor only).")
@click.option("--minutes", type=int, default=None, metavar="N", help="Time you have, 3 to 60.")
@click.option("--condition", multiple=True, metavar="NAME",
              help="A condition that changes what is safe ('none' for none).")
@click.option("--pregnancy-weeks", type=int, default=None, metavar="N",
              help="Weeks of pregnancy (implies --condition pregnancy).")
@click.option("--pain", type=int, default=None, metavar="N", help="Pain right now, 0 to 10.")
@click.option("--no-floor", "no_floor", is_flag=True, help=NO_FLOOR_HELP)
@click.option("--answers", "answers_path", default=None, metavar="FILE",
              help="Take the safety screen from a JSON file of answers instead of asking.")
@click.option("--voice/--no-voice", default=True, help="Speak the cues through espeak-ng.")
@click.option("--yes", "-y", "assume_yes", is_flag=True,
              help="Use remembered or default answers and start without asking.")
@click.option("--no-programme", "no_programme", is_flag=True,
              help="A one-off session even on a programme day (not recorded against it).")
def session(region: str | None, equipment: tuple[str, ...], minutes: int | None,
            condition: tuple[str, ...], pregnancy_weeks: int | None, pain: int | None,
            no_floor: bool, answers_path: str | None, voice: bool, assume_yes: bool,
            no_programme: bool) -> None:
    """Run a whole guided session: safety screen, your choices, a preview, then the player.

    On a day the programme plans a session, plays that day's routine at the week's dose and
    records it against the programme (``--no-programme`` for a one-off)."""
    from rich.console import Console

    from backrelief.core.catalog import default_catalog
    from backrelief.core.planner import plan_routine

    console = Console()
    _time_scale()  # a bad test setting fails before any question
    if pain is not None and not PAIN_MIN <= pain <= PAIN_MAX:
        fail("--pain", f"must be between {PAIN_MIN} and {PAIN_MAX}, got {pain}")
    build_profile(region, [e for e in split_values(equipment) if e not in ("none", "floor")],
                  minutes, [c for c in split_values(condition) if c != "none"],
                  pregnancy_weeks, pain, no_floor=no_floor)  # bad options exit 2 before asking
    recorder = open_recorder(console.print)
    if pain is None and not assume_yes:
        pain = click.prompt("How bad is your back pain right now, from 0 (none) to 10 (worst)?",
                            type=click.IntRange(PAIN_MIN, PAIN_MAX))
    result, answers = _screen(answers_path, pain, recorder)
    if not result.exercise_allowed:
        console.print("[bold]No routine today.[/bold] Please follow the advice above.")
        raise SystemExit(1)

    catalog = default_catalog()
    programme = None if no_programme else recorder.programme_today()
    planned = None if programme is None else recorder.programme_plan(programme, pain, result)
    if programme is not None and planned is not None:
        # The programme's day: its region, kit, minutes and conditions, at this week's dose.
        from backrelief.journey.programme import today_label

        profile, routine = planned
        console.print(f"[bold]{today_label(programme)}[/bold]", highlight=False)
        console.print(f"This week's dose: {programme.current_dose.what}.", highlight=False)
        for reason in programme.current_dose.reasons:
            console.print(reason, highlight=False)
        if any((region, equipment, minutes, condition, no_floor)):
            console.print("The programme sets the region, kit and time; your other options are "
                          "not used today (--no-programme for a one-off with them).")
    else:
        programme = None
        options = {"region": region, "equipment": equipment, "minutes": minutes,
                   "condition": condition, "no_floor": no_floor}
        choices = _choose(options, result, recorder.defaults(), ask=not assume_yes,
                          age=answers.get("age"))
        weeks = pregnancy_weeks if pregnancy_weeks is not None else result.pregnancy_weeks
        profile = build_profile(choices["region"], choices["equipment"], choices["minutes"],
                                choices["conditions"], weeks, pain,
                                gentle_only=result.gentle_only, no_floor=choices["no_floor"])
        avoid = {technique: reason for technique, reason in recorder.avoid().items()
                 if technique in catalog.techniques}
        routine = plan_routine(profile, catalog, avoid=avoid)
    console.print(routine_preview(routine, catalog, profile.minutes))
    if not routine.items:
        raise SystemExit(1)
    if not assume_yes and not click.confirm("Start the session?", default=True):
        return  # a look at the plan stores nothing

    from backrelief.cli.session_end import end_session

    recorder.start(routine, profile, programme)
    rated: dict[str, str] = {}
    outcome = _play(routine, voice, console, recorder, sorted(profile.conditions), rated)
    end_session(outcome, routine, recorder, console, assume_yes, rated)
