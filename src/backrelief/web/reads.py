"""Pages that only read: no thread hop on SQLite, and content pages rendered once (issue 16).

**No thread hop.** FastAPI runs a plain ``def`` route in a worker thread: under uvicorn that
hop alone cost about 110 microseconds of CPU per request (a page of ours is a few hundred), and a
Python process gains no parallelism from it (one interpreter lock). :func:`read_route` makes a
reading route ``async`` and runs its body on the event loop when the diary is SQLite, whose
reads in WAL mode take well under a millisecond and never wait for a writer. On PostgreSQL every
statement is a network round trip, so the body still runs in the thread pool there, and other
requests are served while it waits. Write routes are never wrapped: a SQLite commit waits for
an fsync, which must not stall the loop (``store.db``'s one writer at a time).

**Rendered once.** The library, a technique page without a note from the diary, and the
education pages depend only on the shipped content and the app's version, both fixed for the
life of the process. :func:`cached_page` keeps each one's bytes and serves them with an
``ETag`` (a ``304`` when the browser already has them). The library and education pages hold
nothing personal, so the browser may keep them and revalidate (``no-cache``); a technique page
stays ``no-store`` like every page that can show the diary (it shows a "left out" note when
there is one, and is then rendered afresh). Nothing is cached when accounts are on: a page may
then show who is signed in.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from backrelief.web.context import web

if TYPE_CHECKING:
    from backrelief.core.planner import Profile

P = ParamSpec("P")
R = TypeVar("R")


def read_route(func: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Wrap a reading route (it must take ``request``) so it runs on the loop on SQLite and in
    the thread pool on PostgreSQL. Put it under ``@router.get``."""

    @functools.wraps(func)
    async def route(*args: P.args, **kwargs: P.kwargs) -> R:
        request = kwargs.get("request")
        if isinstance(request, Request) and web(request).database.dialect == "sqlite":
            return func(*args, **kwargs)
        return await run_in_threadpool(func, *args, **kwargs)

    return route


@dataclass(frozen=True)
class CachedPage:
    """One rendered page: its bytes, their type and their ETag."""

    body: bytes
    media_type: str
    etag: str


def _store(request: Request) -> dict[str, CachedPage] | None:
    """This app's page cache, or None when pages must not be shared (accounts on)."""
    if getattr(web(request).config, "accounts", False):
        return None
    state = request.app.state
    cache: dict[str, CachedPage] | None = getattr(state, "page_cache", None)
    if cache is None:
        cache = {}
        state.page_cache = cache
    return cache


def _answer(request: Request, page: CachedPage, personal: bool) -> Response:
    headers = {"etag": page.etag}
    if not personal:  # else the security headers add no-store
        headers["cache-control"] = "no-cache"
    if page.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(page.body, media_type=page.media_type, headers=headers)


def cached_page(request: Request, key: str, build: Callable[[], Response], *,
                personal: bool = False) -> Response:
    """The page under ``key``, rendered by ``build`` the first time only. ``key`` must name
    everything the page depends on besides the content and version (its path, say); only a
    200 is kept. ``personal``: a page of a kind that can show the diary (``no-store``)."""
    cache = _store(request)
    if cache is None:
        return build()
    page = cache.get(key)
    if page is None:
        response = build()
        if response.status_code != 200:
            return response
        body = bytes(response.body)
        page = CachedPage(body, response.media_type or "text/html",
                          '"' + hashlib.sha256(body).hexdigest()[:20] + '"')
        cache[key] = page
    return _answer(request, page, personal)


PLANS_KEPT = 64
_plans_lock = threading.Lock()


def planned(request: Request, profile: Profile, avoid: Mapping[str, str]) -> dict[str, Any]:
    """``plan_routine(profile, catalog, avoid=avoid).to_json()`` for this app's catalogue, kept
    for the last :data:`PLANS_KEPT` different inputs: the planner is a pure function of them
    (the preview asks again on every reload). The result is shared: read it, never change it."""
    from backrelief.core.planner import plan_routine

    context = web(request)
    state = request.app.state
    with _plans_lock:
        plans: OrderedDict[Any, dict[str, Any]] | None = getattr(state, "plans", None)
        if plans is None:
            plans = state.plans = OrderedDict()
        key = (profile, tuple(sorted(avoid.items())))
        found = plans.get(key)
        if found is not None:
            plans.move_to_end(key)
            return found
    document = plan_routine(profile, context.catalog, avoid=dict(avoid)).to_json()
    with _plans_lock:
        plans[key] = document
        while len(plans) > PLANS_KEPT:
            plans.popitem(last=False)
    return document
