"""store.accounts and store.scope: users, passwords, throttling, sessions, invites, pairing,
and that every repository function sees only its own user's rows (alice and bob)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, text

from backrelief.core.programme import ProgrammePlan
from backrelief.store import (
    Database,
    StoreInputError,
    accounts,
    add_feedback,
    add_rating,
    all_settings,
    count_ratings,
    delete_rating,
    diary_advice,
    export_diary,
    forget_everything,
    get_screen,
    get_session,
    get_setting,
    import_diary,
    is_empty,
    latest_screen,
    list_ratings,
    list_screens,
    list_sessions,
    parse_export,
    record_screen,
    set_setting,
    start_session,
)
from backrelief.store.db import open_database
from backrelief.store.models import PainRating
from backrelief.store.programme import (
    active_programme,
    add_checkin,
    calendar_owner,
    list_checkins,
    programme_by_token,
    start_programme,
)
from backrelief.store.scope import NoUserScope
from backrelief.store.sessions import feedback_events, session_outcomes

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GOOD = "correct horse battery"
ITEM = {"technique": "cat-cow", "name": "Cat-cow", "position": "all_fours", "equipment": [],
        "seconds": 60, "variant": None, "rounds": 2, "role": "mobility", "intensity": "gentle",
        "why": "To move."}
ROUTINE = {"items": [ITEM], "seconds": 60, "excluded": [], "advice": []}


@pytest.fixture
def people(db: Database) -> tuple[int, int]:
    with db.session(write=True) as s:
        alice = accounts.create_user(s, "alice", GOOD + " a", now=T0)
        bob = accounts.create_user(s, "Bob", GOOD + " b", now=T0)
    return alice.id, bob.id


def _fill(db: Database, user: int, pain: int) -> dict[str, int]:
    with db.session(write=True, user=user) as s:
        screen = record_screen(s, answers={}, tier="self_care", exercise_allowed=True)
        session = start_session(s, ROUTINE, screen_id=screen)
        rating = add_rating(s, pain, kind="before", session_id=session).id
        add_feedback(s, session, "cat-cow", "worse")
        set_setting(s, "region", "lower" if pain > 5 else "upper")
    return {"screen": screen, "session": session, "rating": rating}


# Scoping -------------------------------------------------------------------------------------

def test_each_user_sees_only_their_own_rows(db: Database, people: tuple[int, int]) -> None:
    alice, bob = people
    mine = _fill(db, alice, 7)
    _fill(db, bob, 2)
    with db.session(user=bob) as s:
        assert [r.pain for r in list_ratings(s)] == [2]
        assert count_ratings(s) == 1
        assert len(list_sessions(s)) == 1 and len(list_screens(s)) == 1
        assert get_setting(s, "region") == "upper"
        assert all_settings(s) == {"region": "upper"}
        assert get_screen(s, mine["screen"]) is None
        assert latest_screen(s) is not None and latest_screen(s).id != mine["screen"]
        with pytest.raises(StoreInputError, match="session_id"):
            get_session(s, mine["session"])
        assert [o.session_id for o in session_outcomes(s)] != [mine["session"]]
        assert all(e.session_id != mine["session"] for e in feedback_events(s))
        document = export_diary(s)
        assert [r["pain"] for r in document["ratings"]] == [2]
        assert all(f["session_id"] != mine["session"] for f in document["feedback"])
        assert diary_advice(s, now=datetime.now(UTC)).as_dict()["tier"] is not None


def test_nobody_writes_into_someone_elses_rows(db: Database, people: tuple[int, int]) -> None:
    alice, bob = people
    mine = _fill(db, alice, 7)
    with db.session(write=True, user=bob) as s:
        with pytest.raises(StoreInputError, match="session_id"):
            add_rating(s, 5, kind="after", session_id=mine["session"])
        with pytest.raises(StoreInputError, match="session_id"):
            add_feedback(s, mine["session"], "cat-cow", "better")
        with pytest.raises(StoreInputError, match="screen_id"):
            start_session(s, {"items": []}, screen_id=mine["screen"])
        assert delete_rating(s, mine["rating"]) is False
        forget_everything(s)
    with db.session(user=alice) as s:
        assert [r.pain for r in list_ratings(s)] == [7]
        assert get_session(s, mine["session"]).feedback == {"cat-cow": "worse"}
        assert get_setting(s, "region") == "lower"


def test_an_answer_id_someone_else_used_is_a_named_refusal(db: Database,
                                                          people: tuple[int, int]) -> None:
    # The browser's answer id is unique across all sessions: bob sending alice's id (guessed or
    # copied) gets the field named, not the unique key's 500, and nothing of his is written.
    from backrelief.journey.sessions import finish_after

    alice, bob = people
    mine, his = _fill(db, alice, 7), _fill(db, bob, 2)
    with db.session(write=True, user=alice) as s:
        assert finish_after(s, mine["session"], 3, {}, answer_id="answer-0001") is True
    with pytest.raises(StoreInputError, match="answer_id"), db.session(write=True, user=bob) as s:
        finish_after(s, his["session"], 4, {}, answer_id="answer-0001")
    with db.session(user=bob) as s:
        assert [r.pain for r in list_ratings(s)] == [2]
        assert get_session(s, his["session"]).ended_at is None


def test_forget_and_import_are_one_users(db: Database, people: tuple[int, int]) -> None:
    alice, bob = people
    _fill(db, alice, 7)
    with db.session(user=alice) as s:
        text = __import__("json").dumps(export_diary(s))
    with db.session(write=True, user=bob) as s:
        assert is_empty(s)
        summary = import_diary(s, parse_export(text))  # ids already taken by alice: renumbered
        assert summary.added["ratings"] == 1
    with db.session(user=bob) as s:
        assert [r.pain for r in list_ratings(s)] == [7]
        assert get_session(s, list_sessions(s)[0].id).feedback == {"cat-cow": "worse"}
    with db.session(write=True, user=alice) as s:
        forget_everything(s)
    with db.session(user=bob) as s:
        assert count_ratings(s) == 1
    with db.session(user=alice) as s:
        assert is_empty(s) and all_settings(s) == {}


def test_programmes_are_scoped_and_the_calendar_token_names_its_owner(
        db: Database, people: tuple[int, int]) -> None:
    alice, bob = people
    plan = ProgrammePlan(date(2026, 12, 7), 4, (0, 2, 4), time(7, 30))
    with db.session(write=True, user=alice) as s:
        record = start_programme(s, plan, {"region": "lower", "minutes": 10})
    with db.session(write=True, user=bob) as s:
        assert active_programme(s) is None
        assert programme_by_token(s, record.calendar_token) is None
        assert calendar_owner(s, record.calendar_token) == alice
        assert list_checkins(s, record.id) == []
        with pytest.raises(StoreInputError, match="programme"):
            add_checkin(s, record.id, 1, {"walking": 3})


def test_a_database_without_a_default_user_refuses_unscoped_diary_reads(database_url: str
                                                                         ) -> None:
    database = open_database(database_url, default_user=None)
    try:
        with database.session() as s, pytest.raises(NoUserScope):
            list_ratings(s)
        with database.session() as s, pytest.raises(NoUserScope):
            s.scalars(select(PainRating)).all()  # the safety net: an ORM read of a diary table
        with database.session() as s:
            assert [u.name for u in accounts.list_users(s)] == ["owner"]
    finally:
        database.close()


def test_the_safety_net_filters_a_query_that_forgot_its_user(
        db: Database, people: tuple[int, int]) -> None:
    alice, bob = people
    _fill(db, alice, 7)
    _fill(db, bob, 2)
    with db.session(user=bob) as s:
        assert [row.pain for row in s.scalars(select(PainRating))] == [2]


# Users and passwords -------------------------------------------------------------------------

def test_the_cli_default_is_the_owner(db: Database) -> None:
    with db.session(write=True) as s:
        add_rating(s, 4)
        owner = accounts.owner_id(s)
    with db.session(user=owner) as s:
        assert [r.pain for r in list_ratings(s)] == [4]


@pytest.mark.parametrize(("password", "problem"), [
    ("short pass", "at least 12"),
    ("password1234", "common"),
    ("sunshine2026!!", "common"),
    ("abcabcabcabc", "common"),
    ("alice's very own", "name"),
    ("my backrelief pass", "name"),
    ("x" * 257, "at most"),
])
def test_weak_passwords_are_refused(db: Database, password: str, problem: str) -> None:
    with db.session(write=True) as s, pytest.raises(StoreInputError, match=problem) as caught:
        accounts.create_user(s, "alice", password)
    assert caught.value.field == "password"
    with db.session() as s:
        assert accounts.find_user(s, "alice") is None


def test_names_are_unique_whatever_their_case_and_checked(
        db: Database, people: tuple[int, int]) -> None:
    with db.session(write=True) as s, pytest.raises(StoreInputError, match="taken"):
        accounts.create_user(s, "ALICE", GOOD + " c")
    for bad in ("", "1abc", "a b", "a" * 41, "al/ice"):
        with db.session(write=True) as s, pytest.raises(StoreInputError) as caught:
            accounts.create_user(s, bad, GOOD)
        assert caught.value.field == "name"


def test_the_common_password_list_is_shipped_and_large() -> None:
    common = accounts.common_passwords()
    assert len(common) > 19_000
    assert "password" in common and "#1bitch" in common


def test_the_password_is_stored_as_argon2id(db: Database, people: tuple[int, int]) -> None:
    from backrelief.store.models import User

    with db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.name_key == "alice"))
    assert stored is not None and stored.startswith("$argon2id$") and GOOD not in stored


def test_remove_user_deletes_their_diary_and_keeps_the_last_owner(
        db: Database, people: tuple[int, int]) -> None:
    _, bob = people
    _fill(db, bob, 2)
    with db.session(write=True) as s:
        with pytest.raises(StoreInputError, match="last owner"):
            accounts.remove_user(s, "owner")
        accounts.remove_user(s, "bob")
    with db.session() as s:
        for table in ("screens", "sessions", "pain_ratings", "settings"):
            left = s.execute(text(f"SELECT COUNT(*) FROM {table} WHERE user_id = {bob}"))
            assert left.scalar_one() == 0
        assert s.execute(text("SELECT COUNT(*) FROM technique_feedback")).scalar_one() == 0
        assert [u.name for u in accounts.list_users(s)] == ["owner", "alice"]
    with db.session(user=bob) as s:
        assert list_ratings(s) == []


# Login and throttling ------------------------------------------------------------------------

def test_login_and_the_lock_out_per_account(db: Database, people: tuple[int, int]) -> None:
    with db.session(write=True) as s:
        assert accounts.verify_login(s, "ALICE", GOOD + " a", address="10.0.0.1", now=T0).name \
            == "alice"
    for attempt in range(5):
        with db.session(write=True) as s, pytest.raises(accounts.LoginRefused) as caught:
            accounts.verify_login(s, "alice", "wrong password!", address=f"10.0.0.{attempt}",
                                  now=T0)
        assert caught.value.retry_after is None
    # Locked now: even the right password is refused, without checking it.
    with db.session(write=True) as s, pytest.raises(accounts.LoginRefused) as caught:
        accounts.verify_login(s, "alice", GOOD + " a", address="10.9.9.9",
                              now=T0 + timedelta(seconds=30))
    assert caught.value.retry_after == 30
    with db.session(write=True) as s:  # a minute later it works again, and the count resets
        accounts.verify_login(s, "alice", GOOD + " a", address="10.9.9.9",
                              now=T0 + timedelta(minutes=1, seconds=1))
    # The lock-out doubles: 5 more failures lock for 1 minute, a 6th for 2.
    for minute in range(6):
        with db.session(write=True) as s, pytest.raises(accounts.LoginRefused):
            accounts.verify_login(s, "alice", "wrong password!", address="10.1.1.1",
                                  now=T0 + timedelta(minutes=10 + 5 * minute))
    with db.session(write=True) as s, pytest.raises(accounts.LoginRefused) as caught:
        accounts.verify_login(s, "alice", GOOD + " a", address="10.2.2.2",
                              now=T0 + timedelta(minutes=36))
    assert caught.value.retry_after == 60


def test_the_lock_out_per_address_covers_many_names(db: Database, people: tuple[int, int]) -> None:
    for index in range(5):
        with db.session(write=True) as s, pytest.raises(accounts.LoginRefused):
            accounts.verify_login(s, f"nobody{index}", "wrong password!", address="10.6.6.6",
                                  now=T0)
    with db.session(write=True) as s, pytest.raises(accounts.LoginRefused) as caught:
        accounts.verify_login(s, "bob", GOOD + " b", address="10.6.6.6", now=T0)
    assert caught.value.retry_after is not None
    with db.session(write=True) as s:  # from another address bob is fine
        accounts.verify_login(s, "bob", GOOD + " b", address="10.7.7.7", now=T0)


def test_unknown_names_and_passwordless_accounts_cannot_log_in(db: Database) -> None:
    for name in ("owner", "ghost"):
        with db.session(write=True) as s, pytest.raises(accounts.LoginRefused):
            accounts.verify_login(s, name, "", address=None, now=T0)


# Sessions ------------------------------------------------------------------------------------

def test_browser_sessions_end_when_idle_or_too_old(db: Database, people: tuple[int, int]) -> None:
    alice, _ = people
    with db.session(write=True) as s:
        token = accounts.create_auth_session(s, alice, now=T0)
        other = accounts.create_auth_session(s, alice, now=T0)
    assert token != other
    with db.session() as s:
        found = accounts.lookup_auth_session(s, token, now=T0 + timedelta(hours=11))
        assert found is not None and found.user_id == alice and found.id != token
        assert accounts.lookup_auth_session(s, token, now=T0 + timedelta(hours=12)) is None
    hours = 0
    while hours < 7 * 24 - 11:  # used every 11 hours: the idle timeout never strikes...
        hours += 11
        with db.session(write=True) as s:
            accounts.touch_auth_session(s, accounts.token_hash(token),
                                        now=T0 + timedelta(hours=hours))
    with db.session() as s:
        assert accounts.lookup_auth_session(s, token, now=T0 + timedelta(hours=hours)) is not None
        # ...but the absolute one does, after 7 days.
        assert accounts.lookup_auth_session(s, token, now=T0 + timedelta(days=7)) is None


def test_logout_deletes_and_revoke_ends_only_ones_own(db: Database,
                                                     people: tuple[int, int]) -> None:
    alice, bob = people
    with db.session(write=True) as s:
        token = accounts.create_auth_session(s, alice, now=T0)
        device = accounts.create_auth_session(s, alice, kind="device", label="phone", now=T0)
    with db.session(write=True) as s:
        listed = accounts.list_auth_sessions(s, alice, now=T0)
        assert {(r.kind, r.label) for r in listed} == {("browser", None), ("device", "phone")}
        device_id = accounts.token_hash(device)
        assert accounts.revoke_auth_session(s, bob, device_id, now=T0) is False
        assert accounts.revoke_auth_session(s, alice, device_id, now=T0) is True
        assert accounts.end_auth_session(s, token) is True
    with db.session() as s:
        assert accounts.lookup_auth_session(s, token, now=T0) is None
        assert accounts.lookup_auth_session(s, device, now=T0) is None
        assert accounts.list_auth_sessions(s, alice, now=T0) == []


# Invites and pairing codes -------------------------------------------------------------------

def test_an_invite_registers_once_and_expires(db: Database) -> None:
    with db.session(write=True) as s:
        token = accounts.create_invite(s, days=2, now=T0)
        late = accounts.create_invite(s, days=1, now=T0)
    with db.session(write=True) as s:
        assert accounts.invite_is_valid(s, token, now=T0)
        user = accounts.redeem_invite(s, token, "carol", GOOD + " c", now=T0)
        assert user.role == "member" and user.has_password
    with db.session(write=True) as s, pytest.raises(StoreInputError, match="invite"):
        accounts.redeem_invite(s, token, "dave", GOOD + " d", now=T0)
    with db.session(write=True) as s, pytest.raises(StoreInputError, match="invite"):
        accounts.redeem_invite(s, late, "dave", GOOD + " d", now=T0 + timedelta(days=1))
    with db.session(write=True) as s, pytest.raises(StoreInputError, match="days"):
        accounts.create_invite(s, days=0)


def test_a_pairing_code_signs_in_a_device_once_within_ten_minutes(
        db: Database, people: tuple[int, int]) -> None:
    alice, _ = people
    with db.session(write=True) as s:
        code = accounts.create_pairing_code(s, alice, now=T0)
        stale = accounts.create_pairing_code(s, alice, now=T0)
    with db.session(write=True) as s:
        user, token = accounts.redeem_pairing_code(s, code, "Alice's phone",
                                                   now=T0 + timedelta(minutes=9))
    assert user == alice
    with db.session() as s:
        found = accounts.lookup_auth_session(s, token, now=T0 + timedelta(days=29))
        assert found is not None and found.kind == "device" and found.label == "Alice's phone"
        assert accounts.lookup_auth_session(s, token, now=T0 + timedelta(days=30, minutes=9)) \
            is None
    for used, when in ((code, T0), (stale, T0 + timedelta(minutes=10)), ("not-a-code-at-all", T0)):
        with db.session(write=True) as s, pytest.raises(StoreInputError, match="code"):
            accounts.redeem_pairing_code(s, used, None, now=when)


def test_the_safety_net_also_covers_counts_and_joins(db: Database, people: tuple[int, int]
                                                     ) -> None:
    from sqlalchemy import func

    from backrelief.store.models import PracticeSession

    alice, bob = people
    _fill(db, alice, 7)
    _fill(db, bob, 2)
    with db.session(user=bob) as s:
        assert s.scalar(select(func.count()).select_from(PainRating)) == 1
        joined = select(func.count()).select_from(PracticeSession).join(
            PainRating, PainRating.session_id == PracticeSession.id)
        assert s.scalar(joined) == 1


def test_purge_drops_only_what_can_no_longer_be_used(db: Database, people: tuple[int, int]
                                                     ) -> None:
    alice, _ = people
    with db.session(write=True) as s:
        live = accounts.create_auth_session(s, alice, now=T0)
        idle = accounts.create_auth_session(s, alice, now=T0 - timedelta(hours=13))
        device = accounts.create_auth_session(s, alice, kind="device", now=T0 - timedelta(days=3))
        accounts.create_pairing_code(s, alice, now=T0 - timedelta(minutes=11))
        with pytest.raises(accounts.LoginRefused):
            accounts.verify_login(s, "alice", "wrong password!", address="10.0.0.9",
                                  now=T0 - timedelta(days=2))
    with db.session(write=True) as s:
        assert accounts.purge_expired(s, now=T0) == 4  # idle session, code, 2 old failure counts
    with db.session() as s:
        assert accounts.lookup_auth_session(s, live, now=T0) is not None
        assert accounts.lookup_auth_session(s, device, now=T0) is not None
        assert accounts.lookup_auth_session(s, idle, now=T0) is None
