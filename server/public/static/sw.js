// Không Vội service worker: keeps the page shell, the extension's matcher and the lists
// snapshot, so that listed links are decided offline. Pages: network first, the offline
// page when the network is gone. The lists snapshot: revalidated with its ETag on every use
// (304 keeps the cached copy), the cached copy when offline.
const CACHE = "khongvoi-v1";
const SHELL = [
  "/offline",
  "/public/static/style.css",
  "/public/static/app.js",
  "/public/static/offline.js",
  "/public/static/icon-192.png",
  "/public/lib/matcher.js",
  "/public/lib/urls.js",
  "/public/lib/share.js",
  "/public/lib/clean.js",
  "/api/v1/lists",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
    // pages go to the network while the worker starts, not after (first render time)
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

async function lists(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match("/api/v1/lists");
  const headers = {};
  const etag = cached?.headers.get("ETag");
  if (etag) headers["If-None-Match"] = etag;
  try {
    const fresh = await fetch(request.url, { headers, cache: "no-store" });
    if (fresh.status === 304 && cached) return cached;
    if (fresh.ok) {
      await cache.put("/api/v1/lists", fresh.clone());
      return fresh;
    }
    return cached ?? fresh;
  } catch {
    return cached ?? Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== location.origin || event.request.method !== "GET") return;
  if (url.pathname === "/api/v1/lists") {
    event.respondWith(lists(event.request));
    return;
  }
  if (event.request.mode === "navigate") {
    event.respondWith((async () => {
      try {
        return (await event.preloadResponse) || await fetch(event.request);
      } catch {
        return (await caches.match("/offline")) ?? Response.error();
      }
    })());
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(fetch(event.request).then(async (resp) => {
      if (resp.ok) (await caches.open(CACHE)).put(url.pathname, resp.clone());
      return resp;
    }).catch(async () => (await caches.match(url.pathname)) ?? Response.error()));
  }
});
