"""core.progress: meaningful change, trend, escalation rules, flagged techniques."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backrelief.core.progress import (
    TIERS,
    Advice,
    PainRating,
    ScreenSnapshot,
    SessionOutcome,
    assess_progress,
    change_words,
    flagged_techniques,
    implicated_techniques,
    is_meaningful_change,
    is_meaningful_improvement,
    is_recovered,
    is_worsening,
    meaningful_band,
    most_urgent,
    summarise_trend,
)

NOW = datetime(2025, 6, 30, 12, tzinfo=UTC)
KNOWN_SOURCES = {
    "ostelo-2008-mic", "nhs-back-pain", "nhs-lower-back-exercises", "nice-cg88-persistent",
    "kamper-2010-recovery", "finucane-2020-red-flags", "dahm-2010-bed-rest",
}


def daily(*pains: int, start_days_ago: float, every_days: float = 1.0) -> list[PainRating]:
    """Daily ratings, the first ``start_days_ago`` days before NOW."""
    start = NOW - timedelta(days=start_days_ago)
    return [PainRating(at=start + timedelta(days=i * every_days), pain=p)
            for i, p in enumerate(pains)]


def rules(advice: Advice) -> set[str]:
    return {reason.rule for reason in advice.reasons}


# ---- meaningful change (Ostelo 2008) --------------------------------------------------------


@pytest.mark.parametrize(("first", "current", "meaningful"), [
    (6, 4, True),    # 2 points
    (6, 5, False),   # 1 point, 17%
    (3, 2, True),    # 1 point but 33%
    (10, 8, True),
    (10, 8.5, False),  # 1.5 points, 15%
    (2, 1.5, False),   # 0.5 points, 25%
    (0, 0, False),
    (4, 6, False),
])
def test_meaningful_improvement_is_two_points_or_thirty_percent(
    first: float, current: float, meaningful: bool
) -> None:
    assert is_meaningful_improvement(first, current) is meaningful


def test_worsening_and_recovery_thresholds() -> None:
    # DESIGN: a worsening is 2 points or 30% (so 3 -> 4, +33%, counts), never under 1 point,
    # and a rise that stays at 2/10 or less is low pain, left to the settling rule.
    assert is_worsening(3, 5) and is_worsening(3, 4) and is_worsening(6, 8)
    assert not is_worsening(6, 7.5) and not is_worsening(3, 3.5) and not is_worsening(1, 2)
    assert is_recovered(0) and not is_recovered(0.5)


# ---- trend ------------------------------------------------------------------------------------


def test_trend_uses_the_median_of_recent_ratings() -> None:
    trend = summarise_trend(daily(7, 6, 6, 5, 9, 4, 4, start_days_ago=7))
    assert trend.first == 7
    assert trend.current == 4  # median of 9, 4, 4: one bad day does not hide the improvement
    assert trend.direction == "improving"
    assert trend.slope_per_week is not None and trend.slope_per_week < 0


def test_after_session_ratings_do_not_flatter_the_trend() -> None:
    after = PainRating(at=NOW - timedelta(days=1), pain=1, kind="after")
    ratings = [*daily(6, 6, start_days_ago=3), after]
    trend = summarise_trend(ratings)
    assert trend.current == 6 and trend.count == 2 and trend.direction == "steady"


def test_trend_of_nothing_and_of_one_rating() -> None:
    assert summarise_trend([]).direction == "no_data"
    one = summarise_trend(daily(5, start_days_ago=1))
    assert one.direction == "not_enough_data" and one.slope_per_week is None


def test_naive_or_out_of_range_ratings_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        PainRating(at=datetime(2025, 1, 1), pain=3)  # noqa: DTZ001
    with pytest.raises(ValueError, match="0-10"):
        PainRating(at=NOW, pain=11)
    with pytest.raises(ValueError, match="0-10"):
        PainRating(at=NOW, pain=True)
    with pytest.raises(ValueError, match="kind"):
        PainRating(at=NOW, pain=3, kind="weekly")  # type: ignore[arg-type]


# ---- the escalation rules (brief 1.4) ----------------------------------------------------------


def test_no_ratings_asks_for_ratings() -> None:
    advice = assess_progress([], now=NOW)
    assert advice.tier == "self_care" and "no_ratings" in rules(advice)


def test_early_days_keep_going_with_safety_net() -> None:
    advice = assess_progress(daily(5, 5, 4, start_days_ago=5), now=NOW)
    assert advice.tier == "self_care"
    assert "keep_going" in rules(advice) and "safety_net" in rules(advice)
    assert "999" in advice.advice  # the safety net is part of the advice itself


def test_improving_keeps_going_with_safety_net() -> None:
    advice = assess_progress(daily(7, 6, 5, 4, 3, start_days_ago=20, every_days=5), now=NOW)
    assert advice.tier == "self_care"
    assert "improving" in rules(advice)
    assert advice.advice.startswith("Your pain is improving")
    assert "A&E" in advice.advice


def test_no_meaningful_improvement_after_14_days_sees_a_professional() -> None:
    advice = assess_progress(daily(5, 5, 4, 5, start_days_ago=15, every_days=5), now=NOW)
    assert advice.tier == "see_professional"
    assert rules(advice) >= {"no_improvement_14_days"}
    assert "not_recovered_6_weeks" not in rules(advice)


def test_13_days_is_still_too_early() -> None:
    advice = assess_progress(daily(5, 5, 5, start_days_ago=13, every_days=6), now=NOW)
    assert advice.tier == "self_care"


def test_not_recovered_after_6_weeks_is_strongly_worded() -> None:
    # Improved meaningfully (6 -> 3), but still in pain after 6 weeks.
    advice = assess_progress(daily(6, 5, 4, 3, start_days_ago=43, every_days=14), now=NOW)
    assert advice.tier == "see_professional"
    assert rules(advice) >= {"not_recovered_6_weeks"}
    assert "no_improvement_14_days" not in rules(advice)
    assert advice.advice.startswith("Please book")


def test_past_12_weeks_needs_a_clinician_led_plan() -> None:
    advice = assess_progress(daily(6, 5, 4, 3, start_days_ago=85, every_days=28), now=NOW)
    assert advice.tier == "see_professional"
    assert "persistent_12_weeks" in rules(advice) and "not_recovered_6_weeks" not in rules(advice)
    assert "clinician-led plan" in advice.advice


def test_recovered_after_12_weeks_is_not_escalated() -> None:
    advice = assess_progress(daily(6, 2, 0, 0, 0, start_days_ago=90, every_days=22), now=NOW)
    assert advice.tier == "self_care" and "recovered" in rules(advice)


def test_worsening_sees_a_professional_at_any_time() -> None:
    advice = assess_progress(daily(3, 4, 5, 5, start_days_ago=4), now=NOW)
    assert advice.tier == "see_professional"
    assert "worsening" in rules(advice)
    assert advice.reasons[0].rule == "worsening"
    assert advice.advice.startswith("Your pain is getting worse")


def test_stale_diary_asks_for_a_new_rating() -> None:
    advice = assess_progress(daily(4, 3, start_days_ago=12, every_days=1), now=NOW)
    assert "stale" in rules(advice)


# ---- the latest screen --------------------------------------------------------------------------


@pytest.mark.parametrize("tier", ["emergency", "same_day"])
def test_a_red_flag_screen_overrides_everything(tier: str) -> None:
    screen = ScreenSnapshot(tier=tier, taken_at=NOW, reasons=("Numbness between the legs.",),
                            sources=("nhs-back-pain",), advice="Call 999 now.")
    improving = daily(8, 6, 4, 2, start_days_ago=10, every_days=3)
    advice = assess_progress(improving, latest_screen=screen, now=NOW)
    assert advice.tier == tier
    assert rules(advice) == {"safety_screen"}
    assert advice.advice == "Call 999 now."
    assert advice.reasons[0].text.endswith("Numbness between the legs.")


def test_a_see_professional_screen_is_kept_beside_the_diary() -> None:
    screen = ScreenSnapshot(tier="see_professional", taken_at=NOW, reasons=("Over 50.",))
    advice = assess_progress(daily(6, 5, 3, 3, start_days_ago=4), latest_screen=screen, now=NOW)
    assert advice.tier == "see_professional"
    assert advice.reasons[0].rule == "safety_screen"
    assert "improving" in rules(advice)


def test_an_unfinished_screen_is_mentioned() -> None:
    screen = ScreenSnapshot(tier="incomplete", taken_at=NOW)
    advice = assess_progress(daily(5, start_days_ago=1), latest_screen=screen, now=NOW)
    assert advice.tier == "self_care" and "screen_incomplete" in rules(advice)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        assess_progress([], now=datetime(2025, 1, 1))  # noqa: DTZ001


# ---- flagged techniques -------------------------------------------------------------------------


def outcome(session_id: int, days_ago: float, before: int | None, after: int | None,
            techniques: tuple[str, ...] = ("cat-cow", "bridge", "knee-rolls"),
            **feedback: str) -> SessionOutcome:
    return SessionOutcome(
        session_id=session_id, started_at=NOW - timedelta(days=days_ago), techniques=techniques,
        pain_before=before, pain_after=after,
        feedback={k.replace("_", "-"): v for k, v in feedback.items()},  # type: ignore[misc]
    )


def test_rise_of_two_flags_the_techniques_rated_worse_or_stopped() -> None:
    session = outcome(1, 1, 3, 5, cat_cow="better", bridge="worse", knee_rolls="stopped")
    assert flagged_techniques([session]) == {"bridge", "knee-rolls"}


def test_rise_without_culprits_flags_every_unrated_technique() -> None:
    session = outcome(1, 1, 3, 6, cat_cow="better")
    assert implicated_techniques(session) == {"bridge", "knee-rolls"}
    assert flagged_techniques([outcome(1, 1, 3, 6)]) == {"cat-cow", "bridge", "knee-rolls"}


def test_small_rise_or_missing_ratings_flag_nothing() -> None:
    assert flagged_techniques([outcome(1, 1, 3, 4, bridge="worse")]) == frozenset()
    assert flagged_techniques([outcome(1, 1, None, 9)]) == frozenset()


def test_a_later_session_without_a_rise_clears_the_flag() -> None:
    painful = outcome(1, 5, 3, 6, bridge="worse")
    fine = outcome(2, 1, 4, 3)
    assert flagged_techniques([fine, painful]) == frozenset()
    assert flagged_techniques([painful, outcome(3, 1, 4, 3, techniques=("cat-cow",))]) == {
        "bridge", }


def test_flagged_techniques_appear_in_the_advice() -> None:
    advice = assess_progress(daily(4, start_days_ago=1), [outcome(1, 1, 3, 6, bridge="worse")],
                             now=NOW)
    assert advice.flagged_techniques == {"bridge"}
    flag = next(r for r in advice.reasons if r.rule == "session_pain_rise")
    assert "bridge" in flag.text


# ---- properties ---------------------------------------------------------------------------------

pains = st.integers(min_value=0, max_value=10)
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes)))


@st.composite
def diaries(draw: st.DrawFn) -> list[PainRating]:
    count = draw(st.integers(min_value=0, max_value=40))
    minutes = sorted(draw(st.lists(st.integers(0, 200 * 24 * 60), min_size=count,
                                   max_size=count)))
    kinds = draw(st.lists(st.sampled_from(["before", "after", "daily"]), min_size=count,
                          max_size=count))
    return [
        PainRating(at=NOW - timedelta(minutes=m), pain=draw(pains), kind=k)  # type: ignore[arg-type]
        for m, k in zip(minutes, kinds, strict=True)
    ]


screens = st.none() | st.builds(
    ScreenSnapshot,
    tier=st.sampled_from(["emergency", "same_day", "see_professional", "self_care", "incomplete"]),
    taken_at=st.just(NOW),
    reasons=st.tuples(st.text(min_size=1, max_size=20)),
)


@given(first=st.floats(0, 10), current=st.floats(0, 10), lower=st.floats(0, 10))
def test_improvement_is_monotonic(first: float, current: float, lower: float) -> None:
    # If a level counts as meaningful improvement, any lower level does too.
    if is_meaningful_improvement(first, current) and lower < current:
        assert is_meaningful_improvement(first, lower)


@given(ratings=diaries(), screen=screens)
@settings(max_examples=150, deadline=None)
def test_advice_is_always_well_formed(ratings: list[PainRating],
                                      screen: ScreenSnapshot | None) -> None:
    advice = assess_progress(ratings, latest_screen=screen, now=NOW)
    assert advice.tier in TIERS
    assert advice.reasons, "every verdict has a reason"
    assert advice.tier == most_urgent(r.tier for r in advice.reasons)
    assert advice.advice.strip()
    for reason in advice.reasons:
        if reason.rule != "safety_screen":
            assert set(reason.sources) <= KNOWN_SOURCES
    document = advice.as_dict()
    assert set(document) == {"tier", "reasons", "advice"}


@given(ratings=diaries(), screen=screens)
@settings(max_examples=150, deadline=None)
def test_a_screen_never_makes_the_advice_less_urgent(ratings: list[PainRating],
                                                      screen: ScreenSnapshot | None) -> None:
    without = assess_progress(ratings, now=NOW)
    with_screen = assess_progress(ratings, latest_screen=screen, now=NOW)
    assert TIERS.index(with_screen.tier) <= TIERS.index(without.tier)
    if screen is not None and screen.tier in ("emergency", "same_day"):
        assert with_screen.tier == screen.tier


@given(ratings=diaries())
@settings(max_examples=150, deadline=None)
def test_worsening_always_escalates(ratings: list[PainRating]) -> None:
    advice = assess_progress(ratings, now=NOW)
    trend = advice.trend
    if trend.first is not None and trend.current is not None and is_worsening(
            trend.first, trend.current):
        assert advice.tier == "see_professional"


@given(ratings=diaries(), offset=offsets)
@settings(max_examples=100, deadline=None)
def test_the_verdict_does_not_depend_on_the_time_zone_of_the_input(
    ratings: list[PainRating], offset: timezone
) -> None:
    shifted = [PainRating(at=r.at.astimezone(offset), pain=r.pain, kind=r.kind) for r in ratings]
    assert assess_progress(shifted, now=NOW.astimezone(offset)).as_dict() == assess_progress(
        ratings, now=NOW).as_dict()


@given(st.lists(st.tuples(pains, pains, st.sampled_from(["better", "same", "worse", "stopped"])),
                max_size=6))
def test_flags_come_only_from_sessions_where_pain_rose_two_points(
    sessions: list[tuple[int, int, str]]
) -> None:
    outcomes = [
        outcome(i, len(sessions) - i, before, after, techniques=(f"t-{i}", "shared"),
                **{f"t_{i}": verdict})
        for i, (before, after, verdict) in enumerate(sessions)
    ]
    flagged = flagged_techniques(outcomes)
    painful = {t for o in outcomes if (o.pain_change or 0) >= 2 for t in o.techniques}
    assert flagged <= painful


# ---- DESIGN "Diary advice" (issue 10) ------------------------------------------------------------


def screen_saying(weeks: int) -> ScreenSnapshot:
    """A self-care screen taken at the first rating, answering "lasted so far" with ``weeks``."""
    return ScreenSnapshot(tier="self_care", taken_at=NOW - timedelta(days=30),
                          duration_weeks=weeks)


def test_the_episode_clock_starts_at_the_first_rating_minus_the_screens_duration() -> None:
    # Rated for 3 days only, but the bout began 2 weeks before the first rating.
    ratings = daily(5, 5, 5, start_days_ago=3)
    without = assess_progress(ratings, now=NOW)
    assert "no_improvement_14_days" not in rules(without)
    advice = assess_progress(ratings, latest_screen=screen_saying(2), now=NOW)
    assert advice.tier == "see_professional" and "no_improvement_14_days" in rules(advice)
    text = next(r.text for r in advice.reasons if r.rule == "no_improvement_14_days")
    assert "2 weeks since this bout began" in text


@pytest.mark.parametrize(("weeks", "rule"), [(6, "not_recovered_6_weeks"),
                                             (12, "persistent_12_weeks")])
def test_the_6_and_12_week_prompts_count_the_weeks_before_the_diary(weeks: int, rule: str) -> None:
    ratings = daily(6, 5, 4, 3, start_days_ago=3)  # improving meaningfully, still in pain
    assert rule not in rules(assess_progress(ratings, now=NOW))
    advice = assess_progress(ratings, latest_screen=screen_saying(weeks), now=NOW)
    assert rule in rules(advice) and advice.tier == "see_professional"


@pytest.mark.parametrize("every_days", [1.0, 7.0])
def test_a_flare_up_after_improvement_is_never_improving(every_days: float) -> None:
    ratings = daily(8, 2, 6, start_days_ago=2 * every_days, every_days=every_days)
    trend = summarise_trend(ratings)
    assert trend.direction == "flare_up" and trend.best == 2
    advice = assess_progress(ratings, now=NOW)
    assert "flare_up" in rules(advice) and "improving" not in rules(advice)
    assert advice.tier == "see_professional"
    assert advice.advice.startswith("Your pain has flared up")
    assert "flare-up" in change_words(trend).lower()


@pytest.mark.parametrize("pains", [(8, 4, 4, 5, 5), (6, 5, 4, 3), (8, 6, 4, 2, 1)])
def test_steady_improvement_or_a_small_wobble_is_not_a_flare_up(pains: tuple[int, ...]) -> None:
    ratings = daily(*pains, start_days_ago=len(pains) - 1)
    assert summarise_trend(ratings).direction in ("improving", "settling")
    assert "flare_up" not in rules(assess_progress(ratings, now=NOW))


@pytest.mark.parametrize("pains", [(9, 4, 9), (9, 9), (3, 9, 10), (7, 7, 7), (5, 8, 7, 9)])
def test_sustained_high_pain_sees_a_professional_whatever_the_trend(pains: tuple[int, ...]) -> None:
    # (9, 4, 9) and (5, 8, 7, 9) are not worse than the first rating: the trend alone says
    # "no meaningful change" or less.
    advice = assess_progress(daily(*pains, start_days_ago=len(pains) - 1), now=NOW)
    assert "sustained_high_pain" in rules(advice)
    assert advice.tier == "see_professional"


@pytest.mark.parametrize(("pains", "every_days"), [((9, 4, 8), 1.0), ((7, 7, 6, 7), 1.0),
                                                   ((7, 7, 7), 2.0)])
def test_high_pain_not_sustained_is_not_that_rule(pains: tuple[int, ...], every_days: float) -> None:
    ratings = daily(*pains, start_days_ago=(len(pains) - 1) * every_days, every_days=every_days)
    assert "sustained_high_pain" not in rules(assess_progress(ratings, now=NOW))


def test_three_high_days_long_ago_no_longer_count() -> None:
    ratings = [*daily(7, 7, 7, start_days_ago=40), *daily(3, 3, start_days_ago=2)]
    assert "sustained_high_pain" not in rules(assess_progress(ratings, now=NOW))


def test_pain_spreading_down_a_leg_sees_a_professional() -> None:
    improving = daily(6, 5, 4, 3, start_days_ago=4)
    assert assess_progress(improving, now=NOW).tier == "self_care"
    spread = PainRating(at=NOW - timedelta(days=3), pain=4, kind="after", spread=True)
    advice = assess_progress([*improving, spread], now=NOW)
    assert advice.tier == "see_professional"
    assert advice.reasons[0].rule == "spreading"
    assert "down a leg" in advice.reasons[0].text
    assert advice.advice.startswith("You said the pain has spread down a leg")


def test_a_spread_rating_older_than_two_weeks_no_longer_refers() -> None:
    ratings = [PainRating(at=NOW - timedelta(days=15), pain=5, spread=True),
               *daily(4, 3, 2, start_days_ago=2)]
    assert "spreading" not in rules(assess_progress(ratings, now=NOW))


@pytest.mark.parametrize("pains", [(2, 2, 2), (5, 2, 1, 2), (1, 2, 2)])
def test_steady_low_pain_is_settling_not_a_referral(pains: tuple[int, ...]) -> None:
    # 20 days in: without the rule, "no meaningful improvement after 14 days" would refer.
    ratings = daily(*pains, start_days_ago=20, every_days=20 / (len(pains) - 1))
    advice = assess_progress(ratings, now=NOW)
    assert advice.tier == "self_care"
    assert "settling" in rules(advice) and "no_improvement_14_days" not in rules(advice)
    assert advice.advice.startswith("Your pain is settling. Keep active")
    assert summarise_trend(ratings).direction == "settling"


def test_settling_needs_three_low_ratings() -> None:
    assert "settling" not in rules(assess_progress(daily(5, 2, 2, 4, start_days_ago=3), now=NOW))


@pytest.mark.parametrize(("pains", "word"), [
    ((3, 3, 4, 4), "worse"),        # +1 point, +33%: over the 30% threshold shown
    ((6, 6, 7, 7), "no meaningful change"),  # +1 point, +17%
    ((6, 4, 4), "improving"),
    ((3, 3, 3, 7), "no meaningful change"),  # recent level (median of 3, 3, 7) is 3
])
def test_the_words_agree_with_the_numbers_and_the_threshold(
    pains: tuple[int, ...], word: str
) -> None:
    trend = summarise_trend(daily(*pains, start_days_ago=len(pains) - 1))
    text = change_words(trend)
    assert text.lower().startswith(word)
    assert "2 points, or 30%" in text
    assert trend.change is not None
    meaningful = is_meaningful_change(float(trend.first or 0), trend.current or 0)
    assert (word == "no meaningful change") is not meaningful


@given(ratings=diaries())
@settings(max_examples=150, deadline=None)
def test_the_words_never_call_a_meaningful_change_no_change(ratings: list[PainRating]) -> None:
    trend = summarise_trend(ratings)
    if trend.first is None or trend.current is None or trend.direction == "not_enough_data":
        return
    said_no_change = "no meaningful change" in change_words(trend).lower()
    assert said_no_change is (not is_meaningful_change(trend.first, trend.current)
                              and trend.direction == "steady" and not trend.recovered)


@given(first=st.integers(0, 10), current=st.integers(0, 20).map(lambda half: half / 2))
def test_the_band_drawn_on_the_chart_is_the_rule(first: int, current: float) -> None:
    low, high = meaningful_band(first)
    assert is_meaningful_improvement(first, current) is (current <= low)
    assert is_worsening(first, current) is (current >= high)
