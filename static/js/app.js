// Progressive enhancements that need a few lines of script. Every page works without them.
"use strict";

// Sharing an address: the phone's share sheet where there is one (Web Share API), otherwise
// the clipboard, otherwise the address shown to copy by hand. Said in #copy-status.
async function shareOrCopy(url, title, button) {
  const status = document.getElementById("copy-status");
  const say = (text) => { if (status) status.textContent = text; };
  if (button.dataset.way === "share") {
    try {
      await navigator.share({ url, title });
      return;
    } catch (error) {
      if (error.name === "AbortError") return; // the visitor closed the share sheet
    }
  }
  try {
    await navigator.clipboard.writeText(url);
    say("Link copied: " + url);
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 2000);
  } catch {
    say("Copy this link: " + url);
  }
}

function shareButton(label, url, title, accessibleName) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy-link";
  const canShare = Boolean(navigator.share);
  button.dataset.way = canShare ? "share" : "copy";
  button.textContent = canShare ? "Share" : label;
  if (accessibleName) button.setAttribute("aria-label", canShare ? accessibleName.replace(/^Copy link/, "Share link") : accessibleName);
  button.addEventListener("click", () => shareOrCopy(url(), title, button));
  return button;
}

// Beside each "#" self-link (a section, a cue, a mistake): the plain anchor already links to
// the spot; with JavaScript a coach can share or copy the full address, prescription included.
function addSectionButtons() {
  for (const anchor of document.querySelectorAll("a.self-link")) {
    // "Link to this cue" becomes "Copy link to this cue" for screen readers.
    const label = anchor.querySelector(".visually-hidden")?.textContent || "Link";
    const url = () => new URL(anchor.getAttribute("href"), window.location.href).href;
    anchor.after(shareButton("Copy link", url, document.title, label.replace(/^Link/, "Copy link")));
  }
}

// A page's own share row (an exercise, a session card): data-share-url is the address to
// pass on, with what came with the link.
function addPageButtons() {
  for (const row of document.querySelectorAll("[data-share-url]")) {
    const url = () => row.dataset.shareUrl;
    row.append(shareButton("Copy link", url, row.dataset.shareTitle || document.title, "Copy link to this page"));
    row.hidden = false;
  }
}

addSectionButtons();
addPageButtons();

// A "Print" button where a page offers one (the CSP forbids inline onclick handlers); one
// listener for the page, so buttons that htmx swaps in work too.
document.addEventListener("click", (event) => {
  if (event.target.closest?.("[data-print]")) window.print();
});

// On a phone the filter panel starts folded, so the results come first. An htmx fragment
// arrives with it open (so focus can return to the checkbox just used); here the visitor's
// own choice is put back after each swap.
const NARROW = window.matchMedia("(max-width: 51.99rem)");
let filtersOpen = Boolean(document.querySelector(".facet-panel")?.open);

function watchFilterPanel() {
  const panel = document.querySelector(".facet-panel");
  if (!panel) return;
  if (NARROW.matches) panel.open = filtersOpen;
  panel.addEventListener("toggle", () => { filtersOpen = panel.open; });
}

watchFilterPanel();
document.addEventListener("htmx:after:swap", watchFilterPanel);

// "Show N results" in the filter panel: the panel folds and focus goes to the results.
function enableShowResults() {
  for (const link of document.querySelectorAll(".show-results")) {
    link.hidden = false;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const panel = link.closest("details");
      if (panel) panel.open = false;
      filtersOpen = false;
      const results = document.getElementById("results");
      results?.scrollIntoView();
      results?.focus({ preventScroll: true });
    });
  }
}

enableShowResults();
document.addEventListener("htmx:after:swap", enableShowResults);

// Focus after a swap. The control used keeps it when it comes back with the same id (a
// checkbox, a muscle of the body map); "Show more" hands it to the first card it brought.
let focusedId = null;
let growingList = null;
let cardsBefore = 0;
document.addEventListener("htmx:before:request", (event) => {
  const source = event.detail?.ctx?.sourceElement;
  focusedId = document.activeElement?.id || source?.id || null;
  growingList = source?.closest?.("#load-more")?.parentElement || null;
  cardsBefore = growingList ? growingList.querySelectorAll(":scope > li.card").length : 0;
});
document.addEventListener("htmx:after:settle", () => {
  if (growingList) {
    const first = growingList.querySelectorAll(":scope > li.card")[cardsBefore];
    first?.querySelector("a")?.focus();
    growingList = null;
    return;
  }
  const lost = !document.activeElement || document.activeElement === document.body;
  if (lost && focusedId) document.getElementById(focusedId)?.focus();
});

// Offline reading: the service worker keeps the exercise pages and session cards opened here
// (templates/offline/sw.js). Without it the site works the same, online.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
