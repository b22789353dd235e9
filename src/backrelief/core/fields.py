"""Request-model field types for the shared ranges of ``core.vocabulary``.

The web forms, the JSON API and the import all validate with these, so "pain is 0 to 10" and
"minutes are 3 to 60" are written once. Strict: a JSON ``"5"`` or ``true`` is not a number, and
the HTML forms convert their text first (``web.forms``), accepting ASCII digits only.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from backrelief.core.vocabulary import MAX_MINUTES, MIN_MINUTES, PAIN_MAX, PAIN_MIN

#: The largest id a database row can have: both SQLite's INTEGER and PostgreSQL's BIGINT are
#: signed 64-bit, so anything larger is refused as bad input instead of overflowing the driver.
MAX_ROW_ID = 2**63 - 1

PainScore = Annotated[int, Field(strict=True, ge=PAIN_MIN, le=PAIN_MAX)]
RoutineMinutes = Annotated[int, Field(strict=True, ge=MIN_MINUTES, le=MAX_MINUTES)]
RowId = Annotated[int, Field(strict=True, ge=1, le=MAX_ROW_ID)]
