"""Routine -> one list of timed cues: the only script any player plays (DESIGN.md).

Every technique of a routine becomes a block of cues, in this order:

* ``technique`` (get into position: ``TECHNIQUE_LEAD`` s, or ``FLOOR_CHANGE_LEAD`` s when the
  person has to get down to the floor or up from it, see :func:`position_lead`), then for each
  round, each step:
* ``step`` (its instruction; the lead lasts as long as the words take to say, 3 to 8 s), then
  the dose: a hold (``hold`` with ``countdown`` 3-2-1 at the end of holds of 5 s or more, and
  ``breathe_in``/``breathe_out`` cycles in long holds that have a breathing cue), moving reps at a
  steady tempo (``rep`` with the step's breath cue), or held reps (move, hold, release). Sides:
  ``each`` does the whole dose on one side, ``switch_side``, then the other; ``alternate``
  alternates sides rep by rep. In both, ``reps`` counts per side, so the sides stay balanced.
  Every repetition speaks its count and its breath cue, short after the first ("2, breathe in",
  "and out"), so a person who looks away from the screen still hears when to breathe.
* ``check_in`` (the player asks how it felt; "this hurts" applies the stop rules) and ``rest``.

The timeline ends with ``end`` at the routine's total. The planner sizes routines with
:func:`item_seconds`, which runs this same expansion, so the routine's seconds and the timeline's
end cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from backrelief.core.catalog import Catalog, Step, dosed_steps
from backrelief.core.vocabulary import Position

if TYPE_CHECKING:
    from backrelief.core.planner import Routine, RoutineItem

CueKind = Literal[
    "technique",
    "step",
    "breathe_in",
    "breathe_out",
    "hold",
    "countdown",
    "rep",
    "switch_side",
    "rest",
    "check_in",
    "end",
]
SideName = Literal["left", "right"]

TECHNIQUE_LEAD = 6  # announce the technique and get into position
FLOOR_CHANGE_LEAD = 15  # ... when that means getting down to the floor or up from it
OFF_FLOOR: frozenset[str] = frozenset(("seated", "standing"))
STEP_LEAD_MIN, STEP_LEAD_MAX = 3, 8  # time to hear the instruction before the dose starts
WORDS_PER_SECOND = 2.5  # a calm speaking pace
REP_TEMPO = 5  # a moving rep: 2 s breathing in, 3 s breathing out (slow, never forced)
MOVE_INTO, RELEASE = 2, 2  # a held rep: move into position, hold, release
SWITCH_SECONDS = 4
CHECK_IN_SECONDS = 6
REST_SECONDS = 5
COUNTDOWN_FROM_HOLD = 5  # holds this long or longer end with 3-2-1
BREATH_IN, BREATH_OUT = 4, 6  # a slow breath in long holds (6 breaths a minute)
BREATH_CYCLES_FROM_HOLD = 12


@dataclass(frozen=True, slots=True)
class Cue:
    """One timed cue. ``at`` and ``duration`` are whole seconds from the start of the session.

    ``step`` is the 1-based step number within the technique (None for cues not tied to a step);
    ``say`` is what to speak (None: nothing). ``rep``/``reps`` count per side; ``side`` and
    ``round`` say where in the dose the cue is.
    """

    at: int
    kind: CueKind
    technique: str | None
    step: int | None
    text: str
    say: str | None
    duration: int = 0
    rep: int | None = None
    reps: int | None = None
    side: SideName | None = None
    round: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The cue as the JSON object every player reads.

        Written out by hand: ``dataclasses.asdict`` deep-copies every field and took 2.1 ms for
        a 194-cue session against 0.17 ms (issue 16). Same keys, same order as the fields.
        """
        return {"at": self.at, "kind": self.kind, "technique": self.technique,
                "step": self.step, "text": self.text, "say": self.say,
                "duration": self.duration, "rep": self.rep, "reps": self.reps,
                "side": self.side, "round": self.round}


def position_lead(previous: Position | None, position: Position) -> int:
    """Seconds to get into ``position`` after ``previous`` (None: the start, standing).

    Getting down to the floor or up from it takes longer than shifting on the floor or standing
    up from a chair.
    """
    was_off_floor = previous is None or previous in OFF_FLOOR
    return TECHNIQUE_LEAD if was_off_floor == (position in OFF_FLOOR) else FLOOR_CHANGE_LEAD


def duration_words(seconds: int) -> str:
    """A length of time as people say it, used by every page and command: ``602`` -> "about 10
    minutes", ``75`` -> "about a minute", ``40`` -> "under a minute".
    """
    if seconds < 45:
        return "under a minute"
    minutes = int(seconds / 60 + 0.5)
    return "about a minute" if minutes == 1 else f"about {minutes} minutes"


def _first_sentence(text: str) -> str:
    for mark in (". ", "; ", ": "):
        head, found, _ = text.partition(mark)
        if found:
            return head + "."
    return text


def step_say(step: Step) -> str:
    """What to speak for a step: its short spoken form, or the first sentence of its text."""
    return step.say or _first_sentence(step.text)


def step_lead(step: Step) -> int:
    """Seconds between a step's instruction and its dose: as long as the words take to say."""
    words = len(step_say(step).split())
    return min(STEP_LEAD_MAX, max(STEP_LEAD_MIN, math.ceil(words / WORDS_PER_SECOND)))


def _exhale_words(step: Step) -> str:
    """'and round your back as you breathe out' from a short spoken step, else a plain cue."""
    spoken = step_say(step).rstrip(".!")
    if len(spoken.split()) <= 8 and not any(mark in spoken for mark in ".;:,"):
        return f"and {spoken[0].lower() + spoken[1:]} as you breathe out"
    return "and breathe out as you move"


class _Writer:
    """Collects cues for one technique while keeping the clock."""

    def __init__(self, technique_id: str, start: int, record: bool = True) -> None:
        self.technique = technique_id
        self.t = start
        self.record = record  # False: keep the clock only (sizing routines, no cue objects)
        self.cues: list[Cue] = []

    def add(self, kind: CueKind, text: str, say: str | None, duration: int = 0, *,
            at: int | None = None, **where: Any) -> None:
        if not self.record:
            return
        self.cues.append(
            Cue(self.t if at is None else at, kind, self.technique, where.pop("step", None),
                text, say, duration, **where)
        )

    def hold(self, seconds: int, breath: str | None, say: str | None, **where: Any) -> None:
        start = self.t
        self.add("hold", f"Hold for {seconds} s", say, seconds, **where)
        countdown = seconds >= COUNTDOWN_FROM_HOLD
        if breath in ("in", "out") and seconds < BREATH_CYCLES_FROM_HOLD:
            # The step's own words say how to breathe; the cue drives the breathing indicator.
            kind: CueKind = "breathe_in" if breath == "in" else "breathe_out"
            self.add(kind, f"Breathe {breath}", None, min(seconds, BREATH_OUT), **where)
        elif breath is not None and seconds >= BREATH_CYCLES_FROM_HOLD:
            limit = start + seconds - (3 if countdown else 0)
            at, first = start + 2, True
            while at + BREATH_IN + BREATH_OUT <= limit:
                self.add("breathe_in", "Breathe in", "Breathe in" if first else None,
                         BREATH_IN, at=at, **where)
                self.add("breathe_out", "Breathe out", "and slowly out" if first else None,
                         BREATH_OUT, at=at + BREATH_IN, **where)
                at += BREATH_IN + BREATH_OUT
                first = False
        if countdown:
            for left in (3, 2, 1):
                self.add("countdown", str(left), str(left), 1, at=start + seconds - left, **where)
        self.t = start + seconds


def _sides(step: Step) -> list[SideName | None]:
    return ["left", "right"] if step.side is not None else [None]


def _dose(w: _Writer, step: Step, number: int, round_no: int) -> None:
    """The cues of one step's dose after its instruction."""
    where: dict[str, Any] = {"step": number, "round": round_no}
    reps, seconds, breath = step.reps, step.seconds, step.breath
    if reps is None:
        assert seconds is not None  # the Step model guarantees a dose
        for index, side in enumerate(_sides(step)):
            if index:
                w.add("switch_side", "Switch sides", "Switch sides", SWITCH_SECONDS, **where)
                w.t += SWITCH_SECONDS
            # Silent: the step's instruction was just spoken; the countdown closes the hold.
            w.hold(seconds, breath, None, side=side, **where)
        return
    if step.side == "alternate":
        order: list[tuple[SideName | None, int]] = [
            (side, rep) for rep in range(1, reps + 1) for side in ("left", "right")
        ]
    else:
        order = []
        for side in _sides(step):
            order.extend((side, rep) for rep in range(1, reps + 1))
    previous: SideName | None = order[0][0]
    for count, (side, rep) in enumerate(order):
        if step.side == "each" and side != previous:
            w.add("switch_side", "Switch sides", "Switch sides", SWITCH_SECONDS, side=side, **where)
            w.t += SWITCH_SECONDS
        previous = side
        first = count == 0
        label = f"Rep {rep} of {reps}" + (f", {side}" if side else "")
        say = f"{rep}, {side}" if step.side == "alternate" else str(rep)
        start = w.t
        if seconds is None:
            # The first rep speaks the whole cue; later ones the count with a short breath cue.
            if breath is not None and breath != "steady" and not first:
                say = f"{say}, breathe in"
            w.add("rep", label, say, REP_TEMPO, rep=rep, reps=reps, side=side, **where)
            if breath == "out":
                w.add("breathe_in", "Breathe in", "Breathe in..." if first else None, 2,
                      side=side, **where)
                w.add("breathe_out", "Breathe out as you move",
                      _exhale_words(step) if first else "and out", 3,
                      at=start + 2, side=side, **where)
            elif breath == "in":
                w.add("breathe_in", "Breathe in as you move",
                      "Breathe in as you move" if first else None, 3, side=side, **where)
                w.add("breathe_out", "Breathe out", "and out", 2,
                      at=start + 3, side=side, **where)
            w.t = start + REP_TEMPO
            continue
        if breath in ("in", "out") and not first:
            say = f"{say}, breathe {breath}"
        w.add("rep", label, say, MOVE_INTO + seconds + RELEASE, rep=rep, reps=reps, side=side,
              **where)
        if breath in ("in", "out"):
            kind: CueKind = "breathe_in" if breath == "in" else "breathe_out"
            text = f"Breathe {breath} as you move"
            w.add(kind, text, text if first else None, MOVE_INTO, side=side, **where)
        w.t += MOVE_INTO
        w.hold(seconds, None, "Hold" if first or seconds >= COUNTDOWN_FROM_HOLD else None,
               side=side, **where)
        w.t += RELEASE


def _expand(technique_id: str, title: str, steps: Sequence[Step], rounds: int, start: int,
            last: bool, record: bool,
            lead: int = TECHNIQUE_LEAD) -> tuple[list[Cue], list[int]]:
    """Cues of a technique, and the clock at the end of each round (for sizing)."""
    if rounds < 1:
        raise ValueError("rounds must be 1 or more")
    w = _Writer(technique_id, start, record)
    w.add("technique", title, f"Next: {title}.", lead)
    w.t += lead
    round_ends: list[int] = []
    for round_no in range(1, rounds + 1):
        for number, step in enumerate(steps, start=1):
            lead = step_lead(step)
            if record:
                text = step.text if rounds == 1 else f"Round {round_no} of {rounds}. {step.text}"
                say = step_say(step) + (" Left side first." if step.side is not None else "")
                w.add("step", text, say, lead, step=number, round=round_no)
            w.t += lead
            _dose(w, step, number, round_no)
        round_ends.append(w.t)
    w.add("check_in", "How did that feel? Better, the same, or does it hurt?",
          "How did that feel?", CHECK_IN_SECONDS)
    w.t += CHECK_IN_SECONDS
    rest = "Rest and notice how your back feels." if last else "Rest and breathe easily."
    w.add("rest", rest, "Rest." if not last else "Rest, and notice how your back feels.",
          REST_SECONDS)
    w.t += REST_SECONDS
    tail = w.t - round_ends[-1]
    return w.cues, [end - start + tail for end in round_ends]


def expand_technique(
    technique_id: str,
    title: str,
    steps: Sequence[Step],
    rounds: int,
    start: int = 0,
    *,
    last: bool = False,
    lead: int = TECHNIQUE_LEAD,
) -> list[Cue]:
    """The cues of one technique done ``rounds`` times from ``start``, ending with check-in and rest.

    ``lead`` is the time to get into position (see :func:`position_lead`). The rest cue's
    ``at + duration`` is where the next technique starts.
    """
    return _expand(technique_id, title, steps, rounds, start, last, record=True, lead=lead)[0]


def technique_durations(steps: Sequence[Step], max_rounds: int) -> list[int]:
    """Seconds a technique takes for 1, 2, ... ``max_rounds`` rounds, rests included, with the
    ordinary ``TECHNIQUE_LEAD`` (the planner adds the extra time of a floor change).

    The planner's only clock: it runs the very expansion the timeline plays, without keeping the
    cues, so a routine's seconds and its timeline's end cannot disagree.
    """
    key = (max_rounds, tuple((s.text, s.say, s.seconds, s.reps, s.breath, s.side) for s in steps))
    durations = _DURATIONS.get(key)
    if durations is None:
        durations = _expand("", "", steps, max_rounds, 0, False, record=False)[1]
        if len(_DURATIONS) >= _DURATIONS_KEPT:
            _DURATIONS.clear()
        _DURATIONS[key] = durations
    return list(durations)


# Memo of technique_durations by step content (a pure function): planning asks for the same
# techniques again and again, and the expansion is most of its cost.
_DURATIONS: dict[tuple[int, tuple[tuple[object, ...], ...]], list[int]] = {}
_DURATIONS_KEPT = 1024


def item_seconds(steps: Sequence[Step], rounds: int) -> int:
    """How long a technique done ``rounds`` times takes in the timeline, rests included."""
    return technique_durations(steps, rounds)[-1]


def _item_steps(item: RoutineItem, catalog: Catalog) -> tuple[str, list[Step]]:
    technique = catalog.technique(item.technique)
    if item.variant is None:
        return technique.name, dosed_steps(technique.steps, item.hold)
    variant = technique.variant(item.variant)  # a safer variant or a programme's harder form
    return variant.name, dosed_steps(variant.steps or technique.steps, item.hold)


def build_timeline(routine: Routine, catalog: Catalog) -> list[Cue]:
    """Every cue of a routine in time order, ending with ``end`` at ``routine.seconds``."""
    cues: list[Cue] = []
    t = 0
    previous: Position | None = None
    for index, item in enumerate(routine.items):
        title, steps = _item_steps(item, catalog)
        block = expand_technique(item.technique, title, steps, item.rounds, t,
                                 last=index == len(routine.items) - 1,
                                 lead=position_lead(previous, item.position))
        previous = item.position
        end = block[-1].at + block[-1].duration
        if end - t != item.seconds:
            raise ValueError(
                f"{item.technique}: planned {item.seconds} s but the steps take {end - t} s;"
                " was the routine planned with another catalogue?"
            )
        cues.extend(block)
        t = end
    if t != routine.seconds:
        raise ValueError(f"routine says {routine.seconds} s but its items add up to {t} s")
    cues.append(Cue(t, "end", None, None, "Session complete. Well done.",
                    "That's the end of the session. Well done."))
    cues.sort(key=lambda cue: cue.at)  # stable: cues at the same second keep their order
    return cues


def timeline_to_json(cues: Sequence[Cue]) -> list[dict[str, Any]]:
    """The cue list as JSON objects (``backrelief timeline --json`` and the web player)."""
    return [cue.to_json() for cue in cues]
