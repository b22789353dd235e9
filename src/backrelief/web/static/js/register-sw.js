// On every page: registers the service worker that keeps a started session playing without a
// network, and sends what the outbox kept on this device while offline (a "this hurts" stop,
// the after-session answers) as soon as there is a connection. And says so when this page is
// not a secure context (plain http on a LAN address): phones then refuse the service worker and
// the wake lock, so offline play needs `serve --tls`.
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);
if (!window.isSecureContext && !LOOPBACK_NAMES.has(location.hostname)) {
  document.getElementById("insecure-note")?.removeAttribute("hidden");
}
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {
    // Offline support is a bonus: the app works without it.
  });
}
if ("indexedDB" in window) {
  // With this module's own ?v= tag, so a page that also uses the outbox shares this one copy.
  import(`./outbox.js${new URL(import.meta.url).search}`)
    .then(({ outbox }) => outbox.syncWhenOnline())
    .catch(() => undefined);
}
