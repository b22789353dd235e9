// Keeps the screen on during a session where the Wake Lock API exists; a no-op elsewhere.
export class ScreenAwake {
  constructor() {
    this.sentinel = null;
    this.wanted = false;
    document.addEventListener("visibilitychange", () => {
      // The browser drops the lock when the page is hidden; take it again on return.
      if (this.wanted && document.visibilityState === "visible") this.acquire();
    });
  }

  async acquire() {
    this.wanted = true;
    if (!("wakeLock" in navigator) || this.sentinel) return;
    try {
      this.sentinel = await navigator.wakeLock.request("screen");
      this.sentinel.addEventListener("release", () => { this.sentinel = null; });
    } catch (e) {
      this.sentinel = null; // denied (battery saver, not visible): the session still plays
    }
  }

  async release() {
    this.wanted = false;
    if (this.sentinel) {
      const sentinel = this.sentinel;
      this.sentinel = null;
      try { await sentinel.release(); } catch (e) { /* already released */ }
    }
  }
}
