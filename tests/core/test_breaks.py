"""core.breaks: the desk-break routine and the reminder interval."""

from __future__ import annotations

import pytest

from backrelief.core.breaks import BREAK_MINUTES, BreakError, check_every, desk_break
from backrelief.core.catalog import default_catalog


@pytest.mark.parametrize("conditions", [(), ("knee_problem",), ("pregnancy",), ("stenosis",),
                                        ("osteoporosis", "shoulder_problem")])
def test_a_break_is_short_and_off_the_floor_whatever_the_conditions(
        conditions: tuple[str, ...]) -> None:
    catalog = default_catalog()
    routine = desk_break(catalog, conditions)  # type: ignore[arg-type]
    assert routine.items
    assert routine.seconds <= BREAK_MINUTES * 60 * 1.1
    assert all(item.position in ("seated", "standing") for item in routine.items)


def test_interval_limits() -> None:
    assert check_every(15) == 15 and check_every(180) == 180
    for bad in (14, 181, True, "45", 45.0):
        with pytest.raises(BreakError) as caught:
            check_every(bad)
        assert caught.value.field == "every"
