// Spoken cues through the browser's speech synthesis. On by default once the person has tapped
// Start (browsers only allow speech after a user gesture); the choice is remembered.
const KEY = "backrelief.voice";

export class Voice {
  constructor(storage = window.localStorage) {
    this.storage = storage;
    this.available = "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function";
    let saved = null;
    try { saved = storage.getItem(KEY); } catch (e) { saved = null; }
    this.enabled = this.available && saved !== "off";
  }

  setEnabled(on) {
    this.enabled = this.available && on;
    try { this.storage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
    if (!this.enabled) this.cancel();
  }

  say(text) {
    if (!this.enabled || !text) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    utterance.rate = 0.95;
    window.speechSynthesis.speak(utterance);
  }

  cancel() {
    if (this.available) window.speechSynthesis.cancel();
  }
}
