"""The terminal player's scheduling: which cue is due, pause, skip, back, and what to show.

Pure logic with an injected clock, so tests drive it with a fake one; the Rich view and key input
live in :mod:`backrelief.cli.session`. Cues come from :mod:`backrelief.core.timeline` and are
never re-timed here (DESIGN.md: one timeline, many players).

No drift: the session position is always ``anchor_position + (clock() - anchor_time) * scale``,
re-anchored only on pause, resume and jumps. Nothing adds up sleep intervals, so a late wake-up
never pushes later cues back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from backrelief.core.timeline import Cue
from backrelief.core.vocabulary import is_ascii_number

Clock = Callable[[], float]
BACK_GRACE = 3.0  # "back" within this many seconds of a technique's start goes to the one before
EPSILON = 1e-6  # clock arithmetic is floating point: a cue this close to now is due now


@dataclass(frozen=True)
class PlayerView:
    """Everything the view shows at one moment (session seconds, not wall-clock)."""

    elapsed: float
    total: int
    paused: bool
    finished: bool
    technique: Cue | None  # the technique being done
    step: Cue | None  # its current step instruction
    rep: Cue | None  # the latest rep of that step ("rep 3 of 6")
    hold: Cue | None  # the hold under way, for the countdown bar
    phase: Cue | None  # another timed phase under way: rest, check-in, switch side
    breath: Cue | None  # the breath under way, for the breathing indicator
    next_technique: Cue | None
    number: int  # 1-based number of the current technique (0 before the first)
    count: int  # techniques in the routine

    def remaining(self, cue: Cue | None) -> float:
        """Seconds left in a timed cue (0 if none or over)."""
        if cue is None:
            return 0.0
        return max(0.0, cue.at + cue.duration - self.elapsed)

    def fraction(self, cue: Cue | None) -> float:
        """How far through a timed cue we are, 0 to 1."""
        if cue is None or cue.duration <= 0:
            return 0.0
        return min(1.0, max(0.0, (self.elapsed - cue.at) / cue.duration))


_PHASES = {"rest", "check_in", "switch_side"}
_BREATHS = {"breathe_in", "breathe_out"}


class Player:
    """Plays a cue list against a clock: ``due()`` hands out each cue once, when its time comes."""

    def __init__(self, cues: Sequence[Cue], clock: Clock = time.monotonic,
                 time_scale: float = 1.0) -> None:
        if not cues or cues[-1].kind != "end":
            raise ValueError("a timeline ends with an 'end' cue")
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.cues = list(cues)
        self.total = cues[-1].at
        self._clock = clock
        self._scale = time_scale
        self._starts = [i for i, cue in enumerate(self.cues) if cue.kind == "technique"]
        self._next = 0  # index of the next cue to hand out
        self._position = 0.0  # session seconds at the anchor
        self._anchor: float | None = None  # clock time of the anchor; None: not running
        self._started = False
        self.stopped = False

    # -- time ------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the clock at the beginning of the session."""
        self._started = True
        self._anchor = self._clock()

    def elapsed(self) -> float:
        """Session seconds so far (frozen while paused, capped at the total)."""
        if self._anchor is None:
            return self._position
        return min(float(self.total), self._position + (self._clock() - self._anchor) * self._scale)

    @property
    def paused(self) -> bool:
        """True when started and not running."""
        return self._started and self._anchor is None and not self.finished

    @property
    def finished(self) -> bool:
        """True once the end cue is handed out, or after :meth:`stop`."""
        return self.stopped or self._next >= len(self.cues)

    def due(self) -> list[Cue]:
        """Cues whose time has come since the last call, in order; each is handed out once."""
        if not self._started or self.stopped:
            return []
        now = self.elapsed()
        out: list[Cue] = []
        while self._next < len(self.cues) and self.cues[self._next].at <= now + EPSILON:
            out.append(self.cues[self._next])
            self._next += 1
        return out

    def seconds_until_next(self) -> float:
        """Real (wall-clock) seconds until the next cue is due; infinity when paused or done."""
        if self._anchor is None or self.finished:
            return math.inf
        gap = self.cues[self._next].at - self.elapsed()
        return 0.0 if gap <= EPSILON else gap / self._scale

    # -- controls --------------------------------------------------------------------------------

    def pause(self) -> None:
        """Freeze the session clock."""
        if self._anchor is not None:
            self._position = self.elapsed()
            self._anchor = None

    def resume(self) -> None:
        """Run the session clock again from where it was paused."""
        if self._started and self._anchor is None and not self.finished:
            self._anchor = self._clock()

    def toggle_pause(self) -> None:
        """Pause when running, resume when paused."""
        if self.paused:
            self.resume()
        else:
            self.pause()

    def stop(self) -> None:
        """End the session now (quit, or a stop rule)."""
        self.pause()
        self.stopped = True

    def skip(self) -> None:
        """Jump to the start of the next technique (or to the end)."""
        current = self._current_start_index()
        later = [i for i in self._starts if current is None or i > current]
        self._jump(later[0] if later else len(self.cues) - 1)

    def back(self) -> None:
        """Jump to the start of this technique, or of the one before if it has only just begun."""
        current = self._current_start_index()
        if current is None:
            self._jump(0)
            return
        if self.elapsed() - self.cues[current].at < BACK_GRACE:
            earlier = [i for i in self._starts if i < current]
            current = earlier[-1] if earlier else current
        self._jump(current)

    def _jump(self, index: int) -> None:
        self._next = index
        self._position = float(self.cues[index].at)
        if self._anchor is not None:
            self._anchor = self._clock()

    def _current_start_index(self) -> int | None:
        """The technique under way: handed out, or just jumped to (due at this very moment)."""
        now = self.elapsed()
        begun = [i for i in self._starts
                 if i < self._next or (i == self._next and self.cues[i].at <= now + EPSILON)]
        return begun[-1] if begun else None

    # -- view ------------------------------------------------------------------------------------

    def view(self) -> PlayerView:
        """What to show now: the current technique, step, phase, breath and what comes next."""
        now = self.elapsed()
        current = self._current_start_index()
        technique = step = rep = hold = phase = breath = None
        if current is not None:
            technique = self.cues[current]
            for cue in self.cues[current:self._next]:
                active = cue.at + cue.duration > now
                if cue.kind == "step":
                    step, rep = cue, None
                elif cue.kind == "rep":
                    rep = cue
                elif cue.kind == "hold":
                    hold = cue if active else None
                elif cue.kind in _PHASES:
                    phase = cue if active else None
                elif cue.kind in _BREATHS:
                    breath = cue if active else None
        upcoming = [i for i in self._starts if current is None or i > current]
        return PlayerView(
            elapsed=now,
            total=self.total,
            paused=self.paused,
            finished=self.finished,
            technique=technique,
            step=step,
            rep=rep,
            hold=hold,
            phase=phase,
            breath=breath,
            next_technique=self.cues[upcoming[0]] if upcoming else None,
            number=self._starts.index(current) + 1 if current is not None else 0,
            count=len(self._starts),
        )


# -- the loop: cues -> speech and view, keys -> controls ----------------------------------------

Mode = Literal["play", "check_in", "menu", "advice", "choose", "rest"]
VERDICT_KEYS = {"1": "better", "2": "same", "3": "worse"}
FRAME = 0.1  # seconds between view updates (10 per second keeps the countdown bar smooth)


class KeySource(Protocol):
    """Waits up to ``timeout`` real seconds for key presses; returns their names."""

    def read(self, timeout: float) -> list[str]: ...


class Decision(Protocol):
    """What a stop rule says to do (``core.stop_rules.StopDecision`` fits)."""

    @property
    def response(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def choices(self) -> Sequence[str]: ...

    @property
    def advice(self) -> str: ...

    @property
    def rescreen(self) -> bool: ...


@dataclass
class Controls:
    """The player's interactive state beyond the timeline: prompts, menus and advice shown."""

    mode: Mode = "play"
    checking: str | None = None  # technique whose check-in is open
    menu: list[tuple[str, str]] = field(default_factory=list)  # stop responses (id, label)
    message: str | None = None  # stop-rule advice on screen
    pending: str | None = None  # the stop-rule action to take once the advice is read
    notice: str | None = None  # a one-line note (e.g. voice unavailable)
    choices: list[tuple[str, str]] = field(default_factory=list)  # (key, label) offered now
    stopping: _Stopping | None = None  # the stop being decided on


@dataclass(frozen=True)
class _Stopping:
    """A "this hurts" answer that paused the session, waiting for the person's choice."""

    technique: str | None
    response: str
    label: str
    at_check_in: bool  # answered at the technique's check-in: the technique is already over


#: Keys for the choices of ``core.stop_rules`` (digits work too, in the order offered).
CHOICE_KEYS = {"rest": "r", "skip": "s", "end": "e", "recheck": "e"}


@dataclass
class Outcome:
    """How the session ended."""

    completed: bool
    stop_reason: str | None = None
    rescreen: bool = False
    advice: list[str] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)
    stops: list[tuple[str | None, str, str]] = field(default_factory=list)  # technique, response, choice


OnStop = Callable[[str | None, str, str], None]


class Screen(Protocol):
    """Shows the player's view (the Rich live view in a terminal)."""

    def show(self, view: PlayerView, controls: Controls) -> None: ...


class Speech(Protocol):
    """Speaks a line without blocking."""

    def say(self, text: str) -> None: ...


def play(
    player: Player,
    keys: KeySource,
    screen: Screen,
    speech: Speech,
    *,
    stop_menu: Sequence[tuple[str, str]],
    decide: Callable[[str], Decision],
    on_feedback: Callable[[str, str], None] = lambda technique, verdict: None,
    on_stop: OnStop = lambda technique, response, choice: None,
    controls: Controls | None = None,
) -> Outcome:
    """Play ``player``'s cues to the end or until stopped; returns how it ended.

    Keys: space or p pause/resume, n or right skip, b or left back, h "this hurts" (the stop
    rules menu: digits choose, Esc or c cancels), q quit; during a check-in 1 better, 2 the
    same, 3 worse (which opens the stop rules too). A response that pauses the session offers
    the choices ``core.stop_rules`` gives it: sharp or worse pain r rest then carry on, s skip
    this technique, e end the session; a possible red flag ends the session at once. Every
    stop goes to ``on_stop(technique, response, choice)``, as the web player posts it.
    """
    ui = controls or Controls()
    ui.menu = list(stop_menu)
    outcome = Outcome(completed=False)
    player.start()
    while True:
        for cue in player.due():
            if cue.say:
                speech.say(cue.say)
            if cue.kind == "check_in":
                ui.mode, ui.checking = "check_in", cue.technique
            elif ui.mode == "check_in" and cue.kind in ("technique", "end"):
                ui.mode, ui.checking = "play", None
        screen.show(player.view(), ui)
        if player.finished:
            break
        for key in keys.read(min(FRAME, player.seconds_until_next())):
            _handle(key, player, ui, outcome, decide, on_feedback, on_stop)
            if player.finished:
                break
    outcome.completed = not player.stopped
    return outcome


def _current_technique(player: Player, ui: Controls) -> str | None:
    if ui.checking is not None:
        return ui.checking
    cue = player.view().technique
    return cue.technique if cue is not None else None


def _feedback(technique: str | None, verdict: str, outcome: Outcome,
              on_feedback: Callable[[str, str], None]) -> None:
    if technique is not None:
        outcome.feedback[technique] = verdict
        on_feedback(technique, verdict)


def _handle(key: str, player: Player, ui: Controls, outcome: Outcome,
            decide: Callable[[str], Decision], on_feedback: Callable[[str, str], None],
            on_stop: OnStop) -> None:
    if ui.mode in ("choose", "rest"):
        _handle_choice(key, player, ui, outcome, on_stop)
        return
    if ui.mode == "menu":
        if is_ascii_number(key, 2) and 1 <= int(key) <= len(ui.menu):
            _apply_stop_rule(ui.menu[int(key) - 1][0], player, ui, outcome, decide, on_feedback,
                             on_stop)
        elif key in ("escape", "c"):
            ui.mode, ui.checking = "play", None
            player.resume()
        return
    if ui.mode == "advice":
        if key in ("c", "enter", "space"):
            ui.mode, ui.message, ui.pending = "play", None, None
            player.resume()
        elif key == "q":
            outcome.stop_reason = outcome.stop_reason or "quit"
            player.stop()
        return
    if ui.mode == "check_in" and key in VERDICT_KEYS:
        verdict = VERDICT_KEYS[key]
        _feedback(ui.checking, verdict, outcome, on_feedback)
        ui.mode = "play"
        if verdict == "worse":
            ui.mode = "menu"
            player.pause()
        else:
            ui.checking = None
        return
    if key in ("space", "p"):
        player.toggle_pause()
    elif key in ("n", "right"):
        ui.checking = None
        ui.mode = "play"
        player.skip()
    elif key in ("b", "left"):
        ui.checking = None
        ui.mode = "play"
        player.back()
    elif key == "h":
        ui.mode = "menu"
        player.pause()
    elif key == "q":
        outcome.stop_reason = "quit"
        player.stop()


def _apply_stop_rule(response: str, player: Player, ui: Controls, outcome: Outcome,
                     decide: Callable[[str], Decision],
                     on_feedback: Callable[[str, str], None], on_stop: OnStop) -> None:
    from backrelief.core.stop_rules import CHOICE_LABELS

    decision = decide(response)
    technique = _current_technique(player, ui)
    at_check_in = ui.checking is not None  # answered at its check-in: already over
    ui.checking = None
    outcome.advice.append(decision.advice)
    choices = list(decision.choices)
    if not choices:  # carry on, with the advice on screen until it is read
        ui.mode, ui.message, ui.pending = "advice", decision.advice, decision.action
        return
    _feedback(technique, "stopped", outcome, on_feedback)
    ui.stopping = _Stopping(technique, decision.response, decision.label, at_check_in)
    if len(choices) == 1:  # a possible red flag: the session ends now
        _record_stop(ui, outcome, on_stop, choices[0])
        _end(player, ui, outcome, rescreen=choices[0] == "recheck")
        return
    ui.mode, ui.message = "choose", decision.advice
    ui.choices = [(CHOICE_KEYS[c], CHOICE_LABELS[c]) for c in choices]  # type: ignore[index]
    ui.pending = None


def _record_stop(ui: Controls, outcome: Outcome, on_stop: OnStop, choice: str) -> None:
    assert ui.stopping is not None
    outcome.stops.append((ui.stopping.technique, ui.stopping.response, choice))
    on_stop(ui.stopping.technique, ui.stopping.response, choice)


def _end(player: Player, ui: Controls, outcome: Outcome, *, rescreen: bool) -> None:
    assert ui.stopping is not None
    outcome.stop_reason = ui.stopping.label
    outcome.rescreen = rescreen
    ui.mode, ui.choices, ui.stopping = "play", [], None
    player.stop()


def _carry_on(player: Player, ui: Controls) -> None:
    """Leave the stopped technique (unless it was already over) and play on."""
    assert ui.stopping is not None
    if not ui.stopping.at_check_in:
        player.skip()
    ui.mode, ui.message, ui.choices, ui.stopping = "play", None, [], None
    player.resume()


def _handle_choice(key: str, player: Player, ui: Controls, outcome: Outcome,
                   on_stop: OnStop) -> None:
    """Keys while a stop waits for a choice (``choose``) or while resting (``rest``)."""
    if ui.mode == "rest":
        if key in ("c", "enter", "space"):
            _carry_on(player, ui)
        elif key in ("e", "q"):
            _record_stop(ui, outcome, on_stop, "end")
            _end(player, ui, outcome, rescreen=False)
        return
    by_key = {"r": "rest", "s": "skip", "e": "end", "q": "end", "1": "rest", "2": "skip",
              "3": "end"}
    choice = by_key.get(key)
    if choice is None:
        return
    _record_stop(ui, outcome, on_stop, choice)
    if choice == "end":
        _end(player, ui, outcome, rescreen=False)
    elif choice == "skip":
        _carry_on(player, ui)
    else:
        ui.mode = "rest"
        ui.message = ("Rest in a position that eases the pain, such as lying on your back with "
                      "your knees bent. When it has settled back to its usual level, carry on "
                      "gently with the next technique; if it doesn't, end the session.")
        ui.choices = [("c", "Carry on with the next technique"), ("e", "End the session")]
