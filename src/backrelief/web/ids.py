"""Row ids in URLs, bounded to what the database can hold.

An id past 2**63 - 1 used to reach the driver and overflow it (a 500). Every route that takes an
id in its path declares it as :data:`RowIdPath`, so such an id is a 422 naming the parameter,
like any other bad input, before a query runs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from backrelief.core.fields import MAX_ROW_ID

RowIdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A stored record's id.")]
