// outbox.js: requests kept on this device (IndexedDB) until the server has them.
//
// Usage (any page):
//   import { Outbox } from "./outbox.js";
//   const outbox = new Outbox();
//   await outbox.send({ id, url, body });   // tries now; kept on a network failure
//   outbox.syncWhenOnline((entry, response) => ...);   // sends what is kept when back online
//
// Each entry carries its sender's own id (`id`), which the server uses to store it once: an
// entry sent twice (the tab closed before the answer arrived, two tabs flushing at once) is
// harmless. An entry the server refuses (4xx) is dropped: sending it again would not help.
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

export class Outbox {
  constructor() {
    this.database = null;
    this.flushing = null;
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
    });
  }

  /** Send now; on a network failure keep it. Resolves to the response, or null when kept. */
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

  /** Send what is kept; stops at the first network failure. Calls onSent for each sent. */
  async flush(onSent = () => {}) {
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
        onSent(entry, response);
      }
    })().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  /** Flush now and whenever the browser says the connection is back. */
  syncWhenOnline(onSent) {
    const run = () => this.flush(onSent).catch(() => {});
    window.addEventListener("online", run);
    if (navigator.onLine) run();
  }
}
