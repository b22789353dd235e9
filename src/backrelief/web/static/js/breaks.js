// Desk-break reminders while backrelief is open in a tab (issue 14).
// Off until the person turns them on on the /breaks page; only then does the browser ask for
// permission to show notifications. Settings stay in this browser (localStorage), like the voice
// settings. Without notification permission the reminder still appears on the page.
const KEY = "backrelief.breaks";
const DEFAULTS = { on: false, every: 45 };
const MIN_EVERY = 15;
const MAX_EVERY = 180;
let timer = null;

export function readSettings() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) || "null");
    if (stored && typeof stored.on === "boolean" && Number.isInteger(stored.every)
        && stored.every >= MIN_EVERY && stored.every <= MAX_EVERY) {
      return stored;
    }
  } catch (error) {
    // a damaged value: fall back to the defaults
  }
  return { ...DEFAULTS };
}

function remind() {
  const text = "Time for a desk break: about 3 minutes, seated or standing.";
  if ("Notification" in window && Notification.permission === "granted") {
    const note = new Notification("backrelief", { body: text, tag: "backrelief-break" });
    note.onclick = () => { window.focus(); window.location.href = "/breaks"; };
  }
  const main = document.querySelector("main");
  if (!main || document.getElementById("break-banner")) return;
  const banner = document.createElement("div");
  banner.id = "break-banner";
  banner.className = "note info";
  banner.setAttribute("role", "status");
  const link = document.createElement("a");
  link.href = "/breaks";
  link.textContent = "Take a desk break";
  banner.append(text + " ", link);
  main.prepend(banner);
}

export function schedule() {
  if (timer !== null) clearInterval(timer);
  timer = null;
  const settings = readSettings();
  // No reminders over a session that is playing: it would talk over the cues.
  if (!settings.on || window.location.pathname.startsWith("/session/")) return;
  timer = setInterval(remind, settings.every * 60 * 1000);
}

async function save(form, status) {
  const on = form.querySelector("#breaks-on").checked;
  const every = Number(form.querySelector("#breaks-every").value);
  if (!Number.isInteger(every) || every < MIN_EVERY || every > MAX_EVERY) {
    status.textContent = `Choose a whole number of minutes from ${MIN_EVERY} to ${MAX_EVERY}.`;
    return;
  }
  if (on && "Notification" in window && Notification.permission === "default") {
    await Notification.requestPermission();  // asked only now, when the person turns it on
  }
  localStorage.setItem(KEY, JSON.stringify({ on, every }));
  schedule();
  const shown = "Notification" in window && Notification.permission === "granted"
    ? "as a notification and on the page" : "on the page (notifications are not allowed)";
  status.textContent = on ? `Reminders every ${every} minutes while backrelief is open, ${shown}.`
    : "Reminders are off.";
}

const form = document.getElementById("breaks-settings");
if (form) {
  const settings = readSettings();
  form.querySelector("#breaks-on").checked = settings.on;
  form.querySelector("#breaks-every").value = String(settings.every);
  const status = document.getElementById("breaks-status");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(form, status);
  });
}
schedule();
