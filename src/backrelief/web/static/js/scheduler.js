// Fires each cue of the timeline when its session second comes, in order. One timer at a time,
// always aimed at the next cue's due time computed from the clock's origin (see clock.js).

export class CueScheduler {
  constructor(cues, clock, onCue) {
    this.cues = cues;
    this.clock = clock;
    this.onCue = onCue;
    this.next = 0; // index of the next cue to fire
    this.timer = null;
    this.lateness = []; // ms between due time and firing, for cues fired by the timer
  }

  // Fire every cue that is due, then aim one timer at the next.
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

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
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
