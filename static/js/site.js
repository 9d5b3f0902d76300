// Progressive enhancement only: every page and the whole guided fix work without this file.
(function () {
  "use strict";

  // After htmx swaps in a new page, move focus to its heading so keyboard and screen reader
  // users land on the new content and hear what it is.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!event.detail.target || event.detail.target.id !== "main") return;
    var heading = document.querySelector("#main h1");
    (heading || document.getElementById("main")).focus({ preventScroll: false });
    enhance(document.getElementById("main"));
  });

  // A failed request (offline while Wi-Fi or Airplane Mode is being toggled, or an error page)
  // falls back to an ordinary page load, so people always see a real page or the browser's own
  // offline message, and the address still holds their place.
  var status = document.getElementById("connection-status");
  document.addEventListener("htmx:sendError", function () {
    if (!status) return;
    status.textContent = "You seem to be offline. Your place is saved in this page's address: try again once you're connected.";
    status.hidden = false;
  });
  document.addEventListener("htmx:beforeRequest", function () {
    if (status) status.hidden = true;
  });
  document.addEventListener("htmx:responseError", function (event) {
    var path = event.detail.pathInfo && event.detail.pathInfo.requestPath;
    if (event.detail.requestConfig && event.detail.requestConfig.verb === "get" && path) {
      window.location.assign(path);
    } else {
      window.location.reload();
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
