// The browser player: plays the cue list made by backrelief.core.timeline, nothing else.
// It never re-derives timings; it only shows and speaks each cue when its second comes.
// Stop-rule decisions are made on the server by core.stop_rules and arrive in the page as
// data attributes on the "this hurts" buttons, so they apply even without a network.
//
// Page contract (templates/player.html; keep it stable for other pages and tests):
//   #player data-session-id, data-timeline-url (GET: {cues}), data-after-url, data-time-scale;
//   #hurt-form action = POST /session/{id}/hurt (response, choice, technique, stop_id);
//   .player-figure [data-technique][data-step][data-side]: the step figures; a step done on
//     each side has one per side, and the one for the side being worked is shown;
//   window.__backrelief = {scheduler, clock, fired, chimes, outbox, figure}: read by the
//     browser tests and bench/bench_cue_paint.py.
//
// The sub-modules are imported with this module's own ?v= version tag, so each loads once per
// release and never as a stale copy from a cache.
const VERSION = new URL(import.meta.url).search;
const [{ SessionClock }, { CueScheduler }, { Voice, NO_VOICE }, { ScreenAwake }, { Chime },
  { outbox, newId }] = await Promise.all(
  ["clock", "scheduler", "voice", "wakelock", "chime", "outbox"].map((name) => import(`./${name}.js${VERSION}`)),
);

const RING_KINDS = new Set(["hold", "switch_side", "rest", "check_in", "technique"]);
const RING_CIRCUMFERENCE = 2 * Math.PI * 45;
const BACK_GRACE_SECONDS = 4;

const $ = (id) => document.getElementById(id);

// The side being worked at each cue (or null). A cue that says its side has it; the cues after
// it in the same step (a countdown, a breath) keep it; a step's instruction and a "switch
// sides" pause lead into the side that comes next, so the figure turns as the person does.
function sidesOf(cues) {
  const ahead = new Array(cues.length).fill(null);
  let next = null;
  for (let i = cues.length - 1; i >= 0; i -= 1) {
    if (cues[i].side) next = cues[i].side;
    ahead[i] = next;
    if (cues[i].kind === "step" || cues[i].kind === "technique") next = null;
  }
  let carried = null;
  return cues.map((cue, i) => {
    if (cue.kind === "step" || cue.kind === "technique") carried = null;
    if (cue.side) carried = cue.side;
    return cue.kind === "step" || cue.kind === "switch_side" ? ahead[i] : carried;
  });
}

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
    this.chime = new Chime();
    this.holdEnd = null; // session second the current hold ends at, for its chime
    this.rep = null; // the rep under way (its hold's ring says "rep 2 of 5")
    this.awake = new ScreenAwake();
    this.reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
    this.techniqueStarts = cues.map((cue, index) => [cue, index]).filter(([cue]) => cue.kind === "technique");
    this.skipped = new Set();
    this.gauge = null; // {at, duration} of the cue the ring counts down
    this.frame = null;
    this.ended = false;
    this.saveKey = `backrelief.position.${this.sessionId}`;
    this.sides = sidesOf(cues);
    this.figure = { technique: null, step: null, side: null }; // what the figure shows
    window.__backrelief = { scheduler: this.scheduler, clock: this.clock, fired: [],
      chimes: this.chime.log, outbox, figure: this.figure };
  }

  // --- lifecycle --------------------------------------------------------------------------

  start(fromSeconds = 0) {
    $("p-start").hidden = true;
    $("p-live").hidden = false;
    this.root.dataset.state = "playing";
    this.chime.unlock(); // audio may only start from a tap
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
    const techniqueOver = !seeked && (cue.kind === "end" || (cue.kind === "technique" && index > 0));
    if (techniqueOver) {
      this.holdEnd = null; // one chime, the technique's, when a hold ends the technique
      this.chime.play("technique", { due: cue.at, at: this.clock.elapsed() });
    } else if (!seeked) {
      this.chimeIfHoldOver(cue.at);
    }
    if (seeked) this.holdEnd = null; // a jump leaves the hold unfinished: no chime for it
    if (cue.kind === "technique" || cue.kind === "step" || cue.kind === "switch_side") this.rep = null;
    this.followSide(cue, index);
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
        break;
      case "hold":
        // Inside a rep the ring counts the hold down and says which rep it is; the bare
        // seconds label is only for holds that stand alone.
        $("p-hold-label").textContent = this.rep
          ? `rep ${this.rep.rep} of ${this.rep.reps}${this.rep.side ? `, ${this.rep.side} side` : ""}`
          : (cue.side ? `seconds, ${cue.side} side` : "seconds");
        if (this.rep) $("p-reps").hidden = true; // the ring says the rep
        this.holdEnd = cue.at + cue.duration;
        break;
      case "rep":
        this.rep = cue;
        this.gauge = null;
        this.holdEnd = null;
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

  // The hold under way ends by session second t: chime once.
  chimeIfHoldOver(t) {
    if (this.holdEnd !== null && t >= this.holdEnd - 0.001) {
      const due = this.holdEnd;
      this.holdEnd = null;
      this.chime.play("hold", { due, at: t });
    }
  }

  words(big, detail) {
    $("p-step").textContent = big;
    $("p-detail").textContent = detail;
  }

  showTechnique(cue) {
    $("p-technique").textContent = cue.text;
    const position = this.techniqueStarts.findIndex(([start]) => start === cue);
    $("p-count").textContent = `Technique ${position + 1} of ${this.techniqueStarts.length}`;
  }

  // The figure follows the timeline: a technique shows its first step, a step its own figure,
  // and within a step done on each side, the side being worked (sidesOf). The check-in and the
  // rest after a step keep the figure the person was last shown.
  followSide(cue, index) {
    const shown = this.figure;
    let want;
    if (cue.kind === "technique") want = { technique: cue.technique, step: null, side: null };
    else if (cue.step !== null && cue.step !== undefined) {
      const sameStep = cue.technique === shown.technique && cue.step === shown.step;
      want = { technique: cue.technique, step: cue.step,
        side: this.sides[index] || (sameStep ? shown.side : null) };
    } else return;
    if (want.technique === shown.technique && want.step === shown.step && want.side === shown.side
        && cue.kind !== "technique" && cue.kind !== "step") return;
    Object.assign(shown, want);
    this.showFigure(shown.technique, shown.step, shown.side);
  }

  showFigure(technique, step, side) {
    const figures = this.root.querySelectorAll(".player-figure [data-technique]");
    let best = null;
    let bestScore = -1;
    for (const figure of figures) {
      if (figure.dataset.technique !== technique) continue;
      const score = (step !== null && figure.dataset.step === String(step) ? 2 : 0)
        + (side && figure.dataset.side === side ? 1 : 0);
      if (score > bestScore) [best, bestScore] = [figure, score];
    }
    for (const figure of figures) figure.hidden = figure !== best;
    this.root.dataset.figureSide = best?.dataset.side || "";
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
    if (this.clock.running) this.chimeIfHoldOver(t);
    if (this.gauge && this.rep && t >= this.gauge.at + this.gauge.duration) {
      // The hold of this rep is over: show the rep count again, never "0 seconds".
      this.gauge = null;
      $("p-ring").hidden = true;
      $("p-reps").hidden = false;
    }
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
    if (this.ended || !this.clock.started || this.resting) return;
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

  // A response was chosen. "continue" carries on at once. Anything else keeps the session
  // paused and offers the choices core.stop_rules gives it (data-choices): sharp or worse pain
  // offers rest / skip / end; a possible red flag ends the session and leads to the re-check.
  respond(button) {
    const action = button.dataset.action;
    const advice = button.dataset.advice || "";
    if (action === "continue") {
      this.closeHurt(true);
      this.status(advice);
      return;
    }
    this.stopping = { response: button.value, technique: this.currentTechnique(), advice };
    this.root.dataset.state = action === "stop" ? "stopped" : "paused";
    this.voice.cancel();
    $("hurt-choices").hidden = true;
    $("hurt-advice").hidden = false;
    $("hurt-advice-title").textContent = action === "stop" ? "Session stopped" : "Stop this technique";
    $("hurt-advice-text").textContent = advice;
    $("hurt-offline").hidden = true;
    $("hurt-next").hidden = true;
    const choices = (button.dataset.choices || "").split(" ").filter(Boolean);
    for (const choiceButton of $("hurt-next-choices").querySelectorAll("[data-choice]")) {
      choiceButton.hidden = !choices.includes(choiceButton.dataset.choice);
    }
    if (action === "stop") {
      // Nothing to choose: the session ends now, and is recorded now.
      this.endSession();
      this.record(choices[0]);
    }
    const first = $("hurt-next-choices").querySelector("[data-choice]:not([hidden])");
    if (first) first.focus();
  }

  endSession() {
    this.ended = true;
    this.scheduler.stop();
    this.voice.cancel();
    this.awake.release();
    this.clearPosition();
  }

  // Send the stop (response, choice, technique) through the outbox: offline, it is kept on
  // this device and sent when the connection is back (from this page or the next one).
  // Resolves to the server's response, or null when kept.
  record(choice) {
    const { response, technique } = this.stopping;
    const fields = { response, choice, technique, stop_id: newId() };
    const sent = outbox.send({ id: fields.stop_id, url: $("hurt-form").action, body: fields })
      .then((result) => {
        if (result === null) {
          $("hurt-offline").hidden = false;
          this.sync("Saved on this device, will sync when you are back online.", "kept");
        }
        return result;
      }, () => {
        this.sync("This stop could not be saved on this device.", "error");
        return null;
      });
    this.sending = sent;
    return sent;
  }

  // The "kept on this device" state of stops, beside the controls while the session goes on.
  sync(text, state) {
    const note = $("p-sync");
    note.hidden = false;
    note.dataset.state = state;
    note.textContent = text;
  }

  async choose(choice) {
    if (!this.stopping) return;
    const { technique, advice } = this.stopping;
    if (choice === "rest" || choice === "skip") {
      this.record(choice);
      if (technique) this.skipped.add(technique);
      this.closeHurt(false);
      if (choice === "skip") {
        this.skip();
        this.resume();
        this.status(advice);
        this.stopping = null;
      } else {
        this.rest();
      }
      return;
    }
    if (choice === "end") {
      this.endSession();
      this.root.dataset.state = "stopped";
      const sent = this.record("end");
      this.goOn(sent, this.afterUrl({ stopped_by: this.stopping.response, technique }),
        "Rate how you feel now");
      return;
    }
    // recheck: already recorded when the session stopped
    this.goOn(this.sending, `/check/recheck?session=${this.sessionId}`, "Answer the safety questions again");
  }

  // Leave for the next page once the stop is saved; offline, show the link and the note.
  async goOn(sent, href, label) {
    const result = await sent;
    const next = $("hurt-next");
    next.href = href;
    next.textContent = label;
    if (result?.ok) {
      window.location.assign(next.href);
      return;
    }
    for (const button of $("hurt-next-choices").querySelectorAll("[data-choice]")) button.hidden = true;
    next.hidden = false;
    next.focus();
  }

  // "Rest, then carry on": the session stays paused until the person says the pain settled.
  rest() {
    this.resting = true;
    this.root.dataset.state = "resting";
    $("p-rest").showModal();
    $("p-rest-go").focus();
  }

  endRest(carryOn) {
    $("p-rest").close();
    this.resting = false;
    if (carryOn) {
      this.skip();
      this.resume();
      this.status("Carry on gently. Press This hurts again if the pain comes back.");
      this.stopping = null;
      return;
    }
    $("hurt-dialog").showModal();
    this.choose("end");
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
    if (!player.voice.available) {
      // Said on the button itself; the visual cues carry the session on their own.
      voiceButton.disabled = true;
      voiceButton.setAttribute("aria-pressed", "false");
      voiceButton.textContent = NO_VOICE;
      voiceButton.dataset.voice = "none";
      return;
    }
    voiceButton.disabled = false;
    voiceButton.dataset.voice = "available";
    voiceButton.setAttribute("aria-pressed", player.voice.enabled ? "true" : "false");
    voiceButton.textContent = player.voice.enabled ? "Voice on" : "Voice off";
  };
  voiceButton.disabled = true; // until the device's voices are known
  voiceButton.textContent = "Voice…";
  player.voice.ready.then(syncVoice);
  player.voice.onchange = syncVoice;
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
  $("hurt-dialog").addEventListener("cancel", (event) => {
    event.preventDefault(); // Esc: carry on only from the first question, never after a stop
    if (!player.stopping) player.closeHurt(true);
  });
  $("hurt-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const button = event.submitter;
    if (button && button.dataset.action) player.respond(button);
  });
  for (const button of $("hurt-next-choices").querySelectorAll("[data-choice]")) {
    button.addEventListener("click", () => player.choose(button.dataset.choice));
  }
  $("p-rest-go").addEventListener("click", () => player.endRest(true));
  $("p-rest-end").addEventListener("click", () => player.endRest(false));
  $("p-rest").addEventListener("cancel", (event) => event.preventDefault());

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || $("hurt-dialog").open || $("p-rest").open) return;
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
    $("p-load-error").hidden = false;
    return;
  }
  // Ask the service worker to keep this routine, so it plays on (and reloads) offline.
  if (navigator.serviceWorker) {
    navigator.serviceWorker.ready.then((registration) => {
      // Every figure the session can show (both sides of a sided step), in the form this
      // device is served: the still one when it asks for less motion.
      const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      const figures = [...root.querySelectorAll(".player-figure picture")].map((picture) => {
        const source = picture.querySelector("source");
        return still && source ? source.getAttribute("srcset") : picture.querySelector("img").getAttribute("src");
      });
      registration.active?.postMessage({ type: "cache-urls", urls: [window.location.pathname, url, ...figures] });
    }).catch(() => undefined);
  }
  const player = new Player(root, cues);
  bindControls(player);
  outbox.listen((entry) => {
    if (entry.url === $("hurt-form").action) player.sync("Sent: your stop is in your diary.", "synced");
  });
  outbox.syncWhenOnline();
  await player.voice.ready;
  root.dataset.state = "ready";
  $("p-begin").disabled = false;
}

main();
