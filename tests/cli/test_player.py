"""The player's scheduling and controls, driven by a fake clock (no terminal, no sleeping)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from backrelief.cli.player import Controls, Player, PlayerView, play
from backrelief.cli.speech import SilentSpeaker, make_speaker
from backrelief.core.planner import Profile, plan_routine
from backrelief.core.stop_rules import decide
from backrelief.core.timeline import Cue, build_timeline, expand_technique
from tests.core.test_conditions import sample_catalog


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def two_techniques() -> list[Cue]:
    from backrelief.core.catalog import Step

    steps = [Step(text="Hold it.", seconds=10)]
    first = expand_technique("a", "A", steps, 1, 0)
    start = first[-1].at + first[-1].duration
    second = expand_technique("b", "B", steps, 1, start, last=True)
    end = second[-1].at + second[-1].duration
    return [*first, *second, Cue(end, "end", None, None, "Done", "Done")]


def test_cues_fire_once_in_order_on_time() -> None:
    clock = FakeClock()
    cues = two_techniques()
    player = Player(cues, clock)
    assert player.due() == []  # not started
    player.start()
    fired: list[Cue] = []
    while not player.finished:
        wait = player.seconds_until_next()
        clock.advance(wait)
        batch = player.due()
        assert batch and all(cue.at == pytest.approx(player.elapsed()) for cue in batch)
        fired.extend(batch)
    assert fired == cues


def test_no_drift_when_wakeups_are_late() -> None:
    clock = FakeClock()
    cues = two_techniques()
    player = Player(cues, clock)
    player.start()
    # every wake-up is 0.3 s late: each cue still fires within 0.3 s of its time, never later
    while not player.finished:
        scheduled = player.cues[player._next].at
        clock.advance(player.seconds_until_next() + 0.3)
        for cue in player.due():
            assert cue.at <= scheduled + 1e-9
        assert player.elapsed() - scheduled == pytest.approx(0.3, abs=1e-6) or player.finished


def test_pause_freezes_and_resume_continues() -> None:
    clock = FakeClock()
    player = Player(two_techniques(), clock)
    player.start()
    clock.advance(5)
    player.pause()
    assert player.paused
    clock.advance(100)
    assert player.elapsed() == pytest.approx(5)
    assert player.seconds_until_next() == float("inf")
    player.resume()
    clock.advance(2)
    assert player.elapsed() == pytest.approx(7)


def test_time_scale_speeds_up_the_session_clock() -> None:
    clock = FakeClock()
    player = Player(two_techniques(), clock, time_scale=10)
    player.start()
    clock.advance(1)
    assert player.elapsed() == pytest.approx(10)


def test_skip_and_back_jump_between_techniques() -> None:
    clock = FakeClock()
    cues = two_techniques()
    second_start = next(c.at for c in cues if c.kind == "technique" and c.technique == "b")
    player = Player(cues, clock)
    player.start()
    clock.advance(8)
    player.due()
    player.skip()
    assert player.elapsed() == second_start
    assert [c.technique for c in player.due()][:1] == ["b"]
    clock.advance(5)
    player.back()  # 5 s into b: back to b's start
    assert player.elapsed() == second_start
    player.due()
    player.back()  # at b's very start: back to a
    assert player.elapsed() == 0
    player.skip()
    player.due()
    player.skip()  # from the last technique: to the end
    assert [c.kind for c in player.due()] == ["end"]
    assert player.finished


def test_view_shows_hold_progress_and_next_technique() -> None:
    clock = FakeClock()
    cues = two_techniques()
    player = Player(cues, clock)
    player.start()
    hold = next(c for c in cues if c.kind == "hold")
    clock.advance(hold.at + 4)
    player.due()
    view = player.view()
    assert view.technique is not None and view.technique.technique == "a"
    assert view.hold == hold and view.remaining(hold) == pytest.approx(6)
    assert view.fraction(hold) == pytest.approx(0.4)
    assert view.next_technique is not None and view.next_technique.technique == "b"
    assert (view.number, view.count) == (1, 2)


def test_view_tracks_reps_and_breath() -> None:
    catalog = sample_catalog()
    routine = plan_routine(Profile(minutes=5, region="lower"), catalog)
    cues = build_timeline(routine, catalog)
    clock = FakeClock()
    player = Player(cues, clock)
    player.start()
    rep = next(c for c in cues if c.kind == "rep" and c.rep == 2)
    clock.advance(rep.at + 0.5)
    player.due()
    view = player.view()
    assert view.rep is not None and view.rep.rep == 2
    assert view.step is not None


# -- the loop ---------------------------------------------------------------------------------


@dataclass
class ScriptedKeys:
    """Presses each key when the session clock reaches its time; advances the fake clock."""

    clock: FakeClock
    player: Player | None
    script: list[tuple[float, str]]

    def read(self, timeout: float) -> list[str]:
        self.clock.advance(timeout if timeout != float("inf") else 0.1)
        assert self.player is not None
        now = self.player.elapsed()
        # One key per read, so every screen state in between is shown; while paused the next
        # key comes whatever the time.
        if self.script and (self.script[0][0] <= now or self.player.paused):
            return [self.script.pop(0)[1]]
        return []


class RecordingScreen:
    def __init__(self) -> None:
        self.views: list[tuple[PlayerView, str]] = []

    def show(self, view: PlayerView, controls: Controls) -> None:
        self.views.append((view, controls.mode))


class RecordingSpeech:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


# The real stop rules decide, as they do in the shells (core.stop_rules.decide).
MENU = [("feels_fine", "Fine"), ("sharp_or_worse", "Sharp"), ("spreading_leg", "Leg")]
DECISIONS = {response: decide(response) for response, _ in MENU}
SHARP_ADVICE = DECISIONS["sharp_or_worse"].advice


def run(script: list[tuple[float, str]], cues: list[Cue] | None = None):  # type: ignore[no-untyped-def]
    clock = FakeClock()
    player = Player(cues or two_techniques(), clock)
    keys = ScriptedKeys(clock, player, script)
    screen, speech = RecordingScreen(), RecordingSpeech()
    feedback: list[tuple[str, str]] = []
    stops: list[tuple[str | None, str, str]] = []
    outcome = play(player, keys, screen, speech, stop_menu=MENU, decide=DECISIONS.__getitem__,
                   on_feedback=lambda t, v: feedback.append((t, v)),
                   on_stop=lambda t, r, c: stops.append((t, r, c)))
    assert outcome.stops == stops  # what the recorder is told is what the outcome says
    return outcome, player, screen, speech, feedback


def test_plays_to_the_end_speaking_every_cue() -> None:
    outcome, player, screen, speech, _ = run([])
    assert outcome.completed and outcome.stop_reason is None
    assert speech.lines == [c.say for c in player.cues if c.say]
    assert screen.views[-1][0].finished


def test_check_in_answer_is_recorded() -> None:
    cues = two_techniques()
    check_in = next(c for c in cues if c.kind == "check_in")
    outcome, *_, feedback = run([(check_in.at + 1, "1")], cues)
    assert feedback == [("a", "better")]
    assert outcome.completed


def test_this_hurts_sharp_pain_pauses_and_offers_rest_skip_and_end() -> None:
    # Keys that are not a choice change nothing: the session waits, paused, for one.
    outcome, _, screen, _, feedback = run([(8, "h"), (8, "2"), (8, "x"), (8, "c"),
                                           (8, "space"), (8, "s")])
    views = [(v, mode) for v, mode in screen.views if mode == "choose"]
    assert len(views) >= 4 and all(v.paused for v, _ in views)
    assert {v.elapsed for v, _ in views} == {views[0][0].elapsed}
    assert feedback == [("a", "stopped")]
    assert outcome.stops == [("a", "sharp_or_worse", "skip")]  # only the choice is recorded


def test_sharp_pain_then_skip_moves_to_the_next_technique() -> None:
    outcome, _, screen, speech, _ = run([(8, "h"), (8, "2"), (8, "s")])
    assert outcome.completed and outcome.advice == [SHARP_ADVICE]
    assert outcome.stops == [("a", "sharp_or_worse", "skip")]
    assert "Next: B." in speech.lines
    after = [v for v, mode in screen.views if mode == "play" and v.elapsed > 8]
    assert after[0].technique is not None and after[0].technique.technique == "b"


def test_sharp_pain_then_rest_waits_then_carries_on_with_the_next_technique() -> None:
    outcome, _, screen, _, _ = run([(8, "h"), (8, "2"), (8, "r"), (8, "x"), (8, "c")])
    assert outcome.completed
    assert outcome.stops == [("a", "sharp_or_worse", "rest")]
    resting = [v for v, mode in screen.views if mode == "rest"]
    assert resting and all(v.paused for v in resting)
    after = [v for v, mode in screen.views if mode == "play" and v.elapsed > 8]
    assert after[0].technique is not None and after[0].technique.technique == "b"


@pytest.mark.parametrize("keys", [["e"], ["r", "e"]])
def test_sharp_pain_then_end_ends_the_session(keys: list[str]) -> None:
    outcome, player, *_ = run([(8, "h"), (8, "2"), *((8, k) for k in keys)])
    assert not outcome.completed and player.stopped and not outcome.rescreen
    assert outcome.stop_reason == DECISIONS["sharp_or_worse"].label
    assert [choice for *_, choice in outcome.stops] == (["end"] if keys == ["e"] else ["rest", "end"])
    assert outcome.stops[-1] == ("a", "sharp_or_worse", "end")


def test_worse_at_check_in_does_not_skip_the_next_technique() -> None:
    cues = two_techniques()
    check_in = next(c for c in cues if c.kind == "check_in")
    outcome, _player, _screen, speech, feedback = run(
        [(check_in.at + 1, "3"), (check_in.at + 1, "2"), (check_in.at + 1, "s")], cues)
    assert ("a", "worse") in feedback and ("a", "stopped") in feedback
    assert "Next: B." in speech.lines  # b still played
    assert outcome.completed


def test_red_flag_ends_the_session_and_asks_for_the_recheck() -> None:
    outcome, player, *_ , feedback = run([(3, "h"), (3, "3")])
    assert not outcome.completed and player.stopped
    assert outcome.stop_reason == DECISIONS["spreading_leg"].label and outcome.rescreen
    assert feedback == [("a", "stopped")]
    assert outcome.stops == [("a", "spreading_leg", "recheck")]


def test_quit_and_pause_keys() -> None:
    outcome, _player, screen, *_ = run([(2, "space"), (2, "p"), (4, "q")])
    assert not outcome.completed and outcome.stop_reason == "quit"
    assert any(view.paused for view, _ in screen.views)


def test_menu_cancel_resumes() -> None:
    outcome, *_ = run([(2, "h"), (2, "escape")])
    assert outcome.completed and outcome.advice == []


def test_speakers_never_block() -> None:
    import time

    speaker = make_speaker(False)
    assert isinstance(speaker, SilentSpeaker)
    loud = make_speaker(True, notify=lambda message: None)
    start = time.monotonic()
    for _ in range(20):
        loud.say("Breathe in... and round your back as you breathe out")
    assert time.monotonic() - start < 0.05
    loud.close()


def test_missing_espeak_is_said_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import backrelief.cli.speech as speech

    monkeypatch.setattr(speech, "find_espeak", lambda: None)
    notes: list[str] = []
    speaker = speech.make_speaker(True, notify=notes.append)
    speaker.say("hello")
    assert isinstance(speaker, SilentSpeaker) and len(notes) == 1 and "espeak-ng" in notes[0]


def test_rich_view_shows_hold_rep_breath_menu_and_advice() -> None:
    from rich.console import Console

    from backrelief.cli.session import render_view

    def text(view: PlayerView, controls: Controls) -> str:
        console = Console(record=True, width=100, color_system=None)
        console.print(render_view(view, controls, {"b": "B"}, {"a": "Intro to A"}))
        return console.export_text()

    clock = FakeClock()
    cues = two_techniques()
    player = Player(cues, clock)
    player.start()
    clock.advance(2)
    player.due()
    assert "Intro to A" in text(player.view(), Controls())  # getting into position
    hold = next(c for c in cues if c.kind == "hold")
    clock.advance(hold.at + 3 - 2)
    player.due()
    shown = text(player.view(), Controls())
    assert "Hold" in shown and "Next: B" in shown and "this hurts" in shown and "1/2" in shown
    menu = text(player.view(), Controls(mode="menu", menu=MENU))
    assert "[2] Sharp" in menu
    choose = text(player.view(), Controls(mode="choose", message="Stop this one.",
                                          choices=[("r", "Rest, then carry on"),
                                                   ("s", "Skip this technique"),
                                                   ("e", "End the session")]))
    assert "Stop this one." in choose
    assert "[r] Rest, then carry on" in choose and "[s] Skip this technique" in choose
    assert "[e] End the session" in choose
