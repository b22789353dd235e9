/* backrelief service worker, rendered by web/routes/offline.py (cache name and file list are
   filled in on the server so they change whenever a static file does).
   Strategy: static files cache-first (their URLs carry a version); pages and API reads
   network-first with the cache as fallback, so a session that has started keeps playing and a
   reload without a network still opens the player. Writes (POST) are never cached. */
const CACHE = "backrelief-{{ version }}";
const PRECACHE = {{ precache | tojson }};
// The library's figures, cached one by one once the worker is active: a figure that fails
// must not stop the install.
const FIGURES = {{ figures | tojson }};
const NEVER_CACHE = ["/sw.js", "/api/export", "/progress/export"];
// Allow-listed static assets: the app's files and the step figures. Both are the same for
// everyone and carry a version in their URL, so a cached copy is never stale or personal.
const STATIC_PREFIXES = ["/static/", "/figures/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("backrelief-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
      // After taking control, so drawing the figures on a first visit never delays the worker.
      .then(() => caches.open(CACHE))
      .then((cache) => Promise.allSettled(FIGURES.map((url) => cache.add(url))))
  );
});

// The player asks for its routine (page and timeline) to be cached as soon as it opens.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "cache-urls" && Array.isArray(data.urls)) {
    const urls = data.urls.filter((u) => typeof u === "string" && u.startsWith("/"));
    // The started session's after-session form too, so its end can be rated offline
    // (static/js/after.js keeps the answers on the device until they can be sent).
    for (const url of [...urls]) {
      const play = /^\/session\/(\d+)\/play$/.exec(url);
      if (play) urls.push(`/session/${play[1]}/after`);
    }
    // One by one: a figure that fails must not keep the page and its timeline out of the cache.
    event.waitUntil(caches.open(CACHE).then((cache) =>
      Promise.allSettled(urls.map((url) => cache.add(url)))));
  }
});

function cacheable(url) {
  return !NEVER_CACHE.some((prefix) => url.pathname.startsWith(prefix));
}

async function networkFirst(request, fallbackToOffline) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request)
      // The player opens the after form with a query (which technique stopped): same page.
      || (url.pathname.endsWith("/after") && await cache.match(url.pathname));
    if (cached) return cached;
    if (fallbackToOffline) {
      const offline = await cache.match("/offline");
      if (offline) return offline;
    }
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  // A module imported without the version tag ("./outbox.js") is the precached "?v=" copy:
  // this cache holds one version of every static file (its name changes with them).
  const cached = await cache.match(request) || await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !cacheable(url)) return;
  if (STATIC_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(request, request.mode === "navigate"));
  }
});
