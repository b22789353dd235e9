// Sends a "this hurts" stop to the server, and keeps it on this device when it cannot.
//
// Each stop carries a client-made `stop_id`, so sending it again is harmless (the server keeps
// one). Unsent stops wait in localStorage (`backrelief.stops.pending`) and are sent again when
// the browser comes back online or the next page that loads this module opens.
const KEY = "backrelief.stops.pending";

function pending() {
  try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
}

function keep(list) {
  try { localStorage.setItem(KEY, JSON.stringify(list)); } catch (e) { /* nowhere to keep it */ }
}

export function newStopId() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

async function post(entry) {
  const body = new URLSearchParams(entry.fields);
  const response = await fetch(entry.url, {
    method: "POST", body, keepalive: true, credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
  return response.ok ? response.json() : null; // 4xx: refused for good, do not retry
}

// Send one stop now; on a network failure keep it for later and resolve to null.
export async function sendStop(url, fields) {
  const entry = { url, fields };
  try {
    return await post(entry);
  } catch (e) {
    keep([...pending().filter((p) => p.fields.stop_id !== fields.stop_id), entry]);
    return null;
  }
}

export async function flush() {
  const waiting = pending();
  if (!waiting.length || navigator.onLine === false) return;
  const left = [];
  for (const entry of waiting) {
    try { await post(entry); } catch (e) { left.push(entry); }
  }
  keep(left);
}

export function pendingCount() { return pending().length; }

window.addEventListener("online", () => { flush(); });
flush();
