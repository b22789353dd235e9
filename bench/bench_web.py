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

    .venv/bin/python bench/bench_web.py [--repeat 50] [--seconds 60] [--scale 10]
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.browser helpers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


CLEAR = {
    "saddle_numbness": False, "bladder_change": False, "bowel_change": False,
    "sexual_change": False, "both_legs": False, "leg_weakness": "none", "major_trauma": False,
    "chest_symptoms": False, "tearing_pain": False, "fever": False, "infection_risk": False,
    "cancer_history": False, "weight_loss": False, "night_pain": False,
    "lump_or_shape_change": False, "worse_straining": False, "nonmechanical_thoracic": False,
    "fragility_risk": False, "sudden_onset_minor_trauma": False, "age": 40,
    "first_episode": False, "duration_weeks": 1, "inflammatory_features": False,
    "severe_not_coping": False, "recent_spinal_surgery": False, "spinal_fusion": False,
    "sudden_tummy_back_pain": False, "blood_thinners": False, "pregnant": False, "pain_now": 4,
}


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
    from tests.browser.conftest import CHROMIUM_ARGS, stop_server
    from tests.browser.journey import build_routine, pass_safety_check, start_player

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--scale", type=float, default=10.0)
    args = parser.parse_args()
    bench_pages(args.repeat)
    bench_http(args.repeat)
    bench_cues(args.seconds, args.scale)


if __name__ == "__main__":
    main()
