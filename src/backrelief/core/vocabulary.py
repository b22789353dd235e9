"""The closed vocabularies shared by content, planner, CLI and web (DESIGN.md "Contracts")."""

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

POSITIONS: tuple[str, ...] = get_args(Position)
EQUIPMENT: tuple[str, ...] = get_args(Equipment)
CONDITION_IDS: tuple[str, ...] = get_args(ConditionId)
