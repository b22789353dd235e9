// Spoken cues through the browser's speech synthesis, when the device has a voice.
//
// Voices are per device, so the choices live in the browser (localStorage), not the diary:
// on/off (`backrelief.voice`), which voice (`backrelief.voice.name`) and the rate
// (`backrelief.voice.rate`). Browsers fill getVoices() late, announcing it with the
// voiceschanged event: `ready` resolves once the list is known (or after a short wait with
// none), and `available` says whether there is anything to speak with. With no voice the
// player says "no voice on this device" and carries on with its visual cues.
const KEY = "backrelief.voice";
const NAME_KEY = "backrelief.voice.name";
const RATE_KEY = "backrelief.voice.rate";
const WAIT_FOR_VOICES_MS = 1500;
export const RATE_MIN = 0.6;
export const RATE_MAX = 1.4;
export const RATE_DEFAULT = 0.95;
export const NO_VOICE = "No voice on this device";

function read(storage, key) {
  try { return storage.getItem(key); } catch (e) { return null; }
}

function write(storage, key, value) {
  try { storage.setItem(key, value); } catch (e) { /* private mode: not remembered */ }
}

export function listVoices() {
  if (!("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") {
    return Promise.resolve([]);
  }
  const synth = window.speechSynthesis;
  const now = typeof synth.getVoices === "function" ? synth.getVoices() || [] : [];
  if (now.length) return Promise.resolve([...now]);
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve(typeof synth.getVoices === "function" ? [...(synth.getVoices() || [])] : []);
    };
    if (typeof synth.addEventListener === "function") {
      synth.addEventListener("voiceschanged", finish, { once: true });
    }
    setTimeout(finish, WAIT_FOR_VOICES_MS);
  });
}

export class Voice {
  constructor(storage = window.localStorage) {
    this.storage = storage;
    this.voices = [];
    this.available = false;
    this.enabled = false;
    this.onchange = () => {};
    this.ready = listVoices().then((voices) => {
      this.use(voices);
      // Some devices install or load their voices later still: take them when they come.
      const synth = window.speechSynthesis;
      if (synth && typeof synth.addEventListener === "function") {
        synth.addEventListener("voiceschanged", () => {
          this.use([...(synth.getVoices() || [])]);
          this.onchange(this);
        });
      }
      return this;
    });
  }

  use(voices) {
    this.voices = voices;
    this.available = voices.length > 0;
    this.enabled = this.available && read(this.storage, KEY) !== "off";
  }

  get rate() {
    const value = Number(read(this.storage, RATE_KEY));
    return Number.isFinite(value) && value >= RATE_MIN && value <= RATE_MAX ? value : RATE_DEFAULT;
  }

  set rate(value) { write(this.storage, RATE_KEY, String(value)); }

  get voiceName() { return read(this.storage, NAME_KEY) || ""; }

  set voiceName(name) { write(this.storage, NAME_KEY, name); }

  // The chosen voice, else the first one in the page's language, else the device's default.
  chosen() {
    const name = this.voiceName;
    const lang = (document.documentElement.lang || "en").toLowerCase().slice(0, 2);
    return this.voices.find((v) => v.name === name)
      || this.voices.find((v) => (v.lang || "").toLowerCase().startsWith(lang) && v.default)
      || this.voices.find((v) => (v.lang || "").toLowerCase().startsWith(lang))
      || null;
  }

  setEnabled(on) {
    this.enabled = this.available && on;
    write(this.storage, KEY, on ? "on" : "off");
    if (!this.enabled) this.cancel();
  }

  say(text, force = false) {
    if ((!this.enabled && !force) || !this.available || !text) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    utterance.rate = this.rate;
    const voice = this.chosen();
    if (voice) utterance.voice = voice;
    window.speechSynthesis.speak(utterance);
  }

  cancel() {
    if (this.available) window.speechSynthesis.cancel();
  }
}
