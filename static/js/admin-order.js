// Keyboard alternative to dragging rows in the admin's sortable lists (django-admin-sortable2):
// "Move up" and "Move down" buttons on every saved row. They renumber the same hidden order
// fields as dragging does, keep focus on the button pressed and say where the row went.
(() => {
  "use strict";

  const rowName = (row) => {
    const select = row.querySelector("td:not(.original) select");
    if (select && select.selectedIndex > 0) return select.options[select.selectedIndex].text;
    const input = row.querySelector('td:not(.original) input[type="text"]');
    return input ? input.value : "this row";
  };

  const position = (row) => Number(row.querySelector("input._reorder_")?.value || 0);

  const setUp = (fieldset) => {
    const body = fieldset.querySelector("table tbody");
    if (!body) return;
    const rows = () => Array.from(body.querySelectorAll("tr.has_original"));
    // A form sent back with an error lists rows in their saved order: show the order submitted.
    const first = rows()[0];
    if (first) {
      const anchor = first.previousElementSibling;
      const sorted = rows().sort((a, b) => position(a) - position(b));
      if (anchor) anchor.after(...sorted);
      else body.prepend(...sorted);
    }
    const status = document.createElement("p");
    status.className = "order-status";
    status.setAttribute("role", "status");
    fieldset.append(status);

    const label = (row) => {
      row.querySelectorAll(".order-buttons button").forEach((button) => {
        const where = button.dataset.delta === "-1" ? "Move up" : "Move down";
        button.setAttribute("aria-label", `${where}: ${rowName(row)}`);
      });
    };

    rows().forEach((row) => {
      if (!row.querySelector("input._reorder_")) return; // a read-only page: nothing to move
      const group = document.createElement("span");
      group.className = "order-buttons";
      for (const [delta, arrow] of [["-1", "↑"], ["1", "↓"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = arrow;
        button.dataset.delta = delta;
        group.append(button);
      }
      // Beside the row's first field: the title cell is covered by the drag handle.
      (row.querySelector('td[class^="field-"]:not(.hidden)') || row.querySelector("td.original")).append(group);
      label(row);
    });

    body.addEventListener("click", (event) => {
      const button = event.target.closest(".order-buttons button");
      if (!button) return;
      const row = button.closest("tr");
      const list = rows();
      const target = list.indexOf(row) + Number(button.dataset.delta);
      if (target < 0 || target >= list.length) {
        status.textContent = `“${rowName(row)}” is already ${target < 0 ? "first" : "last"}.`;
        return;
      }
      if (target < list.indexOf(row)) list[target].before(row);
      else list[target].after(row);
      rows().forEach((each, index) => {
        const input = each.querySelector("input._reorder_");
        if (input) input.value = String(index + 1);
      });
      button.focus();
      status.textContent = `“${rowName(row)}” is now number ${target + 1} of ${list.length}. Save to keep the new order.`;
    });
    body.addEventListener("change", (event) => {
      const row = event.target.closest("tr.has_original");
      if (row) label(row);
    });
  };

  window.addEventListener("load", () => {
    document.querySelectorAll("fieldset.sortable").forEach(setUp);
  });
})();
