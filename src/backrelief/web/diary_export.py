"""The diary's export files, shared by the progress page and the API."""

from __future__ import annotations

import json
from typing import Literal

from sqlalchemy.orm import Session
from starlette.responses import Response

from backrelief.store import export_diary, fhir_bundle, list_ratings, ratings_csv
from backrelief.store.programme_fhir import add_programme_resources
from backrelief.store.types import utcnow

ExportFormat = Literal["json", "csv", "fhir"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "fhir")


def export_response(db: Session, fmt: ExportFormat) -> Response:
    """The whole diary (JSON), the ratings as CSV, or the ratings as a FHIR R4 Bundle."""
    now = utcnow()
    stamp = now.strftime("%Y%m%d")
    if fmt == "csv":
        body = ratings_csv(list_ratings(db))
        media, name = "text/csv; charset=utf-8", f"backrelief-ratings-{stamp}.csv"
    elif fmt == "fhir":
        body = json.dumps(add_programme_resources(db, fhir_bundle(list_ratings(db), now=now)),
                          indent=2)  # issue 14: function scores and the programme
        media, name = "application/fhir+json", f"backrelief-fhir-{stamp}.json"
    else:
        body = json.dumps(export_diary(db, now=now), indent=2, ensure_ascii=False)
        media, name = "application/json", f"backrelief-diary-{stamp}.json"
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


# Sent with the response to "delete everything": the browser drops this site's caches and
# storage too (the service worker's copy of pages, the player's saved position), so no trace of
# the diary stays on the device. https://www.w3.org/TR/clear-site-data/
CLEAR_SITE_DATA = '"cache", "storage"'
