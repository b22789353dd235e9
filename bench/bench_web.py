"""Web benchmarks: server time per page, and how punctually the browser player fires its cues.

Prints numbers; asserts nothing (DESIGN.md: performance is measured by bench/, never by timed
tests; the bar is "pages render in a few milliseconds" and "cues fire within 50 ms").

1. Server time per page: each page rendered in-process through the ASGI app (the test client,
   so no network), with a diary of a year of ratings and a played session; median and p95 over
   ``--repeat`` renders. Also the HTTP round trip against a real ``backrelief serve``.
2. Cue timing: a real ``backrelief serve`` and Debian's Chromium (``$BACKRELIEF_CHROMIUM`` or
   /usr/bin/chromium) play a routine; the player records, for every cue its timer fired, how
   late it fired against ``performance.now()``. Run once at real speed for ``--seconds``
   seconds, and once for a whole routine sped up ``--scale`` times.

3. Throughput (``rows()``, the `make bench` table): every page and API against a bare FastAPI
   hello app served by uvicorn with the same settings, started here, measured back to back with
   the same keep-alive client; the goal is 60% of hello's requests per second (issue 16).

4. Write p99 (``--write-p99``, and a row of the table): the daily-rating form POSTed by 32
   concurrent keep-alive clients against a real ``backrelief serve``, its p99 latency as a
   multiple of a hello app's form POST at 32 clients in the same run (goal <= 10x, issue 15).

    .venv/bin/python bench/bench_web.py [--repeat 50] [--seconds 60] [--scale 10] [--write-p99]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.request
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

from backrelief.web.api.screen import ANSWERS_EXAMPLE

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.browser helpers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


CLEAR = dict(ANSWERS_EXAMPLE)  # every screen question answered "no": the API's own example


def seed_diary(data_dir: Path) -> None:
    """A year of daily ratings, then a fresh clear screen."""
    os.environ["BACKRELIEF_DATA_DIR"] = str(data_dir)
    from backrelief.core.screening import evaluate
    from backrelief.store import add_rating, open_database, record_screen
    from backrelief.store.types import utcnow

    db = open_database()
    now = utcnow()
    with db.session(write=True) as s:
        for day in range(365, 0, -1):
            add_rating(s, 3 + day % 4, at=now - timedelta(days=day))
        result = evaluate(CLEAR)
        record_screen(s, answers=CLEAR, tier=result.tier, exercise_allowed=True,
                      reasons=[], advice=result.advice)
    db.close()


def bench_pages(repeat: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    from backrelief.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        seed_diary(Path(tmp))
        with TestClient(create_app(), base_url="http://localhost") as client:
            session = client.post("/build", data={"minutes": "10", "pain": "4"},
                                  follow_redirects=False).headers["location"]
            client.post(session + "/after", data={"pain": "2"})
            pages = ["/", "/check", "/check/result/1", "/build", session, session + "/play",
                     f"/api/sessions/{session.rsplit('/', 1)[1]}/timeline", session + "/after",
                     session + "/summary", "/progress", "/library", "/library/cat-cow",
                     "/settings", "/api/techniques", "/sw.js", "/healthz"]
            # The player and timeline need an unfinished session.
            fresh = client.post("/build", data={"minutes": "10", "pain": "4"},
                                follow_redirects=False).headers["location"]
            pages[5] = fresh + "/play"
            pages[6] = f"/api/sessions/{fresh.rsplit('/', 1)[1]}/timeline"
            print(f"Server time per page (in-process, {repeat} renders, 365 ratings in the diary)")
            print(f"  {'page':<34} {'median ms':>10} {'p95 ms':>8} {'bytes':>8}")
            for path in pages:
                client.get(path)  # warm caches
                times = []
                size = 0
                for _ in range(repeat):
                    start = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                    size = len(response.content)
                    assert response.status_code == 200, (path, response.status_code)
                print(f"  {path:<34} {statistics.median(times):>10.2f} "
                      f"{percentile(times, 0.95):>8.2f} {size:>8}")
            client.post("/check", data={"mode": "full", "step": "emergency", "answers": "{}",
                                        "leg_weakness": "none"})


def serve(data_dir: Path, scale: float) -> Any:
    from tests.browser.conftest import start_server

    return start_server(data_dir, scale=scale)


def bench_http(repeat: int) -> None:
    from tests.browser.conftest import stop_server

    with tempfile.TemporaryDirectory() as tmp:
        seed_diary(Path(tmp))
        server = serve(Path(tmp), 1)
        try:
            print("\nHTTP round trip against `backrelief serve` (loopback)")
            for path in ("/", "/progress", "/library", "/api/techniques"):
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    with urllib.request.urlopen(server.url + path) as response:
                        response.read()
                    times.append((time.perf_counter() - start) * 1000)
                print(f"  {path:<34} median {statistics.median(times):6.2f} ms"
                      f"   p95 {percentile(times, 0.95):6.2f} ms")
        finally:
            stop_server(server)


def bench_cues(seconds: float, scale: float) -> None:
    from playwright.sync_api import sync_playwright
    from tests.browser.conftest import stop_server
    from tests.browser.journey import build_routine, pass_safety_check, start_player
    from tests.conftest import CHROMIUM_ARGS

    chromium = os.environ.get("BACKRELIEF_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        print(f"\nCue timing: skipped, no Chromium at {chromium}")
        return
    print("\nCue timing in Chromium (lateness = fired - due, by performance.now())")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for run_scale, limit in ((1.0, seconds), (scale, None)):
            with tempfile.TemporaryDirectory() as tmp:
                server = serve(Path(tmp), run_scale)
                try:
                    page = browser.new_page(viewport={"width": 360, "height": 800})
                    pass_safety_check(page, server.url)
                    build_routine(page, "5")
                    start_player(page)
                    if limit is None:
                        page.wait_for_selector("#player[data-state=ended]", timeout=600_000)
                    else:
                        page.wait_for_timeout(int(limit * 1000))
                    late = page.evaluate("window.__backrelief.scheduler.lateness")
                    total = page.evaluate("window.__backrelief.scheduler.cues.length")
                    session_s = page.evaluate("window.__backrelief.clock.elapsed()")
                    page.close()
                finally:
                    stop_server(server)
            label = (f"real speed, first {limit:.0f} s" if limit is not None
                     else f"whole routine at {run_scale:g}x")
            first, last = late[: len(late) // 4 or 1], late[-(len(late) // 4 or 1):]
            print(f"  {label}: {len(late)} of {total} cues fired by the timer over "
                  f"{session_s:.0f} session s")
            print(f"    median {statistics.median(late):6.2f} ms   p95 {percentile(late, 0.95):6.2f}"
                  f" ms   max {max(late):6.2f} ms   min {min(late):6.2f} ms")
            print(f"    drift check: mean lateness first quarter {statistics.mean(first):5.2f} ms,"
                  f" last quarter {statistics.mean(last):5.2f} ms")
        browser.close()


# ---- throughput against a bare FastAPI hello app (the table's rows) ------------------------------

HELLO_APP = """
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
import sys, uvicorn

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/")
async def hello() -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>hello</title><p>hello</p>")


@app.post("/")
async def hello_form(request: Request) -> HTMLResponse:  # the write p99's floor: reads a form
    await request.form()
    return HTMLResponse("<!doctype html><title>hello</title><p>saved</p>")


# The settings `backrelief serve` passes to uvicorn (cli/serve.py), so only the app differs.
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
            server_header=False, proxy_headers=False)
"""
CLIENTS = 8
SECONDS = 2.0
THROUGHPUT_GOAL = 60.0  # % of hello's requests per second (issue 16)


async def _client(host: str, port: int, path: str, until: float, counts: list[int]) -> None:
    import asyncio

    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\n\r\n"
    try:
        while time.perf_counter() < until:
            writer.write(request.encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)
            if length is None or status != 200:
                raise RuntimeError(f"{path}: status {status}, no Content-Length")
            await reader.readexactly(length)
            counts[0] += 1
    finally:
        writer.close()


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def served(url: str, pid: int, path: str) -> tuple[float, float]:
    """Requests per second, and requests per CPU second of the server process ``pid``."""
    before = cpu_seconds(pid)
    count, elapsed = _load(url, path, SECONDS, CLIENTS)
    used = cpu_seconds(pid) - before
    return count / elapsed, count / max(used, 1e-9)


def requests_per_second(url: str, path: str, seconds: float = SECONDS,
                        clients: int = CLIENTS) -> float:
    """Keep-alive GETs from ``clients`` connections for ``seconds``: completed requests/s."""
    count, elapsed = _load(url, path, seconds, clients)
    return count / elapsed


def _load(url: str, path: str, seconds: float, clients: int) -> tuple[int, float]:
    import asyncio
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    counts = [0]

    async def run() -> None:
        until = time.perf_counter() + seconds
        await asyncio.gather(*(_client(parts.hostname or "127.0.0.1", parts.port or 80, path,
                                       until, counts) for _ in range(clients)))

    start = time.perf_counter()
    asyncio.run(run())
    return counts[0], time.perf_counter() - start


WRITE_CLIENTS = 32
WRITES_PER_CLIENT = 20
WRITE_P99_GOAL = 10.0  # x hello's p99 at the same number of clients (issue 15)


async def _timed_posts(host: str, port: int, path: str, body: bytes, count: int,
                       latencies: list[float]) -> None:
    """``count`` keep-alive form POSTs on one connection, each one's latency in ms."""
    import asyncio

    reader, writer = await asyncio.open_connection(host, port)
    head = (f"POST {path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: identity\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    try:
        for _ in range(count):
            start = time.perf_counter()
            writer.write(head + body)
            answer = await reader.readuntil(b"\r\n\r\n")
            status = int(answer.split(b" ", 2)[1])
            length = next((int(line.split(b":", 1)[1]) for line in answer.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
            if status >= 400:
                raise RuntimeError(f"POST {path}: status {status}")
            latencies.append((time.perf_counter() - start) * 1000)
    finally:
        writer.close()


def post_p99(url: str, path: str, body: bytes, clients: int = WRITE_CLIENTS,
             each: int = WRITES_PER_CLIENT) -> float:
    """p99 latency (ms) of form POSTs from ``clients`` concurrent keep-alive connections."""
    import asyncio
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    latencies: list[float] = []

    async def run() -> None:
        await asyncio.gather(*(_timed_posts(parts.hostname or "127.0.0.1", parts.port or 80,
                                            path, body, each, latencies)
                               for _ in range(clients)))

    asyncio.run(run())
    return statistics.quantiles(latencies, n=100)[98]


def write_p99(rounds: int = 3) -> tuple[float, float]:
    """The daily-rating form's p99 at 32 clients, and a hello app's form POST's p99 at 32
    clients, both real uvicorn servers, measured back to back ``rounds`` times (medians)."""
    with tempfile.TemporaryDirectory() as tmp:
        seed_diary(Path(tmp))
        hello, hello_url = _start([sys.executable, "-c", HELLO_APP, "{port}"], Path(tmp), "/")
        try:
            server, server_url = _start([sys.executable, "-m", "backrelief", "serve", "--port",
                                         "{port}"], Path(tmp), "/healthz")
        except Exception:
            hello.kill()
            raise
        try:
            post_p99(server_url, "/progress/rating", b"pain=3", each=2)  # warm
            ours, floor = [], []
            for _ in range(rounds):
                floor.append(post_p99(hello_url, "/", b"pain=3"))
                ours.append(post_p99(server_url, "/progress/rating", b"pain=3"))
        finally:
            for process in (server, hello):
                process.terminate()
                errors = process.communicate(timeout=30)[1]
                if errors.strip():
                    print(errors[-4000:], file=sys.stderr)
    return statistics.median(ours), statistics.median(floor)


def write_row() -> Any:
    """The table's row: the web write's p99 as a multiple of hello's (goal <= 10x)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from table import at_most

    ours, floor = write_p99()
    return at_most(f"daily rating POST p99 at {WRITE_CLIENTS} clients / hello POST's",
                   ours / floor, WRITE_P99_GOAL,
                   detail=f"{ours:.0f} ms against {floor:.0f} ms")


def _start(args: list[str], data_dir: Path, answers: str) -> tuple[Any, str]:
    """Start a server on a free port (``{port}`` in ``args``); wait up to two minutes (a busy
    machine) until ``answers`` returns 200."""
    import subprocess

    from tests.browser.conftest import free_port

    port = free_port()
    env = {**os.environ, "BACKRELIEF_DATA_DIR": str(data_dir),
           "PYTHONPYCACHEPREFIX": str(data_dir / "pycache")}  # bytecode, as when installed
    for name in ("BACKRELIEF_DATABASE_URL", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    process = subprocess.Popen([part.replace("{port}", str(port)) for part in args], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url + answers, timeout=5):
                return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{args[:3]} did not start: {process.communicate()[1][-2000:]}")


def _seed_pages(data_dir: Path) -> dict[str, str]:
    """A diary of a year of ratings and a fresh clear screen, a played session and an unplayed
    one; the pages and APIs to measure, by name."""
    seed_diary(data_dir)
    from backrelief.core.catalog import default_catalog
    from backrelief.core.planner import Profile, plan_routine
    from backrelief.journey import sessions
    from backrelief.store import open_database

    db = open_database()
    profile = Profile(minutes=10, pain=4)
    routine = plan_routine(profile, default_catalog())
    with db.session(write=True) as s:
        played = sessions.start(s, routine, profile, pain_before=4)
        sessions.finish_after(s, played, 2, {})
        fresh = sessions.start(s, routine, profile, pain_before=4)
    db.close()
    return {
        "home": "/",
        "builder": "/build",
        "preview": "/preview?minutes=10&pain=4&region=whole",
        "player": f"/session/{fresh}/play",
        "progress (365 ratings)": "/progress",
        "technique page": "/library/cat-cow",
        "library (content only: rendered once)": "/library",
        "timeline API": f"/api/sessions/{fresh}/timeline",
        "ratings API": "/api/diary/ratings",
        "advice API": "/api/diary/advice",
        "summary": f"/session/{played}/summary",
    }


def rows(rounds: int = 2) -> list[Any]:
    """Each page's and API's throughput as a share of a bare FastAPI hello app's, both served
    by uvicorn with `backrelief serve`'s settings and measured back to back, ``rounds`` times
    (bench/table.py). The figure is requests per CPU second of the server process (one process
    serves, so that is its throughput when it has a core to itself; a shared machine distorts
    it far less than wall time); the wall-clock share is shown beside it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from table import at_least

    with tempfile.TemporaryDirectory() as tmp:
        pages = _seed_pages(Path(tmp))
        hello, hello_url = _start([sys.executable, "-c", HELLO_APP, "{port}"], Path(tmp), "/")
        try:
            server, server_url = _start([sys.executable, "-m", "backrelief", "serve", "--port",
                                         "{port}"], Path(tmp), "/healthz")
        except Exception:
            hello.kill()
            raise
        try:
            shares: dict[str, list[float]] = {name: [] for name in pages}
            walls: dict[str, list[float]] = {name: [] for name in pages}
            for path in pages.values():  # warm every cache once, one request at a time
                requests_per_second(server_url, path, seconds=0.5, clients=1)
            for _ in range(rounds):
                for name, path in pages.items():
                    floor_wall, floor_cpu = served(hello_url, hello.pid, "/")
                    wall, cpu = served(server_url, server.pid, path)
                    shares[name].append(100 * cpu / floor_cpu)
                    walls[name].append(100 * wall / floor_wall)
        finally:
            for process in (server, hello):
                process.terminate()
                errors = process.communicate(timeout=30)[1]
                if errors.strip():
                    print(errors[-4000:], file=sys.stderr)  # a server's own traceback, if any
    return [*(at_least(f"{name}: requests per server CPU second / bare FastAPI hello's",
                       statistics.median(values), THROUGHPUT_GOAL,
                       detail=f"wall-clock {statistics.median(walls[name]):.0f}%")
              for name, values in shares.items()), write_row()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--write-p99", action="store_true",
                        help="only the web write's p99 at 32 clients against hello's")
    args = parser.parse_args()
    if args.write_p99:
        print(write_row())
        return
    bench_pages(args.repeat)
    bench_http(args.repeat)
    bench_cues(args.seconds, args.scale)


if __name__ == "__main__":
    main()
