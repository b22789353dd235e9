"""When an earlier screen may be reused with only the short re-check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backrelief.core.screen_policy import (
    RECHECK_WITHIN,
    carried_over,
    recheck_can_build_on,
    still_allows_exercise,
)
from tests.core.test_screening import ALICE, alice

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_a_recent_clean_full_screen_can_be_built_on() -> None:
    assert recheck_can_build_on(ALICE, "self_care", True, NOW - timedelta(days=2), NOW)


def test_after_the_window_every_question_is_asked_again() -> None:
    assert not recheck_can_build_on(ALICE, "self_care", True, NOW - RECHECK_WITHIN - timedelta(1), NOW)


def test_a_partial_screen_is_not_built_on() -> None:
    partial = {key: value for key, value in ALICE.items() if key != "age"}
    assert not recheck_can_build_on(partial, "self_care", True, NOW, NOW)


def test_a_screen_that_blocked_exercise_is_not_built_on() -> None:
    assert not recheck_can_build_on(ALICE, "same_day", False, NOW, NOW)


def test_stored_answers_are_judged_by_todays_rules() -> None:
    """A stored row saying "allowed" cannot outvote what its answers mean now."""
    flagged = alice(night_pain=True)
    assert not still_allows_exercise("self_care", True, flagged)
    assert not recheck_can_build_on(flagged, "self_care", True, NOW, NOW)


def test_pain_now_is_never_carried_over() -> None:
    kept = carried_over(alice(pain_now=6))
    assert "pain_now" not in kept
    assert kept["age"] == ALICE["age"]
