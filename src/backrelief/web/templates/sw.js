/* backrelief service worker, rendered by web/routes/offline.py (cache name and file lists are
   filled in on the server so they change whenever a static file does).

   What may be kept on the device is an ALLOW-list, never a deny-list (issue 15): the diary is
   health data, and a shared computer or `backrelief forget` must not leave it in Cache Storage.
   Kept: the app shell (the offline page, the library and its catalogue, the manifest), the
   static files and step figures (the same for everyone, versioned URLs), and the session being
   played (its player page, its timeline and its after-session form, which the player asks for
   with a "cache-urls" message). Nothing else is ever written to the cache: not the home page,
   the progress page, the check, settings, exports or any other /api/ answer. Those go to the
   network only; offline, a page that is not kept shows /offline.
   Strategy: static files cache-first (their URLs carry a version); kept pages network-first
   with the cache as fallback, so a session that has started keeps playing and a reload without
   a network still opens the player. Writes (POST) are never cached. */
const CACHE = "backrelief-{{ version }}";
const PRECACHE = {{ precache | tojson }};
// The library's figures, cached one by one once the worker is active: a figure that fails
// must not stop the install.
const FIGURES = {{ figures | tojson }};
// Allow-listed static assets: the app's files and the step figures.
const STATIC_PREFIXES = ["/static/", "/figures/"];
// Allow-listed pages and data, the same for everyone (the app shell).
const SHELL = {{ shell_patterns | tojson }}.map((source) => new RegExp(source));
// The session being played: only these three addresses of a session may be kept.
const SESSION = {{ session_patterns | tojson }}.map((source) => new RegExp(source));

function keepable(pathname) {
  return STATIC_PREFIXES.some((prefix) => pathname.startsWith(prefix))
    || SHELL.some((pattern) => pattern.test(pathname))
    || SESSION.some((pattern) => pattern.test(pathname));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("backrelief-") && k !== CACHE).map((k) => caches.delete(k))))
      // A cache filled by an older worker (same name when no static file changed) may hold
      // personal pages from before the allow-list: drop every entry it would not keep.
      .then(() => caches.open(CACHE))
      .then(async (cache) => {
        const entries = await cache.keys();
        await Promise.all(entries.filter((r) => !keepable(new URL(r.url).pathname))
          .map((r) => cache.delete(r)));
      })
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
    const urls = data.urls.filter((u) => typeof u === "string" && u.startsWith("/")
      && keepable(new URL(u, self.location.origin).pathname));
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

async function networkFirst(request, fallbackToOffline) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    // An after form opened with a query (which technique stopped) is kept without it below.
    if (response.ok && response.type === "basic" && !url.search) {
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
  // this cache holds one version of every static file (its name changes with them). Never for
  // a figure: its query says which one (the variant, the side, the still), so the precached
  // first step of the standard form must not stand in for a safer variant or the other side.
  const url = new URL(request.url);
  const cached = await cache.match(request)
    || (url.pathname.startsWith("/static/") && await cache.match(request, { ignoreSearch: true }));
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js") return;
  if (STATIC_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) {
    event.respondWith(cacheFirst(request));
  } else if (keepable(url.pathname)) {
    event.respondWith(networkFirst(request, request.mode === "navigate"));
  } else if (request.mode === "navigate") {
    // A personal page: from the network only, never kept; offline, the offline page.
    event.respondWith(fetch(request).catch(async () =>
      (await caches.match("/offline", { cacheName: CACHE })) || Response.error()));
  }
  // Anything else (personal API reads, exports): the browser fetches it; nothing is kept.
});
