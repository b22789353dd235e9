"""Load: 50 users at once for 60 s against `backrelief serve --workers 2` on PostgreSQL.

Each simulated user logs in (its own account, its own cookie; the logins arrive over 10 s and
all finish before the figures start, reported apart), then loops: rate pain through
the JSON API, read the progress page, read the advice, then pauses ``--think`` seconds on
average (0.5 to 1.5 times it, a person reading the page). With ``--think 0`` it is a closed-loop
stress run instead: every user fires its next request as soon as the last one answers, so
latency is then mostly queueing (Little's law: users / throughput), not service time. Every
request's latency is recorded; any status but the expected one, and any exception, is an
error. Asserts nothing (DESIGN.md: speed is measured here, never by timed tests).

The machine is shared, so bare milliseconds mean little: the same client, with the same number
of users and the same request mix shape (a POST and two GETs per loop), is run for the same
time against a bare FastAPI hello app served by uvicorn with the same settings (two workers, no
access log, no server header), and the report gives both and their ratio. Issue 13's target:
no errors, p99 under 50 ms on this machine.

Needs PostgreSQL: ``--database-url`` or ``$BACKRELIEF_TEST_DATABASE_URL``. The run uses a new
schema of that database and drops it afterwards.

    .venv/bin/python bench/bench_load.py [--users 50] [--seconds 60] [--workers 2] [--think 1]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-passphrase-0"  # 22 characters, not a common password
HELLO_APP = textwrap.dedent("""
    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse, JSONResponse

    app = FastAPI()

    @app.get("/")
    async def hello() -> HTMLResponse:
        return HTMLResponse("<!doctype html><title>hello</title><p>hello</p>")

    @app.post("/")
    async def post_hello() -> JSONResponse:
        return JSONResponse({"ok": True}, status_code=201)
""")


@dataclass
class Tally:
    """Latencies (seconds) and errors of one run."""

    latencies: list[float] = field(default_factory=list)  # every request but the logins
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    login_latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    logins: int = 0
    ramp: float = 0.0  # users log in spread over this many seconds, before the figures start
    measure_from: float = 0.0  # time.monotonic() when every user is in

    def percentile(self, fraction: float, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def running(command: list[str], env: dict[str, str], url: str) -> Iterator[None]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(url, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def fresh_schema(server_url: str) -> Iterator[str]:
    """A URL whose connections see only a new schema of ``server_url``'s database."""
    from sqlalchemy import create_engine, make_url, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def make_users(database_url: str, count: int) -> list[str]:
    """``count`` accounts with :data:`PASSWORD`, through the store's own API."""
    from backrelief.store import accounts
    from backrelief.store.db import open_database

    database = open_database(database_url)
    names = [f"user{index:02d}" for index in range(count)]
    try:
        with database.session(write=True) as s:
            for name in names:
                accounts.create_user(s, name, PASSWORD)
    finally:
        database.close()
    return names


async def timed(tally: Tally, request: Awaitable[httpx.Response], expected: int, what: str) -> None:
    started = time.perf_counter()
    try:
        response = await request
    except httpx.HTTPError as exc:
        tally.errors.append(f"{what}: {type(exc).__name__}: {exc}")
        return
    elapsed = time.perf_counter() - started
    tally.latencies.append(elapsed)
    tally.by_kind.setdefault(what, []).append(elapsed)
    if response.status_code != expected:
        tally.errors.append(f"{what}: {response.status_code} {response.text[:80]!r}")


async def think(pause: float, rng: random.Random) -> None:
    if pause > 0:
        await asyncio.sleep(pause * rng.uniform(0.5, 1.5))


async def log_in(client: httpx.AsyncClient, name: str, tally: Tally) -> None:
    """One user arrives within the ramp and logs in; the cookie stays in its client."""
    rng = random.Random(name)
    await asyncio.sleep(rng.uniform(0, tally.ramp))  # people do not all arrive in one instant
    started = time.perf_counter()
    response = await client.post("/login", data={"name": name, "password": PASSWORD})
    tally.login_latencies.append(time.perf_counter() - started)
    if response.status_code not in (302, 303):
        tally.errors.append(f"login: {response.status_code} {response.text[:80]!r}")
        return
    tally.logins += 1


async def backrelief_user(client: httpx.AsyncClient, name: str, until: float, tally: Tally,
                          pause: float) -> None:
    rng = random.Random(name)
    pain = 3
    while time.monotonic() < until:
        pain = pain % 7 + 1
        await timed(tally, client.post("/api/diary/ratings", json={"pain": pain, "kind": "daily"}),
                    201, "rate")
        await timed(tally, client.get("/progress"), 200, "progress")
        await timed(tally, client.get("/api/diary/advice"), 200, "advice")
        await think(pause, rng)


async def hello_user(client: httpx.AsyncClient, name: str, until: float, tally: Tally,
                     pause: float) -> None:
    rng = random.Random(name)
    while time.monotonic() < until:
        await timed(tally, client.post("/", json={"pain": 3}), 201, "post")
        await timed(tally, client.get("/"), 200, "get")
        await timed(tally, client.get("/"), 200, "get")
        await think(pause, rng)


async def load(base_url: str, names: list[str], seconds: float, pause: float,
               user: Callable[[httpx.AsyncClient, str, float, Tally, float], Awaitable[None]],
               login: bool = False, ramp: float = 10.0) -> Tally:
    tally = Tally(ramp=ramp)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)  # one per user
    clients = [httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30,
                                 follow_redirects=False) for _ in names]
    try:
        if login:  # every user in first, so the Argon2id burst is not in the figures
            await asyncio.gather(*(log_in(client, name, tally)
                                   for client, name in zip(clients, names, strict=True)))
        tally.measure_from = time.monotonic()
        until = tally.measure_from + seconds
        await asyncio.gather(*(user(client, name, until, tally, pause)
                               for client, name in zip(clients, names, strict=True)))
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    return tally


def report(label: str, tally: Tally, seconds: float) -> str:
    p50, p99 = tally.percentile(0.50) * 1000, tally.percentile(0.99) * 1000
    return (f"{label:<22} {len(tally.latencies):>7} requests ({len(tally.latencies) / seconds:6.0f}"
            f"/s)  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {len(tally.errors)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause between a user's rounds, seconds (0: closed-loop stress)")
    parser.add_argument("--database-url", default=os.environ.get("BACKRELIEF_TEST_DATABASE_URL"))
    args = parser.parse_args()
    if not args.database_url:
        sys.exit("bench_load: needs PostgreSQL: --database-url or BACKRELIEF_TEST_DATABASE_URL")

    with fresh_schema(args.database_url) as database_url, tempfile.TemporaryDirectory() as tmp:
        names = make_users(database_url, args.users)
        env = {**os.environ, "BACKRELIEF_DATABASE_URL": database_url, "BACKRELIEF_ACCOUNTS": "on",
               "BACKRELIEF_DATA_DIR": tmp, "PYTHONPATH": str(ROOT / "src")}
        for variable in ("BACKRELIEF_TRUSTED_PROXIES", "BACKRELIEF_PUBLIC_HOST"):
            env.pop(variable, None)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        serve = [sys.executable, "-m", "backrelief", "serve", "--port", str(port),
                 "--workers", str(args.workers)]
        with running(serve, env, url + "/healthz"):
            ours = asyncio.run(load(url, names, args.seconds, args.think, backrelief_user, login=True))

        Path(tmp, "hello_app.py").write_text(HELLO_APP)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        # The settings `backrelief serve` passes to uvicorn (cli/serve.py), so only the app differs.
        hello = [sys.executable, "-m", "uvicorn", "hello_app:app", "--app-dir", tmp,
                 "--port", str(port), "--workers", str(args.workers), "--log-level", "warning",
                 "--no-access-log", "--no-server-header", "--no-proxy-headers"]
        with running(hello, env, url + "/"):
            bare = asyncio.run(load(url, names, args.seconds, args.think, hello_user))

    print(f"{args.users} users, {args.seconds:g} s, {args.workers} workers, PostgreSQL, think "
          f"{args.think:g} s; {ours.logins} logins")
    print(report("backrelief", ours, args.seconds))
    print(report("bare FastAPI hello", bare, args.seconds))
    ratio50 = ours.percentile(0.5) / bare.percentile(0.5) if bare.latencies else float("nan")
    ratio99 = ours.percentile(0.99) / bare.percentile(0.99) if bare.latencies else float("nan")
    print(f"ratio backrelief / hello: p50 {ratio50:.2f}x, p99 {ratio99:.2f}x, throughput "
          f"{len(ours.latencies) / max(1, len(bare.latencies)):.2f}x")
    for kind, values in sorted(ours.by_kind.items()):
        print(f"  {kind:<10} p50 {ours.percentile(0.5, values) * 1000:6.1f} ms  "
              f"p99 {ours.percentile(0.99, values) * 1000:6.1f} ms")
    print(f"  logins (Argon2id, {len(ours.login_latencies)} arriving over {ours.ramp:g} s, all done "
          f"before the figures above start): p50 {ours.percentile(0.5, ours.login_latencies) * 1000:.0f} ms, "
          f"max {max(ours.login_latencies, default=0) * 1000:.0f} ms")
    for label, tally in (("backrelief", ours), ("hello", bare)):
        for error in sorted(set(tally.errors))[:10]:
            print(f"  {label} error: {error}  (x{tally.errors.count(error)})")
    if ours.latencies:
        print(f"mean {statistics.fmean(ours.latencies) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
