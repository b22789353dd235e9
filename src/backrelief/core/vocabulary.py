"""The closed vocabularies and ranges shared by content, planner, store, CLI and web.

One definition each (DESIGN.md "Contracts"): the safety screen's tiers, the 0-10 pain scale and
the 3-60 minutes of a routine. The shells and the store import these; ``core.fields`` turns the
ranges into the request models' field types.
"""

from __future__ import annotations

from typing import Literal, get_args

Region = Literal["upper", "lower"]
Position = Literal[
    "supine", "prone", "side_lying", "all_fours", "kneeling", "seated", "standing"
]
Equipment = Literal["foam_roller", "tennis_ball", "lacrosse_ball", "chair", "wall"]
Intensity = Literal["gentle", "moderate"]
Breath = Literal["in", "out", "steady"]
Side = Literal["each", "alternate"]
ConditionId = Literal[
    "osteoporosis",
    "pregnancy",
    "hypermobility",
    "anticoagulants",
    "sciatica",
    "stenosis",
    "knee_problem",
    "wrist_problem",
    "shoulder_problem",
    "acute_strain",
]

#: A safety screen's outcome (DESIGN.md "Contracts": `backrelief screen`).
Tier = Literal["emergency", "same_day", "see_professional", "self_care", "incomplete"]
#: The tier a single rule (or a diary advice rule) can give: every tier but ``incomplete``.
RuleTier = Literal["emergency", "same_day", "see_professional", "self_care"]

#: Most urgent first. ``incomplete`` ranks below the red-flag tiers: answers that already reach
#: ``emergency`` or ``same_day`` keep that tier however many questions are unanswered.
TIER_ORDER: tuple[Tier, ...] = (
    "emergency",
    "same_day",
    "incomplete",
    "see_professional",
    "self_care",
)
RULE_TIERS: tuple[RuleTier, ...] = get_args(RuleTier)  # most urgent first
#: The tiers that send the person to a doctor today: never a routine (DESIGN.md).
RED_FLAG_TIERS: frozenset[Tier] = frozenset({"emergency", "same_day"})
#: Tiers that never allow exercise, whatever the rules say (DESIGN.md).
NO_EXERCISE_TIERS: frozenset[Tier] = frozenset({"emergency", "same_day", "incomplete"})

#: The 0-10 numeric rating scale (clinical brief 5.1: change on it is measured in points).
PAIN_MIN, PAIN_MAX = 0, 10
#: How long a routine may be (DESIGN.md: `plan --minutes` is 3 to 60), and the default.
MIN_MINUTES, MAX_MINUTES = 3, 60
DEFAULT_MINUTES = 10

POSITIONS: tuple[str, ...] = get_args(Position)
EQUIPMENT: tuple[str, ...] = get_args(Equipment)
CONDITION_IDS: tuple[str, ...] = get_args(ConditionId)


def is_ascii_number(text: str, max_digits: int) -> bool:
    """True for 1 to ``max_digits`` ASCII digits: the one test every shell applies before ``int``.

    ``str.isdigit`` alone also accepts "³" (which ``int`` then refuses) and "٣" or "５" (which
    ``int`` reads as 3 and 5), and ``int`` of thousands of digits raises.
    """
    return 0 < len(text) <= max_digits and text.isascii() and text.isdigit()
