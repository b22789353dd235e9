"""Pain diary progress: the trend, whether a change matters, and what to do next.

Pure on purpose (DESIGN.md "core"): pain ratings, session outcomes and the latest safety screen
come in as dataclasses, an :class:`Advice` comes out. No SQL, no clock (the caller passes
``now``), no terminal. The store gathers the inputs; the CLI and the web app print the result.

The rules, each cited where it is applied below (clinical brief sections 1.4 and 5):

* a change is meaningful at 2 points or 30% on the 0-10 scale, and never below 1 point
  (Ostelo 2008); one function, :func:`change_words`, turns a trend into the words the terminal
  and the web page print, so the label always agrees with the numbers and the threshold shown;
* pain 0 counts as recovered (Kamper 2010);
* the episode clock starts at the first rating minus the latest screen's ``duration_weeks``
  (DESIGN "Diary advice"), so the 2-, 6- and 12-week prompts come when the pain is that old;
* no meaningful improvement 2 weeks into the episode: see a professional (NHS);
* not recovered 6 weeks into the episode: see a professional, strongly (NHS, NICE CG88);
* past 12 weeks: a clinician-led plan for persistent pain (NICE CG88, WHO 2023);
* recent level meaningfully above the first rating: worsening, see a professional (NHS);
* recent level meaningfully above the best level of the last 4 weeks: a flare-up after
  improvement, see a professional if it does not settle (NHS "getting worse");
* 9+ on 2 of the last 3 ratings, or 7+ on 3 days in a row: severe pain, see a professional
  whatever the trend (NHS: see a GP if the pain is severe);
* a rating in the last 2 weeks says the pain spread down a leg: see a professional (brief 1.4,
  NHS: see a GP if the pain spreads down a leg);
* 2 or less on the last 3 ratings: settling, keep active (NHS exercises; Dahm 2010);
* pain up 2 or more after a session: the techniques behind it are flagged, and the planner
  leaves them out next time (NHS exercise advice: stop what makes it worse);
* a red flag in the latest safety screen overrides everything else.

Tiers are the safety screen's, most urgent first: ``emergency``, ``same_day``,
``see_professional``, ``self_care``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, get_args

from backrelief.core.vocabulary import PAIN_MAX, PAIN_MIN, RED_FLAG_TIERS, RULE_TIERS, RuleTier

Tier = RuleTier  # advice never says "incomplete": that is the screen's, not the diary's

RatingKind = Literal["before", "after", "daily"]
# "not_today": the person asked not to repeat it today (journey.memory leaves it out until the
# end of that local day).
Verdict = Literal["better", "same", "worse", "stopped", "not_today"]
Direction = Literal[
    "improving", "worsening", "flare_up", "settling", "steady", "not_enough_data", "no_data"
]

TIERS: tuple[Tier, ...] = RULE_TIERS  # most urgent first
RATING_KINDS: tuple[RatingKind, ...] = get_args(RatingKind)
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
#: The words both shells show for each verdict, in this order.
VERDICT_LABELS: dict[Verdict, str] = {
    "better": "Felt better",
    "same": "No change",
    "worse": "Felt worse",
    "stopped": "Stopped it",
    "not_today": "Not again today",
}
# Ostelo 2008 (brief 5.1): minimal important change on the 0-10 NRS is 2 points or 30%.
MIC_POINTS = 2
MIC_FRACTION = 0.30
# A change of less than one point on a whole-number scale is never meaningful, however large
# the percentage (1 -> 1.5 is +50%).
MIC_FLOOR_POINTS = 1
# Brief 1.4: "worse at any time" -> review; DESIGN: a worsening is 2 points or 30% (Ostelo 2008).
WORSENING_POINTS = 2
# DESIGN "settling": 2 or less on the last 3 ratings is low, steady pain, not a referral.
SETTLED_MAX = 2
SETTLED_COUNT = 3
# DESIGN "sustained_high_pain": 9+ on 2 of the last 3 ratings, or 7+ on 3 days in a row.
VERY_HIGH_PAIN = 9
VERY_HIGH_OF_LAST = (2, 3)
HIGH_PAIN = 7
HIGH_PAIN_DAYS = 3
# A run of high days counts while its last day is this recent; so does a "spread" rating.
RECENT_ALARM_WINDOW = timedelta(days=14)
# The "best recent level" a flare-up is measured against: the lowest rating in these 4 weeks.
FLARE_LOOKBACK = timedelta(weeks=4)
SESSION_RISE_POINTS = 2
# Brief 1.4 "suggested app rule": 2 weeks, 6 weeks, 12 weeks.
NO_IMPROVEMENT_AFTER = timedelta(days=14)
NOT_RECOVERED_AFTER = timedelta(weeks=6)
PERSISTENT_AFTER = timedelta(weeks=12)
# "Recent" pain is the median of the last few ratings within a week of the latest one, so one
# unusually good or bad day neither hides a worsening nor raises a false alarm.
RECENT_WINDOW = timedelta(days=7)
RECENT_COUNT = 3
STALE_AFTER = timedelta(days=7)

SAFETY_NET = (
    "Do the safety check again before every session. Call 999 (112 in the EU, 911 in the US) "
    "or go to A&E at once if you get numbness between your legs or around your bottom, new "
    "trouble peeing or controlling your bowels, or weakness in both legs. See a GP if the pain "
    "spreads down a leg, stops your daily activities, or you are struggling to cope."
)
SAFETY_NET_SOURCES = ("nhs-back-pain",)


@dataclass(frozen=True)
class PainRating:
    """One 0-10 numeric pain rating (LOINC 72514-3), at an aware time."""

    at: datetime
    pain: int
    kind: RatingKind = "daily"
    session_id: int | None = None
    # The pain has spread down a leg, or further down it, since the rating before.
    spread: bool = False

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("PainRating.at must be timezone-aware")
        if isinstance(self.pain, bool) or not PAIN_MIN <= self.pain <= PAIN_MAX:
            raise ValueError(f"PainRating.pain must be 0-10, got {self.pain!r}")
        if self.kind not in RATING_KINDS:
            raise ValueError(f"PainRating.kind must be one of {RATING_KINDS}, got {self.kind!r}")


@dataclass(frozen=True)
class SessionOutcome:
    """What one guided session did: its techniques, pain before and after, and feedback."""

    session_id: int
    started_at: datetime
    techniques: tuple[str, ...] = ()
    pain_before: int | None = None
    pain_after: int | None = None
    feedback: Mapping[str, Verdict] = field(default_factory=dict)

    @property
    def pain_change(self) -> int | None:
        """Pain after minus pain before (positive = worse), or None without both ratings."""
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before


@dataclass(frozen=True)
class ScreenSnapshot:
    """The stored result of the latest safety screen: its tier and the reasons it gave."""

    tier: str
    taken_at: datetime
    reasons: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    advice: str | None = None
    # "How many weeks has this bout of back pain lasted so far?" (None: not answered).
    duration_weeks: float | None = None


@dataclass(frozen=True)
class Reason:
    """Why the advice says what it says: a rule, its tier, plain words and sources."""

    rule: str
    tier: Tier
    text: str
    sources: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"rule": self.rule, "tier": self.tier, "text": self.text, "sources": list(self.sources)}


@dataclass(frozen=True)
class Trend:
    """The course of pain: first rating, recent level, change and slope."""

    direction: Direction
    count: int
    first: int | None = None
    first_at: datetime | None = None
    current: float | None = None
    latest_at: datetime | None = None
    change: float | None = None
    percent_change: float | None = None
    slope_per_week: float | None = None
    recovered: bool = False
    best: float | None = None
    best_at: datetime | None = None
    recent_from: datetime | None = None  # the oldest rating the recent level is the median of

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (times as UTC ISO 8601)."""
        return {
            "direction": self.direction,
            "count": self.count,
            "first": self.first,
            "first_at": self.first_at.isoformat() if self.first_at else None,
            "current": self.current,
            "latest_at": self.latest_at.isoformat() if self.latest_at else None,
            "change": self.change,
            "percent_change": self.percent_change,
            "slope_per_week": self.slope_per_week,
            "recovered": self.recovered,
            "best": self.best,
            "best_at": self.best_at.isoformat() if self.best_at else None,
        }


@dataclass(frozen=True)
class Advice:
    """The verdict: the most urgent tier, every reason behind it, and what to do."""

    tier: Tier
    reasons: tuple[Reason, ...]
    advice: str
    trend: Trend
    flagged_techniques: frozenset[str] = frozenset()

    def as_dict(self) -> dict[str, Any]:
        """The ``backrelief advice --json`` document."""
        return {
            "tier": self.tier,
            "reasons": [reason.as_dict() for reason in self.reasons],
            "advice": self.advice,
        }


def most_urgent(tiers: Iterable[str]) -> Tier:
    """The most urgent of ``tiers`` (``self_care`` when none is given or none is known)."""
    ranks = [TIERS.index(tier) for tier in tiers if tier in TIERS]
    return TIERS[min(ranks)] if ranks else "self_care"


def as_tier(value: str) -> Tier:
    """``value`` if it is one of the four tiers, else ``self_care`` (e.g. for ``incomplete``)."""
    for tier in TIERS:
        if tier == value:
            return tier
    return "self_care"


def is_meaningful_change(before: float, after: float) -> bool:
    """True when ``after`` differs from ``before`` by 2 points, or by 30% of ``before`` and at
    least 1 point (Ostelo 2008, brief 5.1: the minimal important change on the 0-10 NRS)."""
    size = abs(after - before)
    if size < MIC_FLOOR_POINTS:
        return False
    return size >= MIC_POINTS or size >= MIC_FRACTION * before


def is_meaningful_improvement(first: float, current: float) -> bool:
    """True when pain fell by 2 points or by 30% of the first rating (Ostelo 2008, brief 5.1)."""
    return current < first and is_meaningful_change(first, current)


def is_worsening(first: float, current: float) -> bool:
    """True when pain rose by 2 points or 30% (Ostelo 2008) to a level above "settled" (2).

    Brief 1.4: worse at any time -> review. A rise that stays at 2 or less is low pain, which
    DESIGN's ``settling`` rule keeps out of referral.
    """
    return current > first and current > SETTLED_MAX and is_meaningful_change(first, current)


def meaningful_band(first: float) -> tuple[float, float]:
    """The levels around ``first`` that are *not* a meaningful change, as (low, high).

    For recent levels on the half-point grid (medians of whole numbers): a level at or below
    ``low`` is a meaningful improvement, at or above ``high`` a worsening, and in between no
    meaningful change. The web chart shades this band so the picture says what the words say.
    """
    smallest = max(MIC_FLOOR_POINTS, min(MIC_POINTS, MIC_FRACTION * first))
    # Below 0 or above 10 means "no such level": from 0 nothing is an improvement.
    low = first - smallest if first - smallest >= PAIN_MIN else PAIN_MIN - 0.5
    high = max(first + smallest, SETTLED_MAX + 0.5)
    return low, min(high, PAIN_MAX + 0.5)


def is_recovered(current: float) -> bool:
    """Pain 0 is the best marker of recovery on the NRS (Kamper 2010, brief 5.1)."""
    return current == 0


def course_ratings(ratings: Iterable[PainRating]) -> list[PainRating]:
    """The ratings that describe the course of pain, oldest first.

    Daily and before-session ratings describe how the back is; an after-session rating
    measures the session itself and would flatter the trend, so it is used only when there is
    nothing else.
    """
    ordered = sorted(ratings, key=lambda rating: rating.at)
    resting = [rating for rating in ordered if rating.kind != "after"]
    return resting or ordered


def recent_ratings(ratings: Sequence[PainRating]) -> list[PainRating]:
    """The last ``RECENT_COUNT`` ratings within a week of the latest (sorted input)."""
    latest = ratings[-1].at
    return [rating for rating in ratings if latest - rating.at <= RECENT_WINDOW][-RECENT_COUNT:]


def recent_level(ratings: Sequence[PainRating]) -> float:
    """Median of the last ``RECENT_COUNT`` ratings within a week of the latest (sorted input)."""
    return float(statistics.median(rating.pain for rating in recent_ratings(ratings)))


def best_recent(ratings: Sequence[PainRating]) -> PainRating:
    """The lowest rating of the last 4 weeks before the latest (sorted input; latest on ties).

    DESIGN "Diary advice": worsening is measured against the best recent level as well as the
    first, so 8 -> 2 -> 6 reads as a flare-up after improvement, not as improving.
    """
    latest = ratings[-1].at
    window = [rating for rating in ratings if latest - rating.at <= FLARE_LOOKBACK]
    return min(reversed(window), key=lambda rating: rating.pain)


def is_flare_up(best: PainRating, latest: PainRating, current: float) -> bool:
    """Worse than the best recent rating: both the recent level and the latest rating are a
    meaningful worsening on it (so steady improvement, whose best is the latest, never is)."""
    return (
        best.at < latest.at
        and is_worsening(best.pain, current)
        and is_worsening(best.pain, latest.pain)
    )


def is_settling(ratings: Sequence[PainRating]) -> bool:
    """2 or less on each of the last 3 ratings (sorted input): low, steady pain."""
    last = ratings[-SETTLED_COUNT:]
    return len(last) == SETTLED_COUNT and all(rating.pain <= SETTLED_MAX for rating in last)


def slope_from_sums(n: int, sx: float, sxx: float, sy: float, sxy: float) -> float | None:
    """The least-squares slope in points a week, from the sums over (days since the first
    rating, pain): the form a database can compute without handing every rating over."""
    spread = sxx - sx * sx / n if n else 0.0
    if n < 2 or spread <= 1e-9 * max(1.0, sxx):
        return None
    per_day = (sxy - sx * sy / n) / spread
    return round(per_day * 7, 2)


def _slope_per_week(ratings: Sequence[PainRating]) -> float | None:
    origin = ratings[0].at
    xs = [(rating.at - origin).total_seconds() / 86400 for rating in ratings]
    ys = [float(rating.pain) for rating in ratings]
    return slope_from_sums(len(xs), sum(xs), sum(x * x for x in xs), sum(ys),
                           sum(x * y for x, y in zip(xs, ys, strict=True)))


@dataclass(frozen=True)
class CourseWindow:
    """The part of the course of pain (:func:`course_ratings`) that every rule reads.

    A long diary need not be read whole: the rules look at the first rating, how many there
    are, and a recent stretch (the last 4 weeks before the latest rating, the last 3 ratings,
    and the last 2 weeks before ``now`` with any run of high-pain days reaching into them).
    ``tail`` is a suffix of the course that holds all of that (:func:`tail_start`,
    :func:`tail_is_enough`), so the store can read a window and get the same advice as from the
    whole diary. ``spread_recent`` counts ratings of any kind in the last 2 weeks that say the
    pain spread; ``slope_per_week`` is the fitted slope over the whole course, or None when the
    caller did not ask for it (it is the one figure that needs every rating).
    """

    first: PainRating
    count: int
    tail: tuple[PainRating, ...]
    spread_recent: int = 0
    slope_per_week: float | None = None


def tail_start(latest_at: datetime, third_last_at: datetime, now: datetime) -> datetime:
    """Where a :class:`CourseWindow` tail must start: midnight UTC of the earliest of 4 weeks
    before the latest rating, the third-last rating and 2 weeks before ``now``.

    Whole UTC days, because the high-pain run counts each day's highest rating.
    """
    return utc_midnight(min(latest_at - FLARE_LOOKBACK, third_last_at, now - RECENT_ALARM_WINDOW))


def utc_midnight(at: datetime) -> datetime:
    """The start of ``at``'s UTC day."""
    day = at.astimezone(UTC).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def tail_is_enough(tail: Sequence[PainRating], start: datetime, count: int) -> bool:
    """True when a tail read from ``start`` on holds what the rules need: it is the whole
    course, or its first day is not a high-pain day that a run could continue back from."""
    if len(tail) >= count:
        return True
    if not tail:
        return False
    start_day = start.astimezone(UTC).date()
    first_day = [r.pain for r in tail if r.at.astimezone(UTC).date() == start_day]
    return not first_day or max(first_day) < HIGH_PAIN


def course_window(ratings: Iterable[PainRating], now: datetime) -> CourseWindow | None:
    """The whole diary as a :class:`CourseWindow` (None without ratings)."""
    every = sorted(ratings, key=lambda rating: rating.at)
    course = course_ratings(every)
    if not course:
        return None
    return CourseWindow(
        first=course[0],
        count=len(course),
        tail=tuple(course),
        spread_recent=_spread_count(every, now),
        slope_per_week=_slope_per_week(course),
    )


def _spread_count(every: Iterable[PainRating], now: datetime) -> int:
    return sum(1 for r in every if r.spread and timedelta(0) <= now - r.at <= RECENT_ALARM_WINDOW)


def summarise_trend(ratings: Iterable[PainRating]) -> Trend:
    """The course of pain from the diary: first rating, recent level, change and direction."""
    course = course_ratings(ratings)
    if not course:
        return Trend(direction="no_data", count=0)
    return window_trend(CourseWindow(course[0], len(course), tuple(course),
                                     slope_per_week=_slope_per_week(course)))


def window_trend(window: CourseWindow | None) -> Trend:
    """:func:`summarise_trend` from a :class:`CourseWindow`."""
    if window is None:
        return Trend(direction="no_data", count=0)
    tail = window.tail
    first = window.first.pain
    current = recent_level(tail)
    best = best_recent(tail)
    change = current - first
    direction: Direction
    if window.count < 2:
        direction = "not_enough_data"
    elif is_worsening(first, current):
        direction = "worsening"
    elif is_flare_up(best, tail[-1], current):
        direction = "flare_up"
    elif is_settling(tail) and not is_recovered(current):
        direction = "settling"
    elif is_meaningful_improvement(first, current):
        direction = "improving"
    else:
        direction = "steady"
    return Trend(
        direction=direction,
        count=window.count,
        first=first,
        first_at=window.first.at,
        current=current,
        latest_at=tail[-1].at,
        change=change,
        percent_change=round(100 * change / first, 1) if first else None,
        slope_per_week=window.slope_per_week,
        recovered=is_recovered(current),
        best=float(best.pain),
        best_at=best.at,
        recent_from=recent_ratings(tail)[0].at,
    )


def change_words(trend: Trend) -> str:
    """The trend in one or two sentences, its label agreeing with the numbers beside it.

    The one place that words a trend: ``backrelief history`` and the web progress page both
    print this. The threshold named is the one :func:`is_meaningful_change` applies.
    """
    if trend.first is None or trend.current is None or trend.change is None:
        return "No ratings yet."
    if trend.direction == "not_enough_data":
        return f"One rating so far ({trend.first}/10); add more to see a trend."
    numbers = f"{trend.change:+g} points"
    if trend.percent_change is not None:
        numbers += f", {trend.percent_change:+g}%"
    against = f"recent level {trend.current:g}/10 against {trend.first}/10 at your first rating"
    rule = "a meaningful change is 2 points, or 30% and at least 1 point"
    if trend.direction == "worsening":
        label = "worse"
    elif trend.direction == "flare_up":
        assert trend.best is not None  # set for every trend with ratings
        rise = trend.current - trend.best
        return (
            f"Flare-up: {against} ({numbers}), but {rise:+g} points above your best recent "
            f"level of {trend.best:g}/10 ({rule})."
        )
    elif trend.direction == "improving":
        label = "improving"
    elif trend.direction == "settling":
        return (
            f"Settling: your last {SETTLED_COUNT} ratings are {SETTLED_MAX}/10 or less; "
            f"{against} ({numbers})."
        )
    elif is_recovered(trend.current):
        label = "no pain"
    elif trend.current > trend.first and is_meaningful_change(trend.first, trend.current):
        label = f"higher, but still low ({SETTLED_MAX}/10 or less)"
    else:
        label = "no meaningful change"
    return f"{label.capitalize()}: {against} ({numbers}; {rule})."


DIRECTION_TITLES: dict[Direction, str] = {
    "improving": "improving",
    "worsening": "getting worse",
    "flare_up": "a flare-up",
    "settling": "settling",
    "steady": "no meaningful change",
    "not_enough_data": "too early to tell",
    "no_data": "no ratings yet",
}


def implicated_techniques(session: SessionOutcome) -> frozenset[str]:
    """Techniques a painful session points at.

    Feedback of ``worse`` or ``stopped`` names the culprits. Without it we cannot tell which
    technique did it, so every technique not rated ``better`` or ``same`` is implicated, and if
    all were rated fine, all of them: conservative on purpose, the planner has alternatives.
    """
    done = set(session.techniques) | set(session.feedback)
    named = {tech for tech, verdict in session.feedback.items() if verdict in ("worse", "stopped")}
    if named:
        return frozenset(named)
    unrated = {tech for tech in done if session.feedback.get(tech) not in ("better", "same")}
    return frozenset(unrated or done)


def flagged_techniques(sessions: Iterable[SessionOutcome]) -> frozenset[str]:
    """Techniques to leave out next time: pain rose 2+ points after the last session they were in.

    A rise of 2 points is the minimal important change (Ostelo 2008); NHS exercise advice is
    to stop exercises that make symptoms worse (brief 1.4). A flag clears once the technique is
    done again in a session without such a rise.
    """
    latest: dict[str, SessionOutcome] = {}
    for session in sorted(sessions, key=lambda s: (s.started_at, s.session_id)):
        for technique in set(session.techniques) | set(session.feedback):
            latest[technique] = session
    flagged = set()
    for technique, session in latest.items():
        change = session.pain_change
        rose = change is not None and change >= SESSION_RISE_POINTS
        if rose and technique in implicated_techniques(session):
            flagged.add(technique)
    return frozenset(flagged)


_ADVICE: dict[str, str] = {
    "emergency": (
        "Your latest safety check found a sign that needs emergency care. Call 999 (112 in the "
        "EU, 911 in the US) or go to A&E now. Do not do the exercises."
    ),
    "same_day": (
        "Your latest safety check found a sign that needs a doctor today. Get an urgent GP "
        "appointment or call NHS 111 (your local urgent line elsewhere) today. No exercises "
        "until you have been checked."
    ),
    "worsening": (
        "Your pain is getting worse. See a GP or physiotherapist soon, within a week or two, "
        "and stop any exercise that makes it worse."
    ),
    "persistent_12_weeks": (
        "Your pain has lasted more than 12 weeks. Ask your GP or physiotherapist for a "
        "clinician-led plan for persistent back pain; the exercises here can be part of that "
        "plan, not a replacement for it."
    ),
    "not_recovered_6_weeks": (
        "Please book a GP or physiotherapist appointment now: back pain that has not settled "
        "after 6 weeks needs a professional review."
    ),
    "no_improvement_14_days": (
        "See a GP or physiotherapist within the next week or two: back pain usually starts to "
        "ease within 2 weeks, and yours has not improved meaningfully."
    ),
    "screen_see_professional": (
        "Your latest safety check suggests seeing a GP or physiotherapist; the reasons say why "
        "and how soon."
    ),
    "flare_up": (
        "Your pain has flared up after it had eased. Flare-ups are common: keep moving gently, "
        "go back to the easier parts of your routine, and ease off whatever set it off. See a "
        "GP or physiotherapist if it has not settled within a week or two, or sooner if it is "
        "severe."
    ),
    "sustained_high_pain": (
        "Your pain has been severe for several ratings. See a GP or physiotherapist soon, "
        "within a few days, and do only what feels comfortable until then."
    ),
    "spreading": (
        "You said the pain has spread down a leg. See a GP or physiotherapist soon, within a "
        "week, and stop any exercise that sends the pain further down the leg."
    ),
    "settling": (
        "Your pain is settling. Keep active: walk, keep up your routine a few times a week and "
        "build back up to your usual activities; staying active helps more than resting."
    ),
    "improving": "Your pain is improving meaningfully: keep going with your routine.",
    "recovered": "Your recent ratings are 0: well done. Keep active to keep your back moving.",
    "keep_going": (
        "Keep going and keep rating your pain: back pain usually starts to ease within 2 "
        "weeks and often passes in 4 to 6 weeks."
    ),
    "no_ratings": (
        "Rate your pain before and after each session, or once a day, so the diary can tell "
        "you how you are doing."
    ),
}


def _screen_reasons(screen: ScreenSnapshot) -> list[Reason]:
    tier = as_tier(screen.tier)
    sources = screen.sources or ("nhs-back-pain",)
    texts = screen.reasons or (f"the result was {screen.tier}.",)
    return [Reason("safety_screen", tier, f"Your latest safety check: {text}", sources) for text in texts]


def episode_start(first_at: datetime, screen: ScreenSnapshot | None) -> datetime:
    """When this bout of pain began: the first rating minus the latest screen's
    ``duration_weeks`` (DESIGN "Diary advice"), or the first rating when it was not answered."""
    weeks = screen.duration_weeks if screen is not None else None
    if weeks is None or weeks <= 0:
        return first_at
    return first_at - timedelta(weeks=weeks)


def _weeks(elapsed: timedelta) -> str:
    weeks = elapsed.days // 7
    if weeks < 1:
        return f"{elapsed.days} days"
    return "1 week" if weeks == 1 else f"{weeks} weeks"


def _high_pain_days(course: Sequence[PainRating], now: datetime) -> int:
    """The longest run of consecutive days (UTC) whose highest rating is 7 or more, counting
    only runs that end within the last 2 weeks."""
    highest: dict[date, int] = {}
    for rating in course:
        day = rating.at.astimezone(UTC).date()
        highest[day] = max(highest.get(day, 0), rating.pain)
    recent_from = (now - RECENT_ALARM_WINDOW).astimezone(UTC).date()
    longest = run = 0
    previous: date | None = None
    for day in sorted(highest):
        if highest[day] < HIGH_PAIN:
            run, previous = 0, None
            continue
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        previous = day
        if day >= recent_from:
            longest = max(longest, run)
    return longest


def _alarm_reasons(window: CourseWindow, now: datetime) -> list[Reason]:
    """Severe or spreading pain: a professional whatever the trend."""
    reasons: list[Reason] = []
    last = window.tail[-VERY_HIGH_OF_LAST[1]:]
    very_high = sum(1 for rating in last if rating.pain >= VERY_HIGH_PAIN)
    high_days = _high_pain_days(window.tail, now)
    if very_high >= VERY_HIGH_OF_LAST[0] or high_days >= HIGH_PAIN_DAYS:
        # NHS back pain: see a GP if the pain is severe; NHS exercises: see a GP if you have
        # severe pain. The numbers (9+ twice in 3, 7+ three days running) are DESIGN's.
        why = (
            f"{very_high} of your last {len(last)} ratings are {VERY_HIGH_PAIN}/10 or more"
            if very_high >= VERY_HIGH_OF_LAST[0]
            else f"your pain has been {HIGH_PAIN}/10 or more on {high_days} days in a row"
        )
        reasons.append(Reason(
            "sustained_high_pain", "see_professional",
            f"Severe pain: {why}. Pain this bad needs a GP or physiotherapist to look at it, "
            "whatever the trend.",
            ("nhs-back-pain", "nhs-lower-back-exercises"),
        ))
    spread = window.spread_recent
    if spread:
        # Brief 1.4: leg symptoms spreading further down -> see a GP or physio; NHS back pain:
        # see a GP if the pain spreads down a leg.
        reasons.append(Reason(
            "spreading", "see_professional",
            f"On {spread} rating{'s' if spread > 1 else ''} in the last 2 weeks you said "
            "the pain has spread down a leg, or further down it. Pain that travels down the leg "
            "needs a GP or physiotherapist to check the nerve.",
            ("nhs-back-pain", "nhs-lower-back-exercises"),
        ))
    return reasons


def _diary_reasons(
    trend: Trend, window: CourseWindow | None, screen: ScreenSnapshot | None, now: datetime
) -> list[Reason]:
    if (window is None or trend.first is None or trend.current is None
            or trend.first_at is None):
        return [Reason("no_ratings", "self_care", "There are no pain ratings yet.", ())]
    began = episode_start(trend.first_at, screen)
    elapsed = now - began
    days = max(0, elapsed.days)
    since = (
        f"{_weeks(elapsed)} since this bout began ({_weeks(trend.first_at - began)} before your "
        "first rating, as your safety check said)"
        if began < trend.first_at else f"{days} days after your first rating"
    )
    first, current = trend.first, trend.current
    level = f"{current:g}/10 now against {first}/10 at your first rating"
    rule = "2 points, or 30% and at least 1 point"
    reasons = _alarm_reasons(window, now)
    settling = trend.direction == "settling"
    if trend.direction == "worsening":
        # Brief 1.4: "worse at any time" -> review; NHS: see a GP if severe or getting worse.
        reasons.append(Reason(
            "worsening", "see_professional",
            f"Pain is {current - first:g} points higher than at the start ({level}; a "
            f"meaningful worsening is {rule}).",
            ("nhs-back-pain", "ostelo-2008-mic"),
        ))
    elif trend.direction == "flare_up" and trend.best is not None:
        # Brief 1.4: worse at any time -> review, measured against the best recent level too
        # (DESIGN), with the NHS advice for a flare-up: keep moving, ease off what set it off.
        reasons.append(Reason(
            "flare_up", "see_professional",
            f"A flare-up: pain is {current:g}/10 now, {current - trend.best:g} points above your "
            f"best recent level of {trend.best:g}/10 (a meaningful worsening is {rule}).",
            ("nhs-back-pain", "ostelo-2008-mic"),
        ))
    if not trend.recovered:
        if elapsed >= PERSISTENT_AFTER:
            # NICE CG88 / WHO 2023: beyond 12 weeks is persistent or chronic pain. Kept when
            # the pain is low, too: 3 months of pain deserves a review.
            reasons.append(Reason(
                "persistent_12_weeks", "see_professional",
                f"Pain has not gone {since} (more than 12 weeks).",
                ("nice-cg88-persistent", "kamper-2010-recovery"),
            ))
        elif elapsed >= NOT_RECOVERED_AFTER and not settling:
            # NHS: usually passes in 4-6 weeks; NICE CG88: persistent beyond 6 weeks.
            reasons.append(Reason(
                "not_recovered_6_weeks", "see_professional",
                f"Pain has not gone {since} (more than 6 weeks).",
                ("nice-cg88-persistent", "nhs-lower-back-exercises", "kamper-2010-recovery"),
            ))
        if (elapsed >= NO_IMPROVEMENT_AFTER and not settling
                and not is_meaningful_improvement(first, current)):
            # NHS exercises / NHS Inform: should ease within 2 weeks, else see a GP.
            reasons.append(Reason(
                "no_improvement_14_days", "see_professional",
                f"No meaningful improvement ({rule}) {since}: {level}.",
                ("nhs-lower-back-exercises", "ostelo-2008-mic"),
            ))
    if settling:
        # NHS exercises: keep active, pain usually passes in 4 to 6 weeks; Dahm 2010 (Cochrane):
        # staying active beats rest; Kamper 2010: 0 is recovery, so low pain is on the way.
        reasons.append(Reason(
            "settling", "self_care",
            f"Your pain is settling: your last {SETTLED_COUNT} ratings are {SETTLED_MAX}/10 or "
            "less. Keep active: walk and keep up your routine a few times a week, and build "
            "back up to your usual activities.",
            ("nhs-lower-back-exercises", "dahm-2010-bed-rest", "kamper-2010-recovery"),
        ))
    if not any(reason.tier != "self_care" or reason.rule == "settling" for reason in reasons):
        if trend.recovered:
            reasons.append(Reason(
                "recovered", "self_care", f"Your recent ratings are 0 ({level}).",
                ("kamper-2010-recovery",),
            ))
        elif is_meaningful_improvement(first, current):
            reasons.append(Reason(
                "improving", "self_care",
                f"Pain has improved meaningfully ({rule}): {level}.",
                ("ostelo-2008-mic", "nhs-lower-back-exercises"),
            ))
        else:
            reasons.append(Reason(
                "keep_going", "self_care",
                f"{days} days since this bout began: {level}; too early to expect a "
                "meaningful change.",
                ("nhs-lower-back-exercises",),
            ))
    if trend.latest_at is not None and now - trend.latest_at > STALE_AFTER:
        reasons.append(Reason(
            "stale", "self_care",
            f"Your latest rating is {(now - trend.latest_at).days} days old; add today's rating.",
            (),
        ))
    return reasons


def _flag_reason(flagged: frozenset[str]) -> Reason:
    names = ", ".join(sorted(flagged))
    return Reason(
        "session_pain_rise", "self_care",
        f"Pain rose 2 or more points after a session with: {names}. These are left out of your "
        "next routine. Stop any exercise that makes your pain worse, and see a GP if exercise "
        "causes severe pain.",
        ("nhs-lower-back-exercises", "ostelo-2008-mic"),
    )


def assess_progress(
    ratings: Iterable[PainRating],
    sessions: Iterable[SessionOutcome] = (),
    latest_screen: ScreenSnapshot | None = None,
    *,
    now: datetime,
) -> Advice:
    """The diary's verdict: trend, flagged techniques, the most urgent tier and what to do."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return assess_window(course_window(ratings, now), sessions, latest_screen, now=now)


def assess_window(
    window: CourseWindow | None,
    sessions: Iterable[SessionOutcome] = (),
    latest_screen: ScreenSnapshot | None = None,
    *,
    now: datetime,
) -> Advice:
    """:func:`assess_progress` from a :class:`CourseWindow` (None: no ratings); the same
    verdict, read from the stretch of the diary the rules look at."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    trend = window_trend(window)
    flagged = flagged_techniques(sessions)
    reasons: list[Reason]
    if latest_screen is not None and latest_screen.tier in RED_FLAG_TIERS:
        # A red flag in the latest screen overrides everything (brief 1.2, 1.3, 7.1).
        reasons = _screen_reasons(latest_screen)
        tier = most_urgent(reason.tier for reason in reasons)
        text = latest_screen.advice or _ADVICE[tier]
        return Advice(tier, tuple(reasons), text, trend, flagged)
    reasons = []
    if latest_screen is not None and latest_screen.tier == "see_professional":
        reasons.extend(_screen_reasons(latest_screen))
    elif latest_screen is not None and latest_screen.tier not in TIERS:
        reasons.append(Reason(
            "screen_incomplete", "self_care",
            "Your latest safety check was not finished; finish it before your next session.",
            ("finucane-2020-red-flags",),
        ))
    reasons.extend(_diary_reasons(trend, window, latest_screen, now))
    if flagged:
        reasons.append(_flag_reason(flagged))
    reasons.append(Reason("safety_net", "self_care", SAFETY_NET, SAFETY_NET_SOURCES))
    tier = most_urgent(reason.tier for reason in reasons)
    # Order: most urgent first, the rule order above within a tier.
    reasons.sort(key=lambda reason: TIERS.index(reason.tier))
    lead = reasons[0]
    if lead.rule == "safety_screen":
        first_text = latest_screen.advice if latest_screen and latest_screen.advice else None
        text = first_text or _ADVICE["screen_see_professional"]
    else:
        text = _ADVICE.get(lead.rule, _ADVICE["keep_going"])
    return Advice(tier, tuple(reasons), f"{text} {SAFETY_NET}", trend, flagged)
