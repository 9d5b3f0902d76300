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
    // The words come from the page, in its language.
    status.textContent = status.getAttribute("data-offline");
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
    root.querySelectorAll("[data-summary]").forEach(enhanceSummary);
  }

  // The end page's list of what was tried, as plain text to paste into a chat with whoever helps.
  function summaryText(section) {
    var lines = [section.getAttribute("data-summary-title")];
    section.querySelectorAll(".attempt").forEach(function (item, index) {
      var step = item.querySelector(".attempt-step").textContent.trim();
      var result = item.querySelector(".attempt-result").textContent.trim();
      lines.push((index + 1) + ". " + step + ": " + result);
    });
    lines.push(section.getAttribute("data-summary-guide") + " " + section.getAttribute("data-summary-url"));
    return lines.join("\n");
  }

  // One tap copies the list; Share opens the phone's own share sheet where the browser has one.
  // Both buttons stay hidden where they cannot work, and the page still shows the list to read.
  function enhanceSummary(section) {
    var copy = section.querySelector("[data-copy-summary]");
    var share = section.querySelector("[data-share-summary]");
    var said = section.querySelector(".summary-status");
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(summaryText(section)).then(function () {
          said.textContent = section.getAttribute("data-summary-copied");
        }, function () {
          said.textContent = section.getAttribute("data-summary-copy-failed");
        });
      });
    }
    if (share && navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        var title = section.getAttribute("data-summary-title");
        // Closing the share sheet rejects the promise: that is the person's choice, not an error.
        navigator.share({ title: title, text: summaryText(section) }).catch(function () {});
      });
    }
  }

  // Printed guides show every folded part: paper can't be tapped open.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (details) {
      details.setAttribute("open", "");
      details.setAttribute("data-opened-for-print", "");
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("[data-opened-for-print]").forEach(function (details) {
      details.removeAttribute("open");
      details.removeAttribute("data-opened-for-print");
    });
  });

  // A search result can lead to a cause folded away in "more possible causes": open what holds
  // the place the address points at, so the person lands on it rather than on a closed list.
  function revealTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var details = target && target.closest("details:not([open])");
    if (!details) return;
    details.open = true;
    target.scrollIntoView();
  }
  window.addEventListener("hashchange", revealTarget);
  document.addEventListener("htmx:afterSettle", revealTarget);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", revealTarget);
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    revealTarget();
    enhance(document);
  }
})();
