// On every page: registers the service worker that keeps a started session playing without a
// network, and sends what the outbox kept on this device while offline (a "this hurts" stop,
// the after-session answers) as soon as there is a connection.
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
