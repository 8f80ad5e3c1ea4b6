// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Sort menus submit themselves when changed.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector("button[type=submit]");
    if (button) { button.classList.add("usa-sr-only"); }
  });

  // On a phone the filters start folded, so the results are on the first screen.
  if (window.matchMedia("(max-width: 47.99em)").matches) {
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (el) { el.open = false; });
  }

  // Drop zones: highlight while a file is dragged over; put the dropped file in the input.
  function enableDropZone(zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("drop-zone--over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("drop-zone--over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
  document.querySelectorAll(".drop-zone").forEach(enableDropZone);

  // "Add another attachment" clones the last attachment block instead of reloading the page.
  var add = document.querySelector("[data-add-attachment]");
  var count = document.querySelector("[data-attachment-count]");
  if (add && count) {
    var hint = document.querySelector("[data-no-js-hint]");
    if (hint) { hint.hidden = true; }
    add.type = "button";
    add.addEventListener("click", function () {
      var blocks = document.querySelectorAll("[data-attachment]");
      var last = blocks[blocks.length - 1];
      var index = blocks.length;
      var copy = last.cloneNode(true);
      var oldPrefix = "att-" + (index - 1) + "-";
      var newPrefix = "att-" + index + "-";
      copy.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (el) {
        ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.split(oldPrefix).join(newPrefix)); }
        });
      });
      copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      copy.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
      copy.querySelectorAll(".usa-error-message").forEach(function (el) { el.remove(); });
      copy.querySelectorAll(".usa-form-group--error").forEach(function (el) { el.classList.remove("usa-form-group--error"); });
      copy.querySelector("[data-attachment-number]").textContent = String(index + 1);
      last.after(copy);
      copy.querySelectorAll(".drop-zone").forEach(enableDropZone);
      count.value = String(index + 1);
      copy.querySelector("input[type=file]").focus();
    });
  }
})();
