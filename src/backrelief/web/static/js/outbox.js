// outbox.js: the one way this app sends something later. Requests are kept on this device
// (IndexedDB) until the server has them: the player's "this hurts" stops and the after-session
// answers both go through it.
//
// Usage (any page; the module loads once per page because every import carries the ?v= tag):
//   const { outbox } = await import(`./outbox.js${VERSION}`);
//   const response = await outbox.send({ id, url, body });  // null: kept on this device
//   outbox.listen((entry, response) => ...);  // hears about each kept entry once it is sent
//   outbox.syncWhenOnline();  // sends what is kept now, and whenever the connection is back
//
// register-sw.js starts the sync on every page, so what was kept goes out from whichever page
// opens next. Each entry carries its sender's own id (`id`: the stop's stop_id, the answers'
// answer_id), which the server uses to store it once: an entry sent twice (the tab closed
// before the answer arrived, two tabs flushing at once) is harmless. An entry the server
// refuses (4xx) is dropped: sending it again would not help.
// Kept simple on purpose: JSON POSTs only, sent oldest first, one at a time.

const DB_NAME = "backrelief-outbox";
const STORE = "requests";

function request(idbRequest) {
  return new Promise((resolve, reject) => {
    idbRequest.onsuccess = () => resolve(idbRequest.result);
    idbRequest.onerror = () => reject(idbRequest.error);
  });
}

function openDatabase() {
  const opening = indexedDB.open(DB_NAME, 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore(STORE, { keyPath: "id" });
  };
  return request(opening);
}

export function newId() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

export class Outbox {
  constructor() {
    this.database = null;
    this.flushing = null;
    this.listeners = [];
    this.syncing = false;
  }

  async store(mode) {
    this.database = this.database || await openDatabase();
    return this.database.transaction(STORE, mode).objectStore(STORE);
  }

  /** Keep an entry ({id, url, body}) until it is sent. */
  async put(entry) {
    await request((await this.store("readwrite")).put({ ...entry, keptAt: Date.now() }));
  }

  async remove(id) {
    await request((await this.store("readwrite")).delete(id));
  }

  /** Every entry still waiting, oldest first. */
  async pending() {
    const entries = await request((await this.store("readonly")).getAll());
    return entries.sort((a, b) => a.keptAt - b.keptAt);
  }

  async post(entry) {
    return fetch(entry.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(entry.body),
      cache: "no-store",
      credentials: "same-origin",
      keepalive: true, // a stop sent as the page moves on still arrives
    });
  }

  /** Send now; on a network failure (or a 5xx) keep it. Resolves to the response, or null
   *  when kept; rejects only when it could neither be sent nor kept. */
  async send(entry) {
    try {
      const response = await this.post(entry);
      if (response.status >= 500) throw new Error(`server answered ${response.status}`);
      return response;
    } catch (error) {
      await this.put(entry);
      return null;
    }
  }

  /** Call `onSent(entry, response)` for each kept entry once it is sent. */
  listen(onSent) {
    this.listeners.push(onSent);
  }

  /** Send what is kept; stops at the first network failure. */
  async flush() {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      for (const entry of await this.pending()) {
        let response;
        try {
          response = await this.post(entry);
        } catch (error) {
          return; // still offline: try again on the next "online"
        }
        if (response.status >= 500) return;
        await this.remove(entry.id);
        for (const onSent of this.listeners) onSent(entry, response);
      }
    })().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  /** Flush now and whenever the browser says the connection is back (once per page). */
  syncWhenOnline() {
    const run = () => this.flush().catch(() => {});
    if (!this.syncing) {
      this.syncing = true;
      window.addEventListener("online", run);
    }
    if (navigator.onLine) run();
  }
}

/** The page's one outbox. */
export const outbox = new Outbox();
