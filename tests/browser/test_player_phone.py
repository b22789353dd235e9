"""The player on a phone, its speech and its chime, and "this hurts" for each outcome.

Everything runs through the real pages of a real ``backrelief serve`` in Chromium. Speech is
the one browser API replaced (by a recorder with a chosen voice list), because headless Chromium
has no audio output; Web Audio is the real one, and the player's own log of the chimes it asked
for (``window.__backrelief.chimes``) is the test hook.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pytest

from tests.browser.conftest import Server, new_page
from tests.browser.journey import build_routine, pass_safety_check, start_player

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SIZES = [(390, 844), (360, 640), (1280, 800), (844, 390)]


def speech_stub(voices: list[dict[str, str]]) -> str:
    """Replace speech synthesis with a recorder that has exactly these voices."""
    return """
window.__spoken = [];
window.__voices = VOICES_JSON;
function Utterance(text) { this.text = text; }
Object.defineProperty(window, 'SpeechSynthesisUtterance', {value: Utterance, configurable: true});
Object.defineProperty(window, 'speechSynthesis', {configurable: true, value: {
  getVoices() { return window.__voices; }, addEventListener() {},
  speak(u) { window.__spoken.push({text: u.text, voice: u.voice ? u.voice.name : null,
                                   rate: u.rate}); },
  cancel() {}, pause() {}, resume() {}}});
""".replace("VOICES_JSON", json.dumps(voices))


VOICES = [{"name": "Alice", "lang": "en-GB", "default": True},
          {"name": "Bob", "lang": "en-US", "default": False}]


@pytest.fixture
def preview(browser: Any, server: Server) -> str:
    """The preview URL of a 10-minute routine (built once through the real pages)."""
    context, page, _ = new_page(browser)
    pass_safety_check(page, server.url)
    url = build_routine(page, "10")
    context.close()
    return url


def open_player(browser: Any, preview: str, voices: list[dict[str, str]] | None = None,
                viewport: dict[str, int] | None = None, start: bool = True) -> tuple[Any, Any, Any]:
    options = {"viewport": viewport} if viewport else {}
    context, page, errors = new_page(browser, **options)
    context.add_init_script(speech_stub(VOICES if voices is None else voices))
    page.goto(preview)
    if start:
        start_player(page)
    else:  # stored and opened, not yet begun
        page.get_by_role("button", name="Start the session").first.click()
        page.wait_for_url("**/play")
        page.wait_for_selector("#p-begin:not([disabled])")
    return context, page, errors


def cues(page: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(
        "async () => (await (await fetch(document.getElementById('player').dataset.timelineUrl))"
        ".json()).cues")
    return result


def seek(page: Any, at: float) -> None:
    page.evaluate("(at) => window.__backrelief.scheduler.seek(at)", at)


def technique_number(page: Any) -> int:
    return int(page.inner_text("#p-count").split()[1])


# -- layout ------------------------------------------------------------------------------------

VISIBLE_AND_UNCOVERED = """(ids) => {
  const problems = [];
  const W = window.innerWidth, H = window.innerHeight;
  const doc = document.scrollingElement;
  if (doc.scrollHeight > H + 1) problems.push(`page scrolls: ${doc.scrollHeight} > ${H}`);
  if (doc.scrollWidth > W + 1) problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${W}`);
  const main = document.querySelector('main');
  if (main.scrollHeight > main.clientHeight + 1) problems.push('main scrolls');
  const check = (el, name, points) => {
    if (!el) { problems.push(`${name}: missing`); return; }
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) { problems.push(`${name}: not shown`); return; }
    if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
      problems.push(`${name}: outside the viewport ${JSON.stringify(r)}`);
    for (const [x, y] of points(r)) {
      const hit = document.elementFromPoint(x, y);
      const by = hit && (hit.id || hit.className || hit.tagName);
      if (!hit || !(el === hit || el.contains(hit)))
        problems.push(`${name}: covered at ${Math.round(x)},${Math.round(y)} by ${by}`);
    }
  };
  // Points well inside the box (rounded corners belong to the parent).
  const corners = (r) => [[0.15, 0.2], [0.85, 0.2], [0.15, 0.8], [0.85, 0.8], [0.5, 0.5]].map(
    ([fx, fy]) => [r.left + fx * r.width, r.top + fy * r.height]);
  for (const id of ids) check(document.getElementById(id), id, corners);
  // The step text: every line of it (its text rectangles), not only its box.
  const step = document.getElementById('p-step');
  const range = document.createRange(); range.selectNodeContents(step);
  const lines = [...range.getClientRects()];
  if (!lines.length) problems.push('p-step: no text');
  for (const line of lines) {
    const middle = (line.top + line.bottom) / 2;
    check(step, 'p-step line', () => [[line.left + 3, middle], [line.right - 3, middle]]);
  }
  const figures = [...document.querySelectorAll('.player-figure [data-technique]')];
  const figure = figures.find((f) => !f.hidden);
  check(figure, 'figure', corners);
  const gauge = ['p-ring', 'p-reps', 'p-breath'].map((id) => document.getElementById(id))
    .find((g) => !g.hidden);
  if (gauge) check(gauge, gauge.id, corners);
  const hurts = document.getElementById('p-hurts').getBoundingClientRect();
  if (hurts.height < 48 || hurts.width < 120)
    problems.push(`p-hurts is small: ${hurts.width}x${hurts.height}`);
  if (hurts.top < H * 0.6)
    problems.push(`p-hurts is not near the bottom: top ${hurts.top} of ${H}`);
  return problems;
}"""


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_everything_fits_on_one_screen_at_every_moment(browser: Any, preview: str,
                                                       width: int, height: int) -> None:
    context, page, errors = open_player(browser, preview,
                                        viewport={"width": width, "height": height})
    page.click("#p-pause")
    timeline = cues(page)
    steps = [c for c in timeline if c["kind"] == "step"]
    longest = max(steps, key=lambda c: len(c["say"] or c["text"]))
    moments = {
        "technique": next(c for c in timeline if c["kind"] == "technique" and c["at"] > 0),
        "longest step": longest,
        "hold": next(c for c in timeline if c["kind"] == "hold"),
        "rep": next(c for c in timeline if c["kind"] == "rep"),
    }
    ids = ["p-technique", "p-count", "p-time", "p-back", "p-pause", "p-skip", "p-hurts", "p-voice"]
    for name, cue in moments.items():
        if name == "hold":  # the step's words stay on screen during its hold
            seek(page, next(c for c in timeline if c["kind"] == "step" and c["at"] <= cue["at"]
                            and c["technique"] == cue["technique"])["at"])
        seek(page, cue["at"])
        problems = page.evaluate(VISIBLE_AND_UNCOVERED, ids)
        assert problems == [], (name, width, height, problems)
    page.screenshot(path=str(_artifact(f"player-{width}x{height}.png")))
    context.close()
    assert errors.messages == []


def _artifact(name: str) -> Any:
    from pathlib import Path

    folder = Path("artifacts/screens")
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


# -- speech --------------------------------------------------------------------------------------

def test_no_voice_on_the_device_is_said_on_the_button_and_in_settings(
        browser: Any, preview: str, server: Server) -> None:
    context, page, errors = open_player(browser, preview, voices=[])
    voice = page.locator("#p-voice")
    assert voice.inner_text() == "No voice on this device"
    assert voice.is_disabled()
    cue_before = page.get_attribute("#player", "data-cue")
    page.wait_for_function(f"() => document.getElementById('player').dataset.cue !== '{cue_before}'")
    assert page.inner_text("#p-step")  # the visual cues carry on
    assert page.evaluate("window.__spoken") == []
    page.goto(server.url + "/settings")
    page.wait_for_selector("#vs-status[data-voice=none]")
    assert "No voice on this device" in page.inner_text("#vs-status")
    assert page.locator("#vs-voice").is_disabled()
    context.close()
    assert errors.messages == []


def test_every_cue_given_is_spoken_with_the_chosen_voice_and_rate(
        browser: Any, preview: str, server: Server) -> None:
    context, page, errors = new_page(browser)
    context.add_init_script(speech_stub(VOICES))
    page.goto(server.url + "/settings")
    page.wait_for_selector("#vs-status[data-voice=available]")
    page.select_option("#vs-voice", "Bob")
    page.eval_on_selector("#vs-rate", "(el) => { el.value = '1.2';"
                          " el.dispatchEvent(new Event('input')); }")
    page.click("#vs-test")
    assert page.evaluate("window.__spoken.at(-1)") == {
        "text": "Breathe in, and slowly out.", "voice": "Bob", "rate": 1.2}
    page.goto(preview)
    start_player(page)
    assert page.inner_text("#p-voice") == "Voice on"
    timeline = cues(page)
    reps = [i for i, c in enumerate(timeline) if c["kind"] == "rep"]
    # Play through several repetitions, then compare what was said with what was due.
    page.wait_for_function(f"() => window.__backrelief.fired.some((f) => f.index >= {reps[3]})")
    page.click("#p-pause")
    fired = page.evaluate("window.__backrelief.fired")
    said = [timeline[f["index"]]["say"] for f in fired
            if timeline[f["index"]]["say"] and (not f["seeked"] or f["kind"] in ("technique", "step"))]
    spoken = page.evaluate("window.__spoken")
    assert [s["text"] for s in spoken] == said
    assert {(s["voice"], s["rate"]) for s in spoken} == {("Bob", 1.2)}
    rep_words = [timeline[i]["say"] for i in reps if any(f["index"] == i for f in fired)]
    assert len(rep_words) >= 4 and all(w in [s["text"] for s in spoken] for w in rep_words)
    context.close()
    assert errors.messages == []


def test_during_reps_the_ring_says_which_rep_never_zero_seconds(browser: Any, preview: str) -> None:
    context, page, errors = open_player(browser, preview)
    page.click("#p-pause")
    timeline = cues(page)
    def owner(index: int) -> dict[str, Any]:  # the rep, step or technique a cue belongs to
        return next(c for c in reversed(timeline[:index])
                    if c["kind"] in ("rep", "step", "technique"))

    held = [(i, c) for i, c in enumerate(timeline)
            if c["kind"] == "hold" and owner(i)["kind"] == "rep"]
    if not held:
        pytest.fail("the routine has no rep with a hold; choose a routine that has one")
    index, hold = held[0]
    rep = owner(index)
    seek(page, rep["at"])
    page.evaluate("""() => { window.__ring = []; const look = () => {
        const ring = document.getElementById('p-ring');
        if (!ring.hidden) window.__ring.push(document.getElementById('p-ring-num').textContent
          + ' ' + document.getElementById('p-hold-label').textContent);
        requestAnimationFrame(look); }; look(); }""")
    page.click("#p-pause")
    end = hold["at"] + hold["duration"] + 1
    page.wait_for_function(f"() => window.__backrelief.clock.elapsed() > {end}")
    seen = page.evaluate("window.__ring")
    side = f", {rep['side']} side" if rep.get("side") else ""
    assert f"rep {rep['rep']} of {rep['reps']}{side}" in {s.split(" ", 1)[1] for s in seen}
    assert not [s for s in seen if "seconds" in s], seen
    context.close()
    assert errors.messages == []


# -- chime ---------------------------------------------------------------------------------------

def test_a_chime_is_made_with_web_audio_at_the_end_of_a_hold_and_a_technique(
        browser: Any, preview: str) -> None:
    context, page, errors = open_player(browser, preview)
    timeline = cues(page)
    hold_ends = {c["at"] + c["duration"] for c in timeline if c["kind"] == "hold"}
    technique_starts = {c["at"] for c in timeline if c["kind"] == "technique" and c["at"] > 0}
    page.wait_for_function("() => window.__backrelief.chimes.some((c) => c.kind === 'technique')")
    chimes = page.evaluate("window.__backrelief.chimes")
    assert page.evaluate("typeof AudioContext") == "function"
    holds = [c for c in chimes if c["kind"] == "hold"]
    assert holds and all(c["due"] in hold_ends and c["at"] >= c["due"] - 0.001 for c in holds)
    assert all(c["due"] in technique_starts for c in chimes if c["kind"] == "technique")
    assert all(isinstance(c["audioTime"], float | int) and c["state"] != "closed" for c in chimes)
    context.close()
    assert errors.messages == []


def test_the_chime_can_be_turned_off_in_settings(browser: Any, preview: str,
                                                 server: Server) -> None:
    context, page, errors = new_page(browser)
    context.add_init_script(speech_stub(VOICES))
    page.goto(server.url + "/settings")
    page.wait_for_selector("#vs-status[data-voice]")  # the settings module is listening
    page.uncheck("#vs-chime")
    assert page.evaluate("localStorage.getItem('backrelief.chime')") == "off"
    page.goto(preview)
    start_player(page)
    page.wait_for_function(
        "() => window.__backrelief.fired.filter((f) => f.kind === 'technique').length >= 2")
    assert page.evaluate("window.__backrelief.chimes") == []
    context.close()
    assert errors.messages == []


# -- "this hurts" --------------------------------------------------------------------------------

def choose_response(page: Any, label: str) -> Any:
    page.click("#p-hurts")
    dialog = page.locator("#hurt-dialog")
    assert page.get_attribute("#player", "data-state") == "paused"
    dialog.get_by_role("button", name=label).click()
    return dialog


SHARP = "Sharp pain, or pain getting worse"


def test_sharp_pain_pauses_and_offers_rest_skip_and_end(browser: Any, preview: str) -> None:
    context, page, errors = open_player(browser, preview)
    dialog = choose_response(page, SHARP)
    choices = dialog.locator("#hurt-next-choices button:visible")
    assert choices.all_inner_texts() == ["Rest, then carry on", "Skip this technique",
                                         "End the session"]
    elapsed = page.evaluate("window.__backrelief.clock.elapsed()")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__backrelief.clock.elapsed()") == elapsed  # stays paused
    assert page.get_attribute("#player", "data-state") == "paused"
    assert technique_number(page) == 1
    dialog.get_by_role("button", name="Skip this technique").click()
    assert technique_number(page) == 2
    assert page.get_attribute("#player", "data-state") == "playing"

    dialog = choose_response(page, SHARP)
    dialog.get_by_role("button", name="Rest, then carry on").click()
    rest = page.locator("#p-rest")
    assert rest.is_visible() and page.get_attribute("#player", "data-state") == "resting"
    elapsed = page.evaluate("window.__backrelief.clock.elapsed()")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__backrelief.clock.elapsed()") == elapsed
    rest.get_by_role("button", name="Carry on with the next technique").click()
    assert technique_number(page) == 3
    assert page.get_attribute("#player", "data-state") == "playing"

    dialog = choose_response(page, SHARP)
    dialog.get_by_role("button", name="End the session").click()
    page.wait_for_url("**/after*")
    page.locator(".pain-scale label").filter(has_text="3").first.click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/summary")
    stops = page.locator("section.stops li").all_inner_texts()
    assert len(stops) == 3, stops
    assert all(SHARP in stop for stop in stops)
    assert [stop.rsplit("You chose: ", 1)[1] for stop in stops] == [
        "Skip this technique.", "Rest, then carry on.", "End the session."]
    page.goto(page.url.rsplit("/session", 1)[0] + "/progress")
    assert SHARP in html.unescape(page.content())
    context.close()
    assert errors.messages == []


@pytest.mark.parametrize("label", ["New numbness or tingling", "Dizzy or feeling faint"])
def test_red_flags_end_the_session_and_lead_to_the_recheck(browser: Any, preview: str,
                                                           label: str) -> None:
    context, page, errors = open_player(browser, preview)
    dialog = choose_response(page, label)
    assert page.get_attribute("#player", "data-state") == "stopped"
    assert "Session stopped" in dialog.inner_text()
    assert dialog.locator("#hurt-next-choices button:visible").all_inner_texts() == [
        "Answer the safety questions again"]
    elapsed = page.evaluate("window.__backrelief.clock.elapsed()")
    page.wait_for_timeout(400)
    assert page.evaluate("window.__backrelief.clock.elapsed()") == elapsed
    dialog.get_by_role("button", name="Answer the safety questions again").click()
    page.wait_for_url("**/check/recheck?session=*")
    session = page.url.rsplit("=", 1)[1]
    base = preview.split("/preview", 1)[0]
    page.goto(f"{base}/session/{session}/play")  # the session is over: no player again
    page.wait_for_url(f"**/session/{session}/summary")
    assert label in html.unescape(page.content())
    context.close()
    assert errors.messages == []


# The stops kept on this device: the one outbox (IndexedDB) the after-session form uses too.
PENDING = "async () => (await window.__backrelief.outbox.pending()).length"


def wait_pending(page: Any, count: int) -> None:
    for _ in range(150):
        if page.evaluate(PENDING) == count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the outbox never held {count} entries: {page.evaluate(PENDING)}")


def test_a_stop_made_offline_is_sent_when_back_online(browser: Any, preview: str) -> None:
    context, page, errors = open_player(browser, preview)
    context.set_offline(True)
    dialog = choose_response(page, SHARP)
    dialog.get_by_role("button", name="Skip this technique").click()
    wait_pending(page, 1)
    sync = page.locator("#p-sync")
    assert "Saved on this device, will sync" in sync.inner_text()
    assert sync.get_attribute("data-state") == "kept"
    # Kept in IndexedDB, not in localStorage (the one offline queue).
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.includes('stops'))") == []
    context.set_offline(False)
    wait_pending(page, 0)
    page.locator("#p-sync[data-state=synced]").wait_for()
    dialog = choose_response(page, SHARP)
    dialog.get_by_role("button", name="End the session").click()
    page.wait_for_url("**/after*")
    summary = page.url.split("/after")[0] + "/summary"
    page.goto(summary)
    assert len(page.locator("section.stops li").all_inner_texts()) == 2
    context.close()
    # The offline fetch is reported by Chromium as a console error; nothing else may be.
    assert [m for m in errors.messages if "ERR_INTERNET_DISCONNECTED" not in m
            and "Failed to fetch" not in m] == []
