// Registers the service worker that keeps a started session playing without a network.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {
    // Offline support is a bonus: the app works without it.
  });
}
