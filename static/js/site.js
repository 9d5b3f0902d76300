// Progressive enhancement only: every page and the whole guided fix work without this file.
(function () {
  "use strict";

  // After htmx swaps in a new page, move focus to its heading so keyboard and screen reader
  // users land on the new content and hear what it is.
  document.addEventListener("htmx:afterSettle", function (event) {
    // A smaller swap (the answer to "Was this helpful?") marks what to read next.
    var next = document.querySelector("[data-focus]");
    if (next) {
      next.removeAttribute("data-focus");
      next.focus();
      return;
    }
    if (!event.detail.target || event.detail.target.id !== "main") return;
    var heading = document.querySelector("#main h1");
    (heading || document.getElementById("main")).focus({ preventScroll: false });
    enhance(document.getElementById("main"));
  });

  // Forms that htmx swapped in carry no CSRF token (so they can be cached for everyone): send the
  // CSRF cookie's value as the header Django checks instead, as its documentation advises.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb === "get") return;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) event.detail.headers["X-CSRFToken"] = decodeURIComponent(match[1]);
  });

  // A request that cannot be sent (offline while Wi-Fi or Airplane Mode is being toggled) says so;
  // the address still holds the person's place.
  var status = document.getElementById("connection-status");
  document.addEventListener("htmx:sendError", function () {
    if (!status) return;
    status.textContent = "You seem to be offline. Your place is saved in this page's address: try again once you're connected.";
    status.hidden = false;
  });
  document.addEventListener("htmx:beforeRequest", function () {
    if (status) status.hidden = true;
  });
  // Every response is swapped, errors included: our own 400s are fragments (a form error, an
  // outdated flow link), while Django's error pages (403 for a stale form, 404, 500) are whole
  // documents, of which only the main content goes in, so people read the friendly message.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var body = event.detail.serverResponse;
    if (typeof body === "string" && /<!DOCTYPE html>/i.test(body)) {
      event.detail.selectOverride = "#main > *";
    }
  });

  function enhance(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    root.querySelectorAll("input.resume-link").forEach(function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
