// Fires each cue of the timeline when its session second comes, in order, and applies it in
// the animation frame its due time falls in, so what is painted is within one frame of the
// schedule (computed from the clock's origin, see clock.js).
//
// Why not apply cues from the timer: a timer that fires a millisecond after a frame began
// leaves its change for the next frame, up to two frames late. So a timer wakes the scheduler
// a little before the next cue is due, and from then on it looks once per frame
// (requestAnimationFrame) and applies every cue due by that frame's start. A hidden page gets
// no frames, so there the timer applies cues itself at their due time (the voice and chime go
// on when the screen is locked).
//
// For the measurements in bench/bench_cue_paint.py: `lateness` is, per cue fired live, ms
// between its due time and when it was applied; `painted` the ms between its due time and the
// start of the frame that painted it (null when the page was hidden).

const WAKE_EARLY_MS = 30; // about two frames: a timer a few ms late still finds its frame

export class CueScheduler {
  constructor(cues, clock, onCue) {
    this.cues = cues;
    this.clock = clock;
    this.onCue = onCue;
    this.next = 0; // index of the next cue to fire
    this.timer = null;
    this.frame = null;
    this.lateness = [];
    this.painted = [];
    document.addEventListener("visibilitychange", () => this.tick());
  }

  // Apply every cue due by `now` (a performance.now() time); `frameStart` when in a frame.
  fire(now, frameStart) {
    while (this.next < this.cues.length && this.clock.timeOf(this.cues[this.next].at) <= now + 0.5) {
      const cue = this.cues[this.next];
      const due = this.clock.timeOf(cue.at);
      this.lateness.push(this.clock.now() - due);
      this.painted.push(frameStart === undefined ? null : frameStart - due);
      this.next += 1;
      this.onCue(cue, this.next - 1, false);
    }
  }

  // Fire what is due now, then wait for the next cue: by timer until it is near, then by frame.
  tick() {
    this.stop();
    if (!this.clock.running) return;
    if (document.hidden) this.fire(this.clock.now());
    if (this.next >= this.cues.length) return;
    const wait = this.clock.msUntil(this.cues[this.next].at);
    if (document.hidden) {
      this.timer = setTimeout(() => this.tick(), Math.max(0, wait));
    } else if (wait > WAKE_EARLY_MS) {
      this.timer = setTimeout(() => this.tick(), wait - WAKE_EARLY_MS);
    } else {
      this.frame = requestAnimationFrame((frameStart) => {
        this.frame = null;
        if (!this.clock.running) return;
        this.fire(frameStart, frameStart);
        this.tick();
      });
    }
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  // Jump to session second `seconds`: cues before it are passed over silently, the one(s) at it
  // fire at once (as a seek, so they do not count towards the timing statistics).
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

  // Index of the last cue fired (-1 before the first).
  get current() { return this.next - 1; }
}
