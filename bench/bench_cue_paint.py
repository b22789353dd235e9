"""How close to its schedule each cue of a whole session is painted, in Chromium.

Reports, asserts nothing (DESIGN.md: performance is measured by bench/, never by timed tests).
The goal (issue 16): every cue painted within one frame (16.7 ms at 60 Hz) of its due time.

A real ``backrelief serve`` and Debian's Chromium (``$BACKRELIEF_CHROMIUM`` or /usr/bin/chromium)
play a routine to its end. The page is watched from outside the player's own code (an init
script): a MutationObserver sees each cue reach the page, and the frame that paints it is the
animation frame the change was made in (when made inside a requestAnimationFrame callback) or
else the next frame to start. Lateness = that frame's start - the cue's due time, both by
performance.now() (the frame's start is requestAnimationFrame's timestamp): the goal's measure.
Cues the player jumped to (seeks) are left out. Printed beside it: "frame rendered", when the
main thread has finished that frame (a message posted from inside the frame is handled after
its rendering), which adds the browser's own style, layout and paint work and, on a shared
machine, any wait for the CPU; and "applied", when the player changed the page.

For a baseline in the same run, interleaved, the same routine is played with the scheduler as
it was before issue 16 (cues applied from the timer) served in place of today's. The player's own record
(``scheduler.painted``) is printed beside it as a cross-check, and the frame interval, so the
figures read against the display's frame.

    .venv/bin/python bench/bench_cue_paint.py [--scale 10] [--minutes 5] [--real-seconds 60]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for tests.browser helpers

WATCH = """
(() => {
  const raf = window.requestAnimationFrame.bind(window);
  window.__inFrame = null;
  // Mark "inside frame ts" until the microtasks queued by the callback (a MutationObserver's
  // among them) have run.
  window.requestAnimationFrame = (callback) => raf((ts) => {
    window.__inFrame = ts;
    try { callback(ts); } finally { queueMicrotask(() => { window.__inFrame = null; }); }
  });
  window.__paint = [];
  window.__frames = [];
  let seen = 0;
  const tick = (ts) => { window.__frames.push(ts); if (window.__frames.length < 20000) raf(tick); };
  raf(tick);
  // `frame`: the start of the frame that paints the change. `rendered`: when the main thread
  // has finished that frame (a message posted from inside it is handled after its rendering).
  const record = (entries, frame) => {
    const clock = window.__backrelief.clock;
    const rows = entries.filter((e) => !e.seeked).map((entry) => {
      const due = clock.timeOf(entry.at);
      const row = { index: entry.index, kind: entry.kind, late: frame - due, due };
      window.__paint.push(row);
      return row;
    });
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const now = performance.now();
      for (const row of rows) row.rendered = now - row.due;
    };
    channel.port2.postMessage(null);
  };
  const watch = () => {
    const player = document.getElementById('player');
    if (!player || !window.__backrelief) { setTimeout(watch, 50); return; }
    new MutationObserver(() => {
      const fired = window.__backrelief.fired;
      const fresh = fired.slice(seen);
      seen = fired.length;
      if (!fresh.length) return;
      if (window.__inFrame !== null) record(fresh, window.__inFrame);
      else raf((ts) => record(fresh, ts));  // made between frames: painted by the next one
    }).observe(player, { attributes: true, attributeFilter: ['data-cue'] });
  };
  watch();
})();
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def summary(label: str, values: list[float]) -> str:
    over = sum(1 for v in values if v > 1000 / 60)
    return (f"    {label:<28} p50 {statistics.median(values):6.2f} ms   p95 "
            f"{percentile(values, 0.95):6.2f} ms   max {max(values):6.2f} ms   "
            f"min {min(values):6.2f} ms   later than 16.7 ms: {over} of {len(values)}")


# The scheduler before issue 16 (cues applied from the timer, then left for the next frame),
# served in place of today's for a baseline in the same run.
TIMER_SCHEDULER = """
export class CueScheduler {
  constructor(cues, clock, onCue) {
    this.cues = cues; this.clock = clock; this.onCue = onCue;
    this.next = 0; this.timer = null; this.lateness = []; this.painted = [];
  }
  tick() {
    clearTimeout(this.timer);
    this.timer = null;
    if (!this.clock.running) return;
    const now = this.clock.now();
    while (this.next < this.cues.length && this.clock.timeOf(this.cues[this.next].at) <= now + 0.5) {
      const cue = this.cues[this.next];
      this.lateness.push(now - this.clock.timeOf(cue.at));
      this.next += 1;
      this.onCue(cue, this.next - 1, false);
    }
    if (this.next < this.cues.length) {
      const wait = Math.max(0, this.clock.msUntil(this.cues[this.next].at));
      this.timer = setTimeout(() => this.tick(), wait);
    }
  }
  stop() { clearTimeout(this.timer); this.timer = null; }
  seek(seconds) {
    this.stop();
    this.clock.seek(seconds);
    this.next = this.cues.findIndex((cue) => cue.at >= seconds);
    if (this.next === -1) this.next = this.cues.length;
    while (this.next < this.cues.length && this.cues[this.next].at <= seconds) {
      this.next += 1;
      this.onCue(this.cues[this.next - 1], this.next - 1, true);
    }
    this.tick();
  }
  get current() { return this.next - 1; }
}
"""


def play(browser: Any, scale: float, minutes: str, real_seconds: float | None,
         baseline: bool = False) -> None:
    from tests.browser.conftest import start_server, stop_server
    from tests.browser.journey import build_routine, pass_safety_check, start_player

    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp), scale=scale)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.add_init_script(WATCH)
            if baseline:
                context.route("**/static/js/scheduler.js*", lambda route: route.fulfill(
                    status=200, content_type="text/javascript", body=TIMER_SCHEDULER))
            page = context.new_page()
            pass_safety_check(page, server.url)
            build_routine(page, minutes)
            start_player(page)
            if real_seconds is None:
                page.wait_for_selector("#player[data-state=ended]", timeout=900_000)
            else:
                page.wait_for_timeout(int(real_seconds * 1000))
            page.wait_for_timeout(100)  # the last cue's frame
            paint = page.evaluate("window.__paint")
            own = [v for v in page.evaluate("window.__backrelief.scheduler.painted")
                   if v is not None]
            fired = page.evaluate("window.__backrelief.scheduler.lateness")
            frames = page.evaluate("window.__frames")
            total = page.evaluate("window.__backrelief.scheduler.cues.length")
            session_s = page.evaluate("window.__backrelief.clock.elapsed()")
            context.close()
        finally:
            stop_server(server)
    label = (f"whole {minutes}-minute routine at {scale:g}x" if real_seconds is None
             else f"real speed, first {real_seconds:.0f} s")
    label = ("BASELINE timer scheduler, " if baseline else "rAF scheduler, ") + label
    intervals = [b - a for a, b in itertools.pairwise(frames)]
    print(f"  {label}: {len(paint)} of {total} cues played live over {session_s:.0f} session s;"
          f" frame interval median {statistics.median(intervals):.2f} ms,"
          f" p95 {percentile(intervals, 0.95):.2f} ms")
    print(summary("painting frame start - due", [p["late"] for p in paint]))
    print(summary("frame rendered - due", [p["rendered"] for p in paint if "rendered" in p]))
    print(summary("applied - due", fired))
    if own and not baseline:  # the player's own record agrees with the watcher's
        print(summary("(player's own) frame - due", own))


def main() -> None:
    from playwright.sync_api import sync_playwright
    from tests.conftest import CHROMIUM_ARGS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    # 7x: cue times fall at every phase of the 60 Hz frame (at 1x or 10x each cue's due time
    # sits at the same point of its frame, so a run measures one phase only).
    parser.add_argument("--scale", type=float, default=7.0)
    parser.add_argument("--minutes", default="5")
    parser.add_argument("--real-seconds", type=float, default=60.0,
                        help="also play this long at real speed (0: skip)")
    args = parser.parse_args()
    chromium = os.environ.get("BACKRELIEF_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        print(f"Cue paint: skipped, no Chromium at {chromium}")
        return
    print("Cue paint in Chromium (goal: within one frame, 16.7 ms, of the schedule)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for baseline in (True, False):  # interleaved: the same machine load for both
            play(browser, args.scale, args.minutes, None, baseline)
        if args.real_seconds:
            for baseline in (True, False):
                play(browser, 1.0, args.minutes, args.real_seconds, baseline)
        browser.close()


if __name__ == "__main__":
    main()
