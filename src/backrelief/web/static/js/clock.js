// The session clock. Session time is derived from performance.now() against one origin, never
// accumulated from timer callbacks, so late timers cannot add up to drift: a cue due at
// session second `at` is always due at origin + at * 1000 / scale.
//
// `scale` > 1 speeds the session up; it comes from the server's BACKRELIEF_TEST_TIME_SCALE and
// is 1 for everyone who is not running the test suite.

export class SessionClock {
  constructor(scale = 1, now = () => performance.now()) {
    this.scale = scale > 0 ? scale : 1;
    this.now = now;
    this.origin = null; // performance.now() value at session second 0
    this.pausedAt = null; // performance.now() value when paused
  }

  get started() { return this.origin !== null; }
  get running() { return this.started && this.pausedAt === null; }

  start(fromSeconds = 0) {
    this.origin = this.now() - (fromSeconds * 1000) / this.scale;
    this.pausedAt = null;
  }

  // Session seconds elapsed (fractional).
  elapsed() {
    if (!this.started) return 0;
    const t = this.pausedAt ?? this.now();
    return ((t - this.origin) * this.scale) / 1000;
  }

  pause() {
    if (this.running) this.pausedAt = this.now();
  }

  resume() {
    if (this.started && this.pausedAt !== null) {
      this.origin += this.now() - this.pausedAt;
      this.pausedAt = null;
    }
  }

  seek(seconds) {
    const t = this.pausedAt ?? this.now();
    this.origin = t - (seconds * 1000) / this.scale;
  }

  // performance.now() value at which session second `seconds` falls.
  timeOf(seconds) {
    return this.origin + (seconds * 1000) / this.scale;
  }

  // Real milliseconds until session second `seconds` (negative when already past).
  msUntil(seconds) {
    return this.timeOf(seconds) - this.now();
  }

  // Real seconds a span of session seconds takes (for CSS transitions).
  realSeconds(sessionSeconds) {
    return sessionSeconds / this.scale;
  }
}
