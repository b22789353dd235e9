// after.js: the after-session form keeps working offline.
//
// With a connection it posts the answers as JSON (POST /api/sessions/{id}/after) and opens the
// summary; without one it keeps them on this device (outbox.js), says so, and sends them when
// the connection is back. Without JavaScript the form posts as plain HTML, as before. The id
// made here (`answer_id`) lets the server store the answers once however often they are sent.
// outbox.js is imported with this module's own ?v= tag, so the page loads it once (the
// service-worker registration loads it too, to send what was kept).
const VERSION = new URL(import.meta.url).search;
const { outbox, newId } = await import(`./outbox.js${VERSION}`);

const form = document.getElementById("after-form");
const statusBox = document.getElementById("after-status");

function say(text, state, link) {
  statusBox.hidden = false;
  statusBox.dataset.state = state;
  statusBox.textContent = text;
  if (link) {
    statusBox.append(" ");
    const a = document.createElement("a");
    a.href = link;
    a.textContent = "See my summary";
    statusBox.append(a);
  }
}

function answers() {
  const data = new FormData(form);
  const verdicts = {};
  for (const [name, value] of data.entries()) {
    if (name.startsWith("verdict-") && value) verdicts[name.slice("verdict-".length)] = value;
  }
  const pain = data.get("pain");
  return {
    answer_id: form.elements.answer_id.value,
    pain: pain === null ? null : Number(pain),
    verdicts,
    spread: data.get("spread") === "yes",
  };
}

function sent(entry, response) {
  if (entry.url !== form.dataset.apiUrl) return;
  if (response.ok) {
    say("Sent: your answers are in your diary.", "synced", form.dataset.summaryUrl);
  } else {
    say("Your diary could not take these answers; please send the form again.", "error");
  }
}

if (form) {
  if (!form.elements.answer_id.value) form.elements.answer_id.value = newId();
  form.addEventListener("submit", async (event) => {
    const body = answers();
    // Let the server's own page explain a missing rating when it can be reached.
    if (body.pain === null && navigator.onLine) return;
    event.preventDefault();
    if (body.pain === null) {
      say("Please rate your pain now, from 0 to 10.", "error");
      return;
    }
    const entry = { id: body.answer_id, url: form.dataset.apiUrl, body };
    const response = await outbox.send(entry);
    if (response === null) {
      say("Saved on this device, will sync when you are back online.", "kept");
    } else if (response.ok) {
      window.location.assign(form.dataset.summaryUrl);
    } else {
      form.submit(); // the HTML form shows the server's message next to the field
    }
  });
  outbox.pending().then((entries) => {
    if (entries.some((e) => e.url === form.dataset.apiUrl)) {
      say("Saved on this device, will sync when you are back online.", "kept");
    }
  }).catch(() => {});
  outbox.listen(sent);
  outbox.syncWhenOnline();
}
