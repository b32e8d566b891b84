// Progressive enhancements that need a few lines of script. Every page works without them.
"use strict";

// "Copy link" beside each "#" self-link: the plain anchor already links to the spot; with
// JavaScript a coach can also copy the full address (prescription included) in one click.
function addCopyButtons() {
  const status = document.getElementById("copy-status");
  if (!navigator.clipboard || !status) return;
  for (const anchor of document.querySelectorAll("a.self-link")) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.textContent = "Copy link";
    // "Link to this cue" becomes "Copy link to this cue" for screen readers.
    const label = anchor.querySelector(".visually-hidden")?.textContent || "Link";
    button.setAttribute("aria-label", label.replace(/^Link/, "Copy link"));
    button.addEventListener("click", async () => {
      const url = new URL(anchor.getAttribute("href"), window.location.href);
      try {
        await navigator.clipboard.writeText(url.href);
        status.textContent = "Link copied: " + url.href;
        button.textContent = "Copied";
      } catch {
        status.textContent = "Could not copy; the link is in the address bar.";
        window.location.hash = url.hash;
      }
      setTimeout(() => { button.textContent = "Copy link"; }, 2000);
    });
    anchor.after(button);
  }
}

addCopyButtons();

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
