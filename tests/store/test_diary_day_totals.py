"""The per-day rating totals (``store.rating_days``) always equal the ratings they sum up:
after adds, deletes, an import, a merge and ``forget``, on SQLite and PostgreSQL (issue 15)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from backrelief.store import (
    Database,
    add_rating,
    count_ratings,
    delete_rating,
    export_diary,
    forget_everything,
    import_diary,
)
from backrelief.store.diary import daily_means
from backrelief.store.models import PainRating, RatingDay
from backrelief.store.rating_days import high_days_before, rating_day_expression
from backrelief.store.transfer import parse_export

NOW = datetime.now(UTC).replace(microsecond=0)


def _stored(db: Database) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    with db.session() as s:
        return {(str(day), kind): (n, total, low, high) for day, kind, n, total, low, high in
                s.execute(select(RatingDay.day, RatingDay.kind, RatingDay.ratings,
                                 RatingDay.pain_sum, RatingDay.pain_min, RatingDay.pain_max))}


def _recomputed(db: Database) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    with db.session() as s:
        day = rating_day_expression(s)
        return {(str(d), kind): (n, int(total), low, high) for d, kind, n, total, low, high in
                s.execute(select(day, PainRating.kind, func.count(), func.sum(PainRating.pain),
                                 func.min(PainRating.pain), func.max(PainRating.pain))
                          .group_by(day, PainRating.kind))}


def _some_ratings(db: Database) -> list[int]:
    ids = []
    with db.session(write=True) as s:
        for n in range(30):
            at = NOW - timedelta(days=n // 3, hours=n % 5)
            ids.append(add_rating(s, n % 11, kind=("daily", "before", "after")[n % 3],
                                  at=at).id)
    return ids


def test_totals_follow_adds_and_deletes(db: Database) -> None:
    ids = _some_ratings(db)
    assert _stored(db) == _recomputed(db) != {}
    with db.session(write=True) as s:
        for rating_id in ids[::4]:
            assert delete_rating(s, rating_id)
    assert _stored(db) == _recomputed(db)
    with db.session() as s:
        assert count_ratings(s) == len(ids) - len(ids[::4])


def test_deleting_a_days_highest_rating_lowers_its_highest(db: Database) -> None:
    at = NOW - timedelta(days=3)
    with db.session(write=True) as s:
        add_rating(s, 2, at=at)
        high = add_rating(s, 9, at=at + timedelta(minutes=1))
    with db.session(write=True) as s:
        delete_rating(s, high.id)
    (totals,) = _stored(db).values()
    assert totals == (1, 2, 2, 2)


def test_totals_follow_an_import_a_merge_and_forget(db: Database) -> None:
    _some_ratings(db)
    with db.session() as s:
        document = export_diary(s)
    with db.session(write=True) as s:
        forget_everything(s)
    assert _stored(db) == {}
    with db.session(write=True) as s:
        import_diary(s, parse_export(json.dumps(document)))
    assert _stored(db) == _recomputed(db) != {}
    with db.session(write=True) as s:
        add_rating(s, 5, at=NOW - timedelta(days=40))
    with db.session(write=True) as s:  # the merge skips every rating it already has
        import_diary(s, parse_export(json.dumps(document)), merge=True)
    assert _stored(db) == _recomputed(db)


def test_daily_means_come_from_the_totals(db: Database) -> None:
    _some_ratings(db)
    with db.session() as s:
        means = daily_means(s, since=NOW - timedelta(days=3))
    assert means and all(m.day >= (NOW - timedelta(days=3)).date() for m in means)
    assert sum(m.count for m in means) == sum(
        n for (day, _), (n, _, _, _) in _recomputed(db).items()
        if day >= str((NOW - timedelta(days=3)).date()))


def test_a_run_of_high_days_is_found_page_by_page(db: Database) -> None:
    today = NOW.date()
    with db.session(write=True) as s:
        add_rating(s, 3, at=NOW - timedelta(days=200))  # before the run: a low day
        for days in range(1, 150):  # 149 days in a row at 8 (or 7 and 9 on one day)
            add_rating(s, 8 if days != 10 else 7, at=NOW - timedelta(days=days))
            if days == 10:
                add_rating(s, 9, at=NOW - timedelta(days=days, minutes=1))
        add_rating(s, 9, at=NOW - timedelta(days=151))  # a gap on day 150 ends the run
    with db.session() as s:
        run = high_days_before(s, today, ("daily",), 7, page=16)
    assert [day for day, _ in run] == [today - timedelta(days=n) for n in range(1, 150)]
    assert dict(run)[today - timedelta(days=10)] == 9


def test_each_user_has_their_own_totals(db: Database) -> None:
    from backrelief.store.accounts import create_user

    with db.session(write=True) as s:
        bob = create_user(s, "bob", None).id
    _some_ratings(db)  # the owner's (alice's) diary
    with db.session(write=True, user=bob) as s:
        add_rating(s, 9, at=NOW - timedelta(days=1))
    with db.session(user=bob) as s:
        assert count_ratings(s) == 1
        assert [m.mean for m in daily_means(s, since=NOW - timedelta(days=30))] == [9.0]
    with db.session() as s:
        assert count_ratings(s) == 30
    with db.session(write=True, user=bob) as s:
        forget_everything(s)
    with db.session() as s:
        assert count_ratings(s) == 30  # bob's forget leaves alice's totals alone
    assert _stored(db) == _recomputed(db)
