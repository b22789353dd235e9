"""Where `backrelief session` records into the diary: a thin seam over :mod:`backrelief.journey`.

The rules (when a session is stored, what is remembered, what the next plan leaves out, how a
session ends) are the journey layer's, shared with the web app; this module only opens the
diary, keeps the session's id, and uses one short transaction per write. When the diary cannot
be opened, :class:`NullRecorder` records nothing and the session still runs.

Nothing is written before the player starts: a screen that allows exercise is kept until then
(a screen that rules exercise out is recorded at once, as the web's check does, because that is
what the next start must see).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from backrelief.core.planner import Profile, Routine
    from backrelief.core.progress import Advice
    from backrelief.core.screening import ScreenResult


@dataclass(frozen=True)
class Ending:
    """What the summary shows: pain before and after, each verdict, the diary's advice."""

    pain_before: int | None
    pain_after: int | None
    verdicts: dict[str, str]
    advice: str | None


class Recorder(Protocol):
    """Where a session is recorded (the diary, or nowhere)."""

    def recent_screen(self) -> dict[str, object] | None: ...

    def record_screen(self, result: ScreenResult, answers: Mapping[str, object]) -> None: ...

    def defaults(self) -> dict[str, Any]: ...

    def avoid(self) -> dict[str, str]: ...

    def start(self, routine: Routine, profile: Profile, programme: Any = None) -> None: ...

    def programme_today(self) -> Any: ...

    def programme_plan(self, view: Any, pain: int | None, result: ScreenResult) -> Any: ...

    def feedback(self, technique: str, verdict: str) -> None: ...

    def stop(self, technique: str | None, response: str, choice: str) -> None: ...

    def stopped(self, completed: bool, stop_reason: str | None) -> None: ...

    def finish(self, pain_after: int | None, verdicts: Mapping[str, str],
               spread: bool = False) -> Ending | None: ...


class NullRecorder:
    """Records nothing: the diary is unavailable."""

    def recent_screen(self) -> dict[str, object] | None:
        return None

    def record_screen(self, result: ScreenResult, answers: Mapping[str, object]) -> None:
        return None

    def defaults(self) -> dict[str, Any]:
        return {}

    def avoid(self) -> dict[str, str]:
        return {}

    def start(self, routine: Routine, profile: Profile, programme: Any = None) -> None:
        return None

    def programme_today(self) -> Any:
        return None  # no diary, no programme

    def programme_plan(self, view: Any, pain: int | None, result: ScreenResult) -> Any:
        return None

    def feedback(self, technique: str, verdict: str) -> None:
        return None

    def stop(self, technique: str | None, response: str, choice: str) -> None:
        return None

    def stopped(self, completed: bool, stop_reason: str | None) -> None:
        return None

    def finish(self, pain_after: int | None, verdicts: Mapping[str, str],
               spread: bool = False) -> Ending | None:
        return None


class StoreRecorder:
    """Records into the diary through the journey layer, one short transaction per write."""

    def __init__(self, database: Any) -> None:
        self._db = database
        self._session_id: int | None = None
        self._screen_id: int | None = None
        self._pending_screen: tuple[ScreenResult, dict[str, object]] | None = None

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

    def _write_screen(self, result: ScreenResult, answers: Mapping[str, object]) -> None:
        from backrelief.store import record_result

        with self._db.session(write=True) as s:
            self._screen_id = record_result(s, result, answers)

    def record_screen(self, result: ScreenResult, answers: Mapping[str, object]) -> None:
        if result.exercise_allowed and self._session_id is None:
            self._pending_screen = (result, dict(answers))  # stored when the player starts
        else:
            self._write_screen(result, answers)

    def defaults(self) -> dict[str, Any]:
        from backrelief.journey.defaults import read_choices
        from backrelief.store import all_settings

        with self._db.session() as s:
            stored = all_settings(s)
        # Only what was remembered: a choice never made is asked with the question's default.
        return {key: value for key, value in read_choices(stored).as_dict().items()
                if key in stored}

    def avoid(self) -> dict[str, str]:
        from backrelief.journey.memory import avoid_reasons, current_memory

        with self._db.session() as s:
            return avoid_reasons(current_memory(s))

    def start(self, routine: Routine, profile: Profile, programme: Any = None) -> None:
        """Store the session; ``programme`` (a journey.programme.ProgrammeView with a session
        today) links it to that programme day."""
        from backrelief.journey import sessions
        from backrelief.journey.programme import start_planned

        if self._pending_screen is not None:
            self._write_screen(*self._pending_screen)
            self._pending_screen = None
        with self._db.session(write=True) as s:
            if programme is not None:
                self._session_id = start_planned(s, programme, routine, profile,
                                                 pain_before=profile.pain,
                                                 screen_id=self._screen_id)
            else:
                self._session_id = sessions.start(s, routine, profile, pain_before=profile.pain,
                                                  screen_id=self._screen_id)

    def programme_today(self) -> Any:
        """The active programme's view when it has a session planned today, else None."""
        from backrelief.core.catalog import default_catalog
        from backrelief.journey.programme import local_today, programme_view

        with self._db.session() as s:
            view = programme_view(s, default_catalog(), local_today())
        return view if view is not None and view.today_session is not None else None

    def programme_plan(self, view: Any, pain: int | None, result: ScreenResult) -> Any:
        """Today's programme (profile, routine), fitted to the re-check (journey.today_plan)."""
        from backrelief.core.catalog import default_catalog
        from backrelief.core.vocabulary import CONDITION_IDS
        from backrelief.journey.programme import today_plan

        with self._db.session() as s:
            return today_plan(s, default_catalog(), view, pain_before=pain,
                              gentle_only=result.gentle_only,
                              conditions=frozenset(c for c in result.conditions  # type: ignore[misc]
                                                   if c in CONDITION_IDS),
                              pregnancy_weeks=result.pregnancy_weeks)

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

    def stopped(self, completed: bool, stop_reason: str | None) -> None:
        from backrelief.store import finish_session

        if self._session_id is not None:
            with self._db.session(write=True) as s:
                finish_session(s, self._session_id, completed, stop_reason)

    def finish(self, pain_after: int | None, verdicts: Mapping[str, str],
               spread: bool = False) -> Ending | None:
        from backrelief.journey import sessions
        from backrelief.store import diary_advice, get_session, list_ratings

        if self._session_id is None:
            return None
        with self._db.session(write=True) as s:
            sessions.finish_after(s, self._session_id, pain_after, verdicts, spread=spread)
        with self._db.session() as s:
            ratings = list_ratings(s, session_id=self._session_id)
            record = get_session(s, self._session_id)
            advice: Advice = diary_advice(s)
        return Ending(
            pain_before=next((r.pain for r in ratings if r.kind == "before"), None),
            pain_after=next((r.pain for r in reversed(ratings) if r.kind == "after"), None),
            verdicts=dict(record.feedback),
            advice=advice.advice,
        )


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
