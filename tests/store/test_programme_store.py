"""store.programme on SQLite and PostgreSQL: programmes, linked sessions, check-ins, evidence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from backrelief.core.programme import ProgrammePlan
from backrelief.store import (
    Database,
    StoreInputError,
    add_feedback,
    add_rating,
    finish_session,
    forget_everything,
    start_session,
)
from backrelief.store.models import Programme, ProgrammeCheckin, ProgrammeSession
from backrelief.store.programme import (
    active_programme,
    add_checkin,
    end_programme,
    link_session,
    list_checkins,
    mark_seen,
    programme_by_token,
    programme_evidence,
    start_programme,
)

PROFILE = {"region": "whole", "equipment": [], "minutes": 10, "conditions": [],
           "pregnancy_weeks": None, "pain": None, "gentle_only": False, "no_floor": False}
ROUTINE = {"items": [{"technique": "cat-cow"}], "seconds": 60, "excluded": [], "advice": []}


def noon(day: date) -> datetime:
    """Midday UTC: the same calendar day in every zone within 11 hours of UTC."""
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def test_start_read_and_end(db: Database) -> None:
    plan = ProgrammePlan(date(2026, 11, 2), weeks=4, days=(0, 2, 4))
    with db.session(write=True) as s:
        first = start_programme(s, plan, PROFILE)
    with db.session(write=True) as s:
        second = start_programme(s, plan, PROFILE)  # starting again ends the first
    with db.session() as s:
        active = active_programme(s)
        assert active is not None and active.id == second.id
        assert active.plan == plan and active.profile == PROFILE
        assert len(active.calendar_token) >= 40 and active.calendar_token != first.calendar_token
        old = programme_by_token(s, first.calendar_token)
        assert old is not None and old.status == "ended"
        assert programme_by_token(s, "nope") is None
    with db.session(write=True) as s:
        end_programme(s, second.id)
    with db.session() as s:
        assert active_programme(s) is None


def test_checkins_round_trip_and_bad_ones_store_nothing(db: Database) -> None:
    with db.session(write=True) as s:
        record = start_programme(s, ProgrammePlan(date(2026, 11, 2)), PROFILE)
        add_checkin(s, record.id, 1, {"putting on socks": 3}, 6, 4,
                    at=datetime(2026, 11, 2, 9, tzinfo=UTC))
        add_checkin(s, record.id, 2, {"putting on socks": 5}, None, 6,
                    at=datetime(2026, 11, 9, 9, tzinfo=UTC))
    for args, field in [((1, {"socks": 11}, None, None), "activities.socks"),
                        ((7, {"socks": 1}, None, None), "week"),
                        ((1, {}, 12, None), "sleep"),
                        ((1, {"a": 1, "b": 1, "c": 1, "d": 1}, None, None), "activities")]:
        with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
            add_checkin(s, record.id, *args)  # type: ignore[arg-type]
        assert caught.value.field == field
    with pytest.raises(StoreInputError) as future, db.session(write=True) as s:
        add_checkin(s, record.id, 1, {"socks": 1}, at=datetime.now(UTC) + timedelta(days=2))
    assert future.value.field == "at"
    with db.session() as s:
        checkins = list_checkins(s, record.id)
    assert [(c.week, c.function, c.sleep, c.confidence) for c in checkins] == [
        (1, 3.0, 6, 4), (2, 5.0, None, 6)]


def test_evidence_reads_the_pain_response_of_linked_sessions(db: Database) -> None:
    start = date(2026, 11, 2)
    with db.session(write=True) as s:
        record = start_programme(s, ProgrammePlan(start, weeks=2, days=(0, 1)), PROFILE)
        # Monday: 4 before, 3 after, 3 the next morning: settled.
        one = start_session(s, ROUTINE, started_at=noon(start))
        add_rating(s, 4, kind="before", session_id=one, at=noon(start))
        add_rating(s, 3, kind="after", session_id=one, at=noon(start) + timedelta(minutes=15))
        finish_session(s, one, completed=True, ended_at=noon(start) + timedelta(minutes=15))
        link_session(s, record.id, one, start)
        add_rating(s, 3, kind="daily", at=noon(start + timedelta(days=1)) - timedelta(hours=3))
        # Tuesday: 6 after, and a technique made it worse.
        two = start_session(s, ROUTINE, started_at=noon(start + timedelta(days=1)))
        add_rating(s, 3, kind="before", session_id=two, at=noon(start + timedelta(days=1)))
        add_rating(s, 6, kind="after", session_id=two,
                   at=noon(start + timedelta(days=1)) + timedelta(minutes=15))
        add_feedback(s, two, "cat-cow", "worse")
        link_session(s, record.id, two, start + timedelta(days=1))
        unlinked = start_session(s, ROUTINE, started_at=noon(start + timedelta(days=2)))
        add_rating(s, 9, kind="after", session_id=unlinked, at=noon(start + timedelta(days=2)))
    with db.session() as s:
        evidence = programme_evidence(s, record)
    week1 = evidence[1].responses
    assert [(r.day, r.before, r.during, r.next_day, r.hurt) for r in week1] == [
        (start, 4, 3, 3, False), (start + timedelta(days=1), 3, 6, None, True)]
    assert evidence[2].responses == ()


def test_links_refuse_unknown_sessions_and_programmes(db: Database) -> None:
    with db.session(write=True) as s:
        record = start_programme(s, ProgrammePlan(date(2026, 11, 2)), PROFILE)
    with pytest.raises(StoreInputError), db.session(write=True) as s:
        link_session(s, record.id, 999, date(2026, 11, 2))
    with pytest.raises(StoreInputError) as caught, db.session(write=True) as s:
        mark_seen(s, 999, ["spreading"])
    assert caught.value.field == "programme"


def test_seen_rules_accumulate(db: Database) -> None:
    with db.session(write=True) as s:
        record = start_programme(s, ProgrammePlan(date(2026, 11, 2)), PROFILE)
        mark_seen(s, record.id, ["spreading"])
        mark_seen(s, record.id, ["no_improvement", "spreading"])
    with db.session() as s:
        active = active_programme(s)
    assert active is not None and active.seen_rules == ("no_improvement", "spreading")
    assert active.seen_at is not None


def test_forget_everything_deletes_programmes_too(db: Database) -> None:
    with db.session(write=True) as s:
        record = start_programme(s, ProgrammePlan(date(2026, 11, 2)), PROFILE)
        session_id = start_session(s, ROUTINE)
        link_session(s, record.id, session_id, date(2026, 11, 2))
        add_checkin(s, record.id, 1, {"socks": 2})
    with db.session(write=True) as s:
        forget_everything(s)
    with db.session() as s:
        for model in (Programme, ProgrammeSession, ProgrammeCheckin):
            assert s.scalar(select(func.count()).select_from(model)) == 0


def test_deleting_a_session_removes_its_programme_link(db: Database) -> None:
    from backrelief.store.models import PracticeSession

    with db.session(write=True) as s:
        record = start_programme(s, ProgrammePlan(date(2026, 11, 2)), PROFILE)
        session_id = start_session(s, ROUTINE)
        link_session(s, record.id, session_id, date(2026, 11, 2))
    with db.session(write=True) as s:
        s.execute(PracticeSession.__table__.delete())
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ProgrammeSession)) == 0
