// The browser player: plays the cue list made by backrelief.core.timeline, nothing else.
// It never re-derives timings; it only shows and speaks each cue when its second comes.
// Stop-rule decisions are made on the server by core.stop_rules and arrive in the page as
// data attributes on the "this hurts" buttons, so they apply even without a network.
import { SessionClock } from "./clock.js";
import { CueScheduler } from "./scheduler.js";
import { Voice } from "./voice.js";
import { ScreenAwake } from "./wakelock.js";

const RING_KINDS = new Set(["hold", "switch_side", "rest", "check_in", "technique"]);
const RING_CIRCUMFERENCE = 2 * Math.PI * 45;
const BACK_GRACE_SECONDS = 4;

const $ = (id) => document.getElementById(id);

function formatTime(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

class Player {
  constructor(root, cues) {
    this.root = root;
    this.cues = cues;
    this.total = cues.length ? cues[cues.length - 1].at : 0;
    this.sessionId = root.dataset.sessionId;
    this.clock = new SessionClock(Number(root.dataset.timeScale) || 1);
    this.scheduler = new CueScheduler(cues, this.clock, (cue, index, seeked) => this.show(cue, index, seeked));
    this.voice = new Voice();
    this.awake = new ScreenAwake();
    this.reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
    this.techniqueStarts = cues.map((cue, index) => [cue, index]).filter(([cue]) => cue.kind === "technique");
    this.skipped = new Set();
    this.gauge = null; // {at, duration} of the cue the ring counts down
    this.frame = null;
    this.ended = false;
    this.saveKey = `backrelief.position.${this.sessionId}`;
    window.__backrelief = { scheduler: this.scheduler, clock: this.clock, fired: [] };
  }

  // --- lifecycle --------------------------------------------------------------------------

  start(fromSeconds = 0) {
    $("p-start").hidden = true;
    $("p-live").hidden = false;
    this.root.dataset.state = "playing";
    this.clock.start(0);
    // Resuming a saved session starts again from the beginning of the technique it was in.
    const from = this.techniqueStarts.filter(([cue]) => cue.at <= fromSeconds).pop();
    this.scheduler.seek(from ? from[0].at : 0);
    this.awake.acquire();
    this.loop();
    this.updatePauseButton();
    $("p-pause").focus();
  }

  pause() {
    if (!this.clock.running || this.ended) return;
    this.clock.pause();
    this.scheduler.stop();
    this.voice.cancel();
    this.root.dataset.state = "paused";
    this.status("Paused. Press Resume (or the space bar) when you are ready.");
    this.savePosition();
    this.updatePauseButton();
  }

  resume() {
    if (this.clock.running || this.ended || !this.clock.started) return;
    this.clock.resume();
    this.root.dataset.state = "playing";
    this.status("");
    this.scheduler.tick();
    this.loop();
    this.updatePauseButton();
  }

  togglePause() {
    if (this.clock.running) this.pause(); else this.resume();
  }

  currentTechniqueStart() {
    const t = this.clock.elapsed();
    let found = null;
    for (const [cue, index] of this.techniqueStarts) {
      if (cue.at <= t + 0.001) found = [cue, index]; else break;
    }
    return found;
  }

  skip() {
    if (this.ended || !this.clock.started) return;
    const t = this.clock.elapsed();
    const next = this.techniqueStarts.find(([cue]) => cue.at > t + 0.001);
    this.voice.cancel();
    this.scheduler.seek(next ? next[0].at : this.total);
    this.status(next ? "Skipped to the next technique." : "Skipped to the end.");
  }

  back() {
    if (this.ended || !this.clock.started) return;
    const t = this.clock.elapsed();
    const current = this.currentTechniqueStart();
    let target = 0;
    if (current) {
      const position = this.techniqueStarts.findIndex(([cue]) => cue === current[0]);
      // The grace is human reaction time, so it is measured in real seconds.
      if (this.clock.realSeconds(t - current[0].at) > BACK_GRACE_SECONDS || position === 0) target = current[0].at;
      else target = this.techniqueStarts[position - 1][0].at;
    }
    this.voice.cancel();
    this.scheduler.seek(target);
    this.status("Back to the start of the technique.");
  }

  // --- showing a cue ----------------------------------------------------------------------

  show(cue, index, seeked) {
    window.__backrelief.fired.push({ index, kind: cue.kind, at: cue.at, seeked });
    this.root.dataset.cue = String(index);
    this.root.dataset.kind = cue.kind;
    if (!seeked || cue.kind === "technique" || cue.kind === "step") this.voice.say(cue.say);
    switch (cue.kind) {
      case "technique":
        this.showTechnique(cue);
        this.words("Get into position.", "");
        this.hideGauges();
        break;
      case "step":
        // The short spoken form in large type, the full instruction under it.
        this.words(cue.say || cue.text, cue.say && cue.say !== cue.text ? cue.text : "");
        this.hideGauges();
        this.showFigure(cue.technique, cue.step);
        break;
      case "hold":
        $("p-hold-label").textContent = cue.side ? `seconds, ${cue.side} side` : "seconds";
        break;
      case "rep":
        this.gauge = null;
        $("p-ring").hidden = true;
        $("p-reps").hidden = false;
        $("p-rep-num").textContent = String(cue.rep);
        $("p-rep-of").textContent = `of ${cue.reps}${cue.side ? `, ${cue.side}` : ""}`;
        break;
      case "breathe_in":
      case "breathe_out":
        this.breathe(cue);
        break;
      case "switch_side":
        this.words(cue.text, "");
        $("p-reps").hidden = true;
        break;
      case "check_in":
        this.words(cue.text, "If something hurts, press This hurts.");
        this.hideGauges();
        break;
      case "rest":
        this.words(cue.text, "");
        this.hideGauges();
        break;
      case "end":
        this.finish(cue);
        return;
      default:
        break;
    }
    if (RING_KINDS.has(cue.kind) && cue.duration > 0) {
      this.gauge = { at: cue.at, duration: cue.duration };
      $("p-ring").hidden = false;
      $("p-hold-label").textContent = cue.kind === "hold" ? $("p-hold-label").textContent : "seconds";
    }
    this.showNext(index);
    this.draw();
  }

  words(big, detail) {
    $("p-step").textContent = big;
    $("p-detail").textContent = detail;
  }

  showTechnique(cue) {
    $("p-technique").textContent = cue.text;
    const position = this.techniqueStarts.findIndex(([start]) => start === cue);
    $("p-count").textContent = `Technique ${position + 1} of ${this.techniqueStarts.length}`;
    this.showFigure(cue.technique, null);
  }

  showFigure(technique, step) {
    const figures = this.root.querySelectorAll(".player-figure [data-technique]");
    let best = null;
    for (const figure of figures) {
      if (figure.dataset.technique !== technique) continue;
      if (!best || (step !== null && figure.dataset.step === String(step))) best = figure;
    }
    for (const figure of figures) figure.hidden = figure !== best;
  }

  hideGauges() {
    this.gauge = null;
    $("p-ring").hidden = true;
    $("p-reps").hidden = true;
    $("p-breath").hidden = true;
  }

  breathe(cue) {
    const breath = $("p-breath");
    const circle = breath.querySelector(".breath-circle");
    breath.hidden = false;
    circle.style.transitionDuration = `${this.clock.realSeconds(cue.duration)}s`;
    breath.dataset.phase = cue.kind === "breathe_in" ? "in" : "out";
    $("p-breath-text").textContent = cue.kind === "breathe_in" ? "Breathe in" : "Breathe out";
  }

  showNext(index) {
    const next = this.cues.slice(index + 1).find((cue) => ["technique", "step", "end"].includes(cue.kind));
    let text = "";
    if (next?.kind === "technique") text = `Next technique: ${next.text}`;
    else if (next?.kind === "step") text = `Next: ${next.say || next.text}`;
    else if (next?.kind === "end") text = "Next: the end of the session";
    $("p-next").textContent = text;
  }

  // --- per-frame drawing (ring, clock, progress) --------------------------------------------

  loop() {
    cancelAnimationFrame(this.frame);
    const step = () => {
      this.draw();
      if (this.clock.running && !this.ended) this.frame = requestAnimationFrame(step);
    };
    this.frame = requestAnimationFrame(step);
  }

  draw() {
    const t = Math.min(this.clock.elapsed(), this.total);
    if (this.gauge) {
      const left = Math.max(0, this.gauge.at + this.gauge.duration - t);
      const shown = this.reducedMotion.matches ? Math.ceil(left) : left;
      const fraction = this.gauge.duration ? shown / this.gauge.duration : 0;
      $("p-ring-fill").setAttribute("stroke-dashoffset", String(RING_CIRCUMFERENCE * (1 - fraction)));
      $("p-ring-num").textContent = String(Math.ceil(left));
    }
    const percent = this.total ? Math.round((100 * t) / this.total) : 100;
    const bar = $("p-progress");
    bar.setAttribute("aria-valuenow", String(percent));
    bar.setAttribute("aria-valuetext", `${formatTime(t)} of ${formatTime(this.total)}`);
    $("p-progress-fill").style.width = `${percent}%`;
    $("p-time").textContent = `${formatTime(t)} / ${formatTime(this.total)}`;
    if (this.clock.running && Math.floor(t) % 5 === 0) this.savePosition();
  }

  // --- the end, and "this hurts" ----------------------------------------------------------

  finish(cue) {
    this.ended = true;
    this.scheduler.stop();
    this.awake.release();
    this.root.dataset.state = "ended";
    this.hideGauges();
    this.draw();
    $("p-technique").textContent = "Well done";
    this.words(cue.text, "");
    $("p-next").textContent = "";
    $("p-controls").hidden = true;
    $("p-extra").hidden = true;
    const done = $("p-done");
    done.hidden = false;
    done.querySelector("a").href = this.afterUrl();
    done.querySelector("a").focus();
    this.clearPosition();
  }

  afterUrl(extra = {}) {
    const url = new URL(this.root.dataset.afterUrl, window.location.href);
    if (this.skipped.size) url.searchParams.set("stopped", [...this.skipped].join(","));
    for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
    return url.pathname + url.search;
  }

  currentTechnique() {
    const current = this.currentTechniqueStart();
    return current ? current[0].technique : "";
  }

  openHurt() {
    if (this.ended || !this.clock.started) return;
    this.wasRunning = this.clock.running;
    this.pause();
    this.status("");
    const dialog = $("hurt-dialog");
    dialog.querySelector("input[name=technique]").value = this.currentTechnique();
    $("hurt-advice").hidden = true;
    $("hurt-choices").hidden = false;
    dialog.showModal();
  }

  closeHurt(resume) {
    $("hurt-dialog").close();
    if (resume && this.wasRunning) this.resume();
    $("p-hurts").focus();
  }

  // A response was chosen. continue/skip are played out here; stop goes to the server, which
  // applies the same decision, records it and sends the person on (re-check or rating).
  async respond(button) {
    const action = button.dataset.action;
    const advice = button.dataset.advice || "";
    const technique = this.currentTechnique();
    if (action === "continue") {
      this.closeHurt(true);
      this.status(advice);
      return;
    }
    if (action === "skip") {
      if (technique) this.skipped.add(technique);
      this.closeHurt(false);
      this.skip();
      this.resume();
      this.status(advice);
      return;
    }
    // stop
    this.ended = true;
    this.scheduler.stop();
    this.voice.cancel();
    this.awake.release();
    this.root.dataset.state = "stopped";
    this.clearPosition();
    $("hurt-choices").hidden = true;
    const panel = $("hurt-advice");
    panel.hidden = false;
    $("hurt-advice-text").textContent = advice;
    const form = $("hurt-form");
    const data = new FormData(form);
    data.set("response", button.value);
    data.set("technique", technique);
    data.set("stopped", [...this.skipped].join(","));
    const next = $("hurt-next");
    next.href = this.afterUrl({ stopped_by: button.value, technique });
    next.focus();
    try {
      const response = await fetch(form.action, { method: "POST", body: data, headers: { Accept: "application/json" } });
      if (response.ok) {
        const result = await response.json();
        next.href = result.next;
        next.textContent = result.next_label;
      } else {
        $("hurt-offline").hidden = false;
      }
    } catch (e) {
      $("hurt-offline").hidden = false;
    }
  }

  // --- small helpers ----------------------------------------------------------------------

  status(text) { $("p-status").textContent = text; }

  updatePauseButton() {
    const button = $("p-pause");
    const running = this.clock.running;
    button.textContent = running ? "Pause" : "Resume";
    button.setAttribute("aria-pressed", running ? "false" : "true");
  }

  savePosition() {
    try { localStorage.setItem(this.saveKey, String(Math.floor(this.clock.elapsed()))); } catch (e) { /* ignore */ }
  }

  clearPosition() {
    try { localStorage.removeItem(this.saveKey); } catch (e) { /* ignore */ }
  }

  savedPosition() {
    try {
      const value = Number(localStorage.getItem(this.saveKey));
      return Number.isFinite(value) && value > 0 && value < this.total ? value : 0;
    } catch (e) { return 0; }
  }
}

function bindControls(player) {
  const voiceButton = $("p-voice");
  const syncVoice = () => {
    voiceButton.setAttribute("aria-pressed", player.voice.enabled ? "true" : "false");
    voiceButton.textContent = player.voice.enabled ? "Voice on" : "Voice off";
  };
  if (!player.voice.available) {
    voiceButton.disabled = true;
    voiceButton.textContent = "Voice not available";
  } else {
    syncVoice();
  }
  voiceButton.addEventListener("click", () => { player.voice.setEnabled(!player.voice.enabled); syncVoice(); });

  const resumeAt = player.savedPosition();
  if (resumeAt) {
    $("p-resume-from").hidden = false;
    $("p-resume-from").textContent = `Continue from ${formatTime(resumeAt)}`;
    $("p-resume-from").addEventListener("click", () => player.start(resumeAt));
  }
  $("p-begin").addEventListener("click", () => player.start(0));
  $("p-pause").addEventListener("click", () => player.togglePause());
  $("p-skip").addEventListener("click", () => player.skip());
  $("p-back").addEventListener("click", () => player.back());
  $("p-hurts").addEventListener("click", () => player.openHurt());
  $("hurt-cancel").addEventListener("click", () => player.closeHurt(true));
  $("hurt-dialog").addEventListener("cancel", (event) => { event.preventDefault(); player.closeHurt(true); });
  $("hurt-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const button = event.submitter;
    if (button && button.dataset.action) player.respond(button);
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || $("hurt-dialog").open) return;
    const tag = event.target.tagName;
    const onControl = tag === "BUTTON" || tag === "A" || tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA";
    const key = event.key.toLowerCase();
    if ((key === " " && !onControl) || key === "k") {
      if (!player.clock.started) return;
      event.preventDefault();
      player.togglePause();
    } else if (key === "arrowright" || key === "n") {
      event.preventDefault();
      player.skip();
    } else if (key === "arrowleft" || key === "p") {
      event.preventDefault();
      player.back();
    } else if (key === "v" && player.voice.available) {
      player.voice.setEnabled(!player.voice.enabled);
      syncVoice();
    } else if (key === "h") {
      event.preventDefault();
      player.openHurt();
    }
  });
}

async function main() {
  const root = $("player");
  if (!root) return;
  const url = root.dataset.timelineUrl;
  let cues;
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    cues = (await response.json()).cues;
  } catch (e) {
    $("p-status").textContent = "The routine could not be loaded. Check your connection and reload the page.";
    return;
  }
  // Ask the service worker to keep this routine, so it plays on (and reloads) offline.
  if (navigator.serviceWorker) {
    navigator.serviceWorker.ready.then((registration) => {
      const figures = [...root.querySelectorAll(".player-figure img")].map((img) => img.getAttribute("src"));
      registration.active?.postMessage({ type: "cache-urls", urls: [window.location.pathname, url, ...figures] });
    }).catch(() => undefined);
  }
  const player = new Player(root, cues);
  bindControls(player);
  root.dataset.state = "ready";
  $("p-begin").disabled = false;
}

main();
