"""`backrelief session`: the whole guided flow in the terminal.

Pain now -> the safety screen (or the short re-check when core.screen_policy allows building on
a recent full screen) -> the planner's questions (remembered answers offered as defaults) ->
a preview -> the player: a Rich live view driven by :mod:`backrelief.cli.player`, spoken cues
through :mod:`backrelief.cli.speech` -> pain afterwards. Everything is recorded in the diary
through a :class:`Recorder`; when the diary cannot be opened the session still runs, says so
once, and records nothing.

No routine is shown or played unless the screen allows exercise (DESIGN.md "Safety first").
"""

from __future__ import annotations

import json
import os
import select
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from backrelief.cli.common import fail
from backrelief.cli.planning import (
    NO_FLOOR_HELP,
    build_profile,
    clock,
    routine_preview,
    split_values,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

    from backrelief.cli.player import Controls, Outcome, PlayerView
    from backrelief.core.planner import Routine
    from backrelief.core.screening import ScreenResult

TIME_SCALE_ENV = "BACKRELIEF_TIME_SCALE"  # test-only speed-up of the session clock


# -- the diary seam --------------------------------------------------------------------------------

class Recorder(Protocol):
    """Where a session is recorded (the diary store, or nowhere)."""

    def recent_screen(self) -> dict[str, object] | None: ...

    def record_screen(self, result: ScreenResult, answers: Mapping[str, object]) -> None: ...

    def defaults(self) -> dict[str, Any]: ...

    def remember(self, choices: Mapping[str, Any]) -> None: ...

    def avoid(self) -> set[str]: ...

    def start(self, routine: Mapping[str, Any], pain_before: int | None) -> None: ...

    def feedback(self, technique: str, verdict: str) -> None: ...

    def stop(self, technique: str | None, response: str, choice: str) -> None: ...

    def finish(self, completed: bool, stop_reason: str | None, pain_after: int | None) -> None: ...


class NullRecorder:
    """Records nothing: the diary is unavailable."""

    def recent_screen(self) -> dict[str, object] | None:
        return None

    def record_screen(self, result: ScreenResult, answers: Mapping[str, object]) -> None:
        return None

    def defaults(self) -> dict[str, Any]:
        return {}

    def remember(self, choices: Mapping[str, Any]) -> None:
        return None

    def avoid(self) -> set[str]:
        return set()

    def start(self, routine: Mapping[str, Any], pain_before: int | None) -> None:
        return None

    def feedback(self, technique: str, verdict: str) -> None:
        return None

    def stop(self, technique: str | None, response: str, choice: str) -> None:
        return None

    def finish(self, completed: bool, stop_reason: str | None, pain_after: int | None) -> None:
        return None


class StoreRecorder:
    """Records into the diary store (backrelief.store), one short transaction per write."""

    _SETTINGS = ("region", "equipment", "minutes", "conditions")

    def __init__(self, database: Any) -> None:
        self._db = database
        self._session_id: int | None = None
        self._screen_id: int | None = None

    def recent_screen(self) -> dict[str, object] | None:
        from backrelief.core.screen_policy import carried_over, recheck_can_build_on
        from backrelief.store import latest_screen

        with self._db.session() as s:
            record = latest_screen(s)
        if record is None or not recheck_can_build_on(
            record.answers, record.tier, record.exercise_allowed, record.taken_at, datetime.now(UTC)
        ):
            return None
        return carried_over(record.answers)

    def record_screen(self, result: ScreenResult, answers: Mapping[str, object]) -> None:
        from backrelief.store import record_result

        with self._db.session(write=True) as s:
            self._screen_id = record_result(s, result, answers)

    def defaults(self) -> dict[str, Any]:
        from backrelief.store import get_setting

        with self._db.session() as s:
            return {key: get_setting(s, key) for key in self._SETTINGS
                    if get_setting(s, key) is not None}

    def remember(self, choices: Mapping[str, Any]) -> None:
        from backrelief.store import set_setting

        with self._db.session(write=True) as s:
            for key, value in choices.items():
                set_setting(s, key, value)

    def avoid(self) -> set[str]:
        from backrelief.store import flagged_techniques

        with self._db.session() as s:
            return flagged_techniques(s)

    def start(self, routine: Mapping[str, Any], pain_before: int | None) -> None:
        from backrelief.store import add_rating, start_session

        with self._db.session(write=True) as s:
            self._session_id = start_session(s, dict(routine), screen_id=self._screen_id)
            if pain_before is not None:
                add_rating(s, pain_before, kind="before", session_id=self._session_id)

    def feedback(self, technique: str, verdict: str) -> None:
        from backrelief.store import add_feedback

        if self._session_id is not None:
            with self._db.session(write=True) as s:
                add_feedback(s, self._session_id, technique, verdict)

    def stop(self, technique: str | None, response: str, choice: str) -> None:
        """A "this hurts" stop, recorded as the web player's POST /hurt records it."""
        from backrelief.store.stops import add_stop

        if self._session_id is not None:
            with self._db.session(write=True) as s:
                add_stop(s, self._session_id, technique, response, choice)

    def finish(self, completed: bool, stop_reason: str | None, pain_after: int | None) -> None:
        from backrelief.store import add_rating, finish_session

        if self._session_id is None:
            return
        with self._db.session(write=True) as s:
            finish_session(s, self._session_id, completed, stop_reason)
            if pain_after is not None:
                add_rating(s, pain_after, kind="after", session_id=self._session_id)


def open_recorder(notify: Callable[[str], None]) -> Recorder:
    """The diary recorder, or a no-op one (with a notice) when the diary cannot be opened."""
    try:
        from backrelief.store import StoreError, open_database
    except ImportError:  # pragma: no cover - the store ships with the package
        return NullRecorder()
    try:
        return StoreRecorder(open_database())
    except StoreError as exc:
        notify(f"The diary is unavailable ({exc}); this session will not be recorded.")
        return NullRecorder()


# -- keys ------------------------------------------------------------------------------------------

_SEQUENCES = {"\x1b[C": "right", "\x1b[D": "left", "\x1b": "escape", " ": "space",
              "\r": "enter", "\n": "enter"}


class KeyReader:
    """Single key presses from the terminal (cbreak mode); nothing when stdin is not a terminal."""

    def __init__(self) -> None:
        self._fd: int | None = None
        self._saved: Any = None

    def __enter__(self) -> KeyReader:
        if sys.stdin.isatty():
            import termios
            import tty

            self._fd = sys.stdin.fileno()
            self._saved = termios.tcgetattr(self._fd)
            tty.setcbreak(self._fd)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)

    def read(self, timeout: float) -> list[str]:
        """Keys pressed within ``timeout`` seconds (waits at most that long)."""
        timeout = max(0.0, min(timeout, 1.0))
        if self._fd is None:
            import time

            time.sleep(timeout)
            return []
        ready, _, _ = select.select([self._fd], [], [], timeout)
        if not ready:
            return []
        data = os.read(self._fd, 64).decode("utf-8", "ignore")
        keys: list[str] = []
        while data:
            for sequence, name in _SEQUENCES.items():
                if len(sequence) > 1 and data.startswith(sequence):
                    keys.append(name)
                    data = data[len(sequence):]
                    break
            else:
                keys.append(_SEQUENCES.get(data[0], data[0].lower()))
                data = data[1:]
        return keys


# -- the live view ---------------------------------------------------------------------------------

PANEL_HEIGHT = 16
_KEYS_HELP = "[space] pause  [n] skip  [b] back  [h] this hurts  [q] quit"


def _bar(fraction: float, width: int) -> str:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "█" * filled + "░" * (width - filled)


def render_view(view: PlayerView, controls: Controls, names: Mapping[str, str],
                intros: Mapping[str, str] | None = None) -> RenderableType:
    """The player's screen: technique, step, hold countdown, reps, breath, next, progress, keys."""
    from rich.console import Group
    from rich.layout import Layout
    from rich.panel import Panel
    from rich.text import Text

    intros = intros or {}
    lines: list[RenderableType] = []
    title = "backrelief"
    if view.technique is not None:
        title = f"{view.number}/{view.count}  {view.technique.text}"
    if controls.mode == "menu":
        menu = Text("What are you feeling?\n\n", style="bold")
        for number, (_, label) in enumerate(controls.menu, start=1):
            menu.append(f"  [{number}] {label}\n")
        menu.append("\n  [Esc] back to the session", style="dim")
        return Panel(menu, title="This hurts: paused", border_style="red", height=PANEL_HEIGHT)
    if controls.mode in ("choose", "rest") and controls.message:
        tail = "   ".join(f"[{key}] {label}" for key, label in controls.choices)
        title = "Resting: paused" if controls.mode == "rest" else "This hurts: paused"
        return Panel(Group(Text(controls.message), Text("\n" + tail, style="bold")),
                     title=title, border_style="yellow", height=PANEL_HEIGHT)
    if controls.mode == "advice" and controls.message:
        tail = "[c] carry on   [q] end the session"
        return Panel(Group(Text(controls.message), Text("\n" + tail, style="bold")),
                     title="Paused", border_style="yellow", height=PANEL_HEIGHT)

    if view.step is None and view.technique is not None:
        lines.append(Text("Get into position", style="dim"))
        lines.append(Text(intros.get(view.technique.technique or "", view.technique.text),
                          style="bold"))
        lines.append(Text(""))
        lines.append(Text(f"Ready   {_bar(view.fraction(view.technique), 30)}  "
                          f"{view.remaining(view.technique):4.0f} s", style="cyan"))
    if view.step is not None:
        where = f"Step {view.step.step}"
        if view.step.round is not None and "Round " in view.step.text:
            where += f", round {view.step.round}"
        lines.append(Text(where, style="dim"))
        text = view.step.text.split(". ", 1)[1] if view.step.text.startswith("Round ") else view.step.text
        lines.append(Text(text, style="bold"))
        lines.append(Text(""))
        if view.remaining(view.step) > 0:
            lines.append(Text(f"Ready   {_bar(view.fraction(view.step), 30)}  "
                              f"{view.remaining(view.step):4.0f} s", style="cyan"))
    if view.rep is not None:
        side = f", {view.rep.side} side" if view.rep.side else ""
        lines.append(Text(f"Rep {view.rep.rep} of {view.rep.reps}{side}", style="green"))
    if view.hold is not None:
        left = view.remaining(view.hold)
        lines.append(Text(f"Hold  {_bar(view.fraction(view.hold), 30)}  {left:4.0f} s",
                          style="cyan"))
    if view.breath is not None:
        grow = view.fraction(view.breath)
        size = grow if view.breath.kind == "breathe_in" else 1 - grow
        word = "Breathe in " if view.breath.kind == "breathe_in" else "Breathe out"
        dots = round(size * 10)
        lines.append(Text(f"{word}  " + "●" * dots + "·" * (10 - dots), style="magenta"))
    if view.phase is not None:
        left = view.remaining(view.phase)
        if view.phase.kind == "check_in":
            lines.append(Text(f"{view.phase.text}  [1] better  [2] the same  [3] worse",
                              style="bold yellow"))
        else:
            lines.append(Text(f"{view.phase.text}  ({left:.0f} s)", style="yellow"))
    footer_next = Text("Next: the end of the session", style="dim")
    if view.next_technique is not None:
        upcoming = names.get(view.next_technique.technique or "", view.next_technique.text)
        footer_next = Text(f"Next: {upcoming}", style="dim")
    status = "PAUSED  " if view.paused else ""
    progress = view.elapsed / view.total if view.total else 1.0
    footer = [footer_next, Text(f"{status}Session {_bar(progress, 30)} "
                   f"{clock(int(view.elapsed))} / {clock(view.total)}")]
    if controls.notice:
        footer.append(Text(controls.notice, style="dim"))
    footer.append(Text(_KEYS_HELP, style="dim"))
    # A fixed height keeps the panel still as lines come and go (no jumping, no leftovers),
    # with progress and keys pinned to the bottom.
    layout = Layout()
    layout.split_column(Layout(Group(*lines)), Layout(Group(*footer), size=len(footer)))
    return Panel(layout, title=title, title_align="left", height=PANEL_HEIGHT,
                 border_style="yellow" if view.paused else "green")


class RichScreen:
    """Shows the player's view in a Rich live display, at most every ``FRAME`` seconds."""

    def __init__(self, live: Live, names: Mapping[str, str], intros: Mapping[str, str]) -> None:
        self._live = live
        self._names = names
        self._intros = intros

    def show(self, view: PlayerView, controls: Controls) -> None:
        self._live.update(render_view(view, controls, self._names, self._intros), refresh=True)


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
                                         click.IntRange(3, 60), ask)
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
          conditions: Sequence[str]) -> Outcome:
    from rich.live import Live

    from backrelief.cli.player import Controls, Player, play
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
    console.clear()
    try:
        with KeyReader() as keys, Live(console=console, auto_refresh=False,
                                       redirect_stdout=False) as live:
            return play(player, keys, RichScreen(live, names, intros), speaker, stop_menu=menu,
                        decide=lambda response: decide(response, conditions),
                        on_feedback=recorder.feedback, on_stop=recorder.stop,
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
def session(region: str | None, equipment: tuple[str, ...], minutes: int | None,
            condition: tuple[str, ...], pregnancy_weeks: int | None, pain: int | None,
            no_floor: bool, answers_path: str | None, voice: bool, assume_yes: bool) -> None:
    """Run a whole guided session: safety screen, your choices, a preview, then the player."""
    from rich.console import Console

    from backrelief.core.catalog import default_catalog
    from backrelief.core.planner import plan_routine

    console = Console()
    _time_scale()  # a bad test setting fails before any question
    if pain is not None and not 0 <= pain <= 10:
        fail("--pain", f"must be between 0 and 10, got {pain}")
    build_profile(region, [e for e in split_values(equipment) if e not in ("none", "floor")],
                  minutes, [c for c in split_values(condition) if c != "none"],
                  pregnancy_weeks, pain, no_floor=no_floor)  # bad options exit 2 before asking
    recorder = open_recorder(console.print)
    if pain is None and not assume_yes:
        pain = click.prompt("How bad is your back pain right now, from 0 (none) to 10 (worst)?",
                            type=click.IntRange(0, 10))
    result, answers = _screen(answers_path, pain, recorder)
    if not result.exercise_allowed:
        console.print("[bold]No routine today.[/bold] Please follow the advice above.")
        raise SystemExit(1)

    options = {"region": region, "equipment": equipment, "minutes": minutes,
               "condition": condition, "no_floor": no_floor}
    choices = _choose(options, result, recorder.defaults(), ask=not assume_yes,
                      age=answers.get("age"))
    weeks = pregnancy_weeks if pregnancy_weeks is not None else result.pregnancy_weeks
    profile = build_profile(choices["region"], choices["equipment"], choices["minutes"],
                            choices["conditions"], weeks, pain, gentle_only=result.gentle_only,
                            no_floor=choices["no_floor"])
    recorder.remember({"region": profile.region, "equipment": sorted(profile.equipment),
                       "minutes": profile.minutes, "conditions": sorted(profile.conditions)})
    catalog = default_catalog()
    avoid = {technique for technique in recorder.avoid() if technique in catalog.techniques}
    routine = plan_routine(profile, catalog, avoid=avoid)
    console.print(routine_preview(routine, catalog, profile.minutes))
    if not routine.items:
        raise SystemExit(1)
    if not assume_yes and not click.confirm("Start the session?", default=True):
        return

    recorder.start(routine.to_json(), pain)
    outcome = _play(routine, voice, console, recorder, sorted(profile.conditions))
    _after(outcome, recorder, console, assume_yes)


def _after(outcome: Outcome, recorder: Recorder, console: Console, assume_yes: bool) -> None:
    """Stop-rule advice, the re-screen when a rule asks for it, pain afterwards, the record."""
    if outcome.completed:
        console.print("[bold green]Session complete. Well done.[/bold green]")
    elif outcome.stop_reason == "quit":
        console.print("Session ended early.")
    else:
        console.print("[bold]Session stopped.[/bold]")
    if outcome.stop_reason not in (None, "quit") and outcome.advice:
        console.print(outcome.advice[-1])  # the stop rule's advice, to keep after the view
    if outcome.rescreen:
        # A stop rule saw a possible new red flag: the warning-sign questions come first.
        if sys.stdin.isatty():
            from backrelief.cli.screening import ask_screen

            console.print("[bold]Some warning-sign questions again, to be safe:[/bold]")
            result, answers = ask_screen(recheck=True, known=recorder.recent_screen() or {})
            recorder.record_screen(result, answers)
        else:
            console.print("[bold]Please answer the warning-sign questions again now:[/bold] "
                          "backrelief check --recheck")
    pain_after = None
    if not assume_yes:
        pain_after = click.prompt("How bad is your back pain now, from 0 to 10?",
                                  type=click.IntRange(0, 10))
    recorder.finish(outcome.completed, outcome.stop_reason, pain_after)

