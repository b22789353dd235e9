"""The pages' narrow reads (issue 16) give what the full store functions give, on random diaries.

Each narrow read (``store.sessions.glance``, ``recent_outcomes``, ``session_record``,
``setting_value``, ``store.screens.newest_screen``, and ``journey.memory.current_memory`` built
on them) is compared with the functions the pages used before, which read the whole diary, on
SQLite and PostgreSQL. Seeded, so a failure names the diary that shows it.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone, tzinfo

import pytest

from backrelief.core.progress import VERDICTS
from backrelief.core.progress import flagged_techniques as pain_rose_after
from backrelief.journey.memory import (
    BROUGHT_BACK_KEY,
    LEFT_OUT_DAYS,
    LeftOut,
    current_memory,
    left_out,
)
from backrelief.journey.memory import _brought_back as brought_back
from backrelief.journey.sessions import ABANDONED, finished_count
from backrelief.store import (
    Database,
    add_feedback,
    add_rating,
    finish_session,
    get_session,
    latest_screen,
    list_ratings,
    record_screen,
    set_setting,
    start_session,
)
from backrelief.store.screens import newest_screen
from backrelief.store.sessions import (
    feedback_events,
    glance,
    latest_unfinished_session,
    recent_outcomes,
    session_outcomes,
    session_record,
    setting_value,
    setting_values,
)
from backrelief.store.types import utcnow

TECHNIQUES = ("cat-cow", "knee-rolls", "bridge", "child-pose", "pelvic-tilt")
ZONE = timezone(timedelta(hours=-5))  # "not today" ends at local midnight, not UTC's


def _seed(db: Database, seed: int, now: datetime, user: int | None = None) -> list[int]:
    """A random diary over the last 30 days: sessions (some unfinished, some abandoned) with
    pain before/after and verdicts, loose ratings, screens, and a "use it again" setting.
    ``user``: whose diary (the owner account by default)."""
    rng = random.Random(seed)
    ids: list[int] = []
    with db.session(write=True, user=user) as s:
        for _ in range(rng.randint(0, 14)):
            started = now - timedelta(days=rng.uniform(0, 30))
            chosen = rng.sample(TECHNIQUES, rng.randint(1, 4))
            routine = {"items": [{"technique": t, "seconds": 60} for t in chosen]}
            session_id = start_session(s, routine, started_at=started)
            ids.append(session_id)
            add_rating(s, rng.randint(0, 10), kind="before", session_id=session_id,
                       at=started)
            if rng.random() < 0.8:
                ended = started + timedelta(minutes=rng.randint(5, 30))
                ended = min(ended, now)
                reason = rng.choice([None, None, ABANDONED, "pain"])
                finish_session(s, session_id, completed=reason is None, stop_reason=reason,
                               ended_at=ended)
                add_rating(s, rng.randint(0, 10), kind="after", session_id=session_id,
                           at=ended)
                for technique in chosen:
                    if rng.random() < 0.6:
                        add_feedback(s, session_id, technique, rng.choice(VERDICTS), at=ended)
        for _ in range(rng.randint(0, 20)):
            add_rating(s, rng.randint(0, 10), at=now - timedelta(days=rng.uniform(0, 60)))
        for _ in range(rng.randint(0, 3)):
            tier = rng.choice(["self_care", "see_professional", "same_day", "emergency"])
            record_screen(s, answers={"age": rng.randint(18, 80)}, tier=tier,
                          exercise_allowed=tier in ("self_care", "see_professional"),
                          taken_at=now - timedelta(hours=rng.uniform(0, 100)))
        if rng.random() < 0.5:
            back = {t: (now - timedelta(days=rng.uniform(0, 10))).isoformat()
                    for t in rng.sample(TECHNIQUES, 2)}
            set_setting(s, BROUGHT_BACK_KEY, back)
    return ids


def _memory_the_long_way(s: object, now: datetime, zone: tzinfo) -> dict[str, LeftOut]:
    """``current_memory`` as it was: every session of the diary, then the window."""
    outcomes = session_outcomes(s)  # type: ignore[arg-type]
    flagged = pain_rose_after(outcomes)
    rose: dict[str, datetime] = {}
    for outcome in outcomes:
        for technique in set(outcome.techniques) | set(outcome.feedback):
            if technique in flagged:
                rose[technique] = outcome.started_at
    since = now - timedelta(days=LEFT_OUT_DAYS)
    return left_out(feedback_events(s, since=since), rose,  # type: ignore[arg-type]
                    brought_back(s), now, zone)  # type: ignore[arg-type]


def someone_else(db: Database, seed: int, now: datetime) -> int:
    """A second account with a random diary of its own (its rows must never be read)."""
    from backrelief.store.accounts import create_user

    with db.session(write=True) as s:
        other = create_user(s, "bob", None).id
    _seed(db, seed + 1000, now, user=other)
    return other


@pytest.mark.parametrize("seed", range(12))
def test_narrow_reads_match_the_full_ones(db: Database, seed: int) -> None:
    now = utcnow()
    other = someone_else(db, seed, now)
    ids = _seed(db, seed, now)
    for user, mine in ((None, ids), (other, [])):  # the owner's diary, then bob's
        _compare(db, user, mine, now, seed)


def _compare(db: Database, user: int | None, ids: list[int], now: datetime, seed: int) -> None:
    zone = ZONE
    with db.session(user=user) as s:
        for moment in (now, now - timedelta(days=3), now - timedelta(days=9)):
            assert current_memory(s, now=moment, zone=zone) == _memory_the_long_way(
                s, moment, zone), f"seed {seed}, now {moment}"

        since = now - timedelta(hours=12)
        seen = glance(s, since=since, excluding_stop_reason=ABANDONED)
        screen = latest_screen(s)
        assert (seen.screen_id, seen.screen_tier) == (
            (screen.id, screen.tier) if screen else (None, None))
        unfinished = latest_unfinished_session(s, since=since)
        assert seen.unfinished_id == (unfinished.id if unfinished else None)
        latest = list_ratings(s, limit=1)
        assert (seen.latest_pain, seen.latest_rated_at) == (
            (latest[-1].pain, latest[-1].at) if latest else (None, None))
        assert seen.finished == finished_count(s)

        assert newest_screen(s) == screen
        for session_id in ids:
            assert session_record(s, session_id) == get_session(s, session_id)
        assert setting_value(s, BROUGHT_BACK_KEY, {}) == brought_back_raw(s)
        from backrelief.store.settings import all_settings

        assert setting_values(s) == all_settings(s)

        week = now - timedelta(days=LEFT_OUT_DAYS)
        outcomes, events = recent_outcomes(s, week)
        assert outcomes == [o for o in session_outcomes(s) if o.started_at >= week]
        assert events == feedback_events(s, since=week)


def brought_back_raw(s: object) -> object:
    from backrelief.store.settings import get_setting

    return get_setting(s, BROUGHT_BACK_KEY, {})  # type: ignore[arg-type]


def test_an_empty_diary_reads_as_empty(db: Database) -> None:
    with db.session() as s:
        seen = glance(s, since=utcnow(), excluding_stop_reason=ABANDONED)
        assert (seen.screen_id, seen.unfinished_id, seen.latest_pain, seen.finished) == (
            None, None, None, 0)
        assert newest_screen(s) is None
        assert recent_outcomes(s, utcnow() - timedelta(days=7)) == ([], [])
        assert setting_value(s, BROUGHT_BACK_KEY, "none") == "none"
        assert current_memory(s) == {}


def test_the_narrow_reads_act_for_the_sessions_user(db: Database, database_url: str) -> None:
    from backrelief.store import open_database
    from backrelief.store.accounts import create_user, owner_id
    from backrelief.store.scope import NoUserScope
    from backrelief.store.sessions import session_user

    with db.session(write=True) as s:
        other = create_user(s, "carol", None).id
    with db.session() as s:
        assert session_user(s) == owner_id(s)
    with db.session(user=other) as s:
        assert session_user(s) == other
    nobody = open_database(database_url, default_user=None)  # accounts mode: no default user
    try:
        with nobody.session() as s, pytest.raises(NoUserScope):
            glance(s, since=utcnow(), excluding_stop_reason=ABANDONED)
    finally:
        nobody.close()
