// The service worker (views.py serves it at /sw.js, so it covers the whole site). It keeps
// what an athlete needs where there is no signal: every exercise page and session card
// opened on this device, the three programs, and an offline page for the rest. Pages come
// from the network whenever it answers; a kept copy only when it does not.
"use strict";

const SHELL = {{ ("shell-" ~ version) | tojson }}; // renamed with every index, so kept files follow
const PAGES = "pages";
const ASSETS = "assets";
const PRECACHE = {{ precache | tojson }};
const OFFLINE = {{ offline | tojson }};
const KEPT = /^\/(?:exercises\/[a-z0-9-]+|session|phases\/[a-z0-9-]+)$/;
// A kept exercise page prints its QR code from a file of its own, so the code is kept too.
const KEPT_FILES = /^\/exercises\/[a-z0-9-]+\/qr\.svg$/;
const MAX_PAGES = 200;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  const old = (name) => name.startsWith("shell-") && name !== SHELL;
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter(old).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(fromCacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(fromNetworkFirst(request, KEPT.test(url.pathname)));
  } else if (KEPT_FILES.test(url.pathname)) {
    event.respondWith(fromNetworkFirst(request, true));
  }
  // Anything else (htmx fragments, the API, feeds) goes to the network as if there were
  // no worker: htmx says so when it fails.
});

// Static files are fingerprinted: a name is always the same bytes.
async function fromCacheFirst(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) (await caches.open(ASSETS)).put(request, response.clone());
  return response;
}

async function fromNetworkFirst(request, keep) {
  try {
    const response = await fetch(request);
    // A coach's link is often not the clean address: its redirect is kept too, so the
    // same link leads to the kept page later.
    if (keep && (response.ok || response.type === "opaqueredirect")) {
      await remember(request, response.clone());
    }
    return response;
  } catch {
    const kept = await caches.match(request);
    if (kept) return kept;
    // The offline page stands in for a page; a QR code not kept fails as it would unaided.
    return request.mode === "navigate" ? caches.match(OFFLINE) : Response.error();
  }
}

async function remember(request, response) {
  const cache = await caches.open(PAGES);
  await cache.put(request, response);
  const names = await cache.keys();
  for (const name of names.slice(0, Math.max(0, names.length - MAX_PAGES))) await cache.delete(name);
}
