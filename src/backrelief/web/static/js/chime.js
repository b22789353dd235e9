// A short chime made in the page with Web Audio (no audio files): one soft note at the end of
// a hold, two rising notes at the end of a technique. On by default; `backrelief.chime` = "off"
// in localStorage turns it off (settings page and player share the key).
//
// Browsers only let audio start after a user gesture, so `unlock()` is called from the Start
// button. Each chime played is logged in `log` (kind, the AudioContext's time and state) so
// the browser tests can see that a real AudioContext was asked to play, and when.
const KEY = "backrelief.chime";

export function chimeEnabled(storage = window.localStorage) {
  try { return storage.getItem(KEY) !== "off"; } catch (e) { return true; }
}

export function setChimeEnabled(on, storage = window.localStorage) {
  try { storage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* not remembered */ }
}

const NOTES = { hold: [[880, 0]], technique: [[660, 0], [990, 0.18]] };

export class Chime {
  constructor(storage = window.localStorage) {
    this.storage = storage;
    this.context = null;
    this.log = [];
  }

  get enabled() { return chimeEnabled(this.storage); }

  unlock() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !this.enabled) return;
    try {
      if (!this.context) this.context = new Context();
      if (this.context.state === "suspended") this.context.resume().catch(() => undefined);
    } catch (e) {
      this.context = null; // no audio device: the visual cues carry on
    }
  }

  // `detail` is logged with the chime (the player passes the session second it was due at).
  play(kind, detail = {}) {
    if (!this.enabled) return;
    this.unlock();
    const ctx = this.context;
    if (!ctx) return;
    const start = ctx.currentTime + 0.01;
    for (const [frequency, offset] of NOTES[kind] || NOTES.hold) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      // A quick rise and a gentle fade, so it sounds like a bell and never clicks.
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.6);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.65);
    }
    this.log.push({ kind, ...detail, audioTime: start, state: ctx.state });
  }
}
