// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Sort menus submit themselves when changed with the mouse. From the keyboard the arrow keys
  // only move through the options (no reload on every key press): Enter or the Sort button,
  // which stays reachable and shows when focused, submits.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var keyed = false;
    select.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.form.submit(); return; }
      keyed = event.key !== "Tab";
    });
    select.addEventListener("pointerdown", function () { keyed = false; });
    select.addEventListener("change", function () { if (!keyed) { select.form.submit(); } });
    var button = select.form.querySelector("button[type=submit]");
    if (button) { button.classList.add("sr-only-until-focus"); }
  });

  // Filters: ticking or unticking a box submits the form (the page says so above the boxes);
  // empty date fields stay out of the URL; after the reload the focus is back on that box.
  var FOCUS_KEY = "dossier-facet-focus";
  function submitFilters(form) {
    form.querySelectorAll("input[type=date]").forEach(function (input) { input.disabled = !input.value; });
    form.submit();
  }
  document.querySelectorAll("form[data-facets]").forEach(function (form) {
    form.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    form.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type !== "checkbox") { return; }
      try { sessionStorage.setItem(FOCUS_KEY, JSON.stringify([box.name, box.value])); } catch (e) { /* private mode */ }
      submitFilters(form);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitFilters(form);
    });
    var wanted = null;
    try { wanted = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null"); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { /* ignore */ }
    if (wanted) {
      form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === wanted[0] && box.value === wanted[1]) {
          var more = box.closest("details");
          if (more) { more.open = true; }
          box.focus();
        }
      });
    }
  });

  // On a phone the filters start folded, so the results are on the first screen; wider, they are open.
  var narrow = window.matchMedia("(max-width: 47.99em)");
  function fold() {
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (el) {
      if (!narrow.matches) { el.open = true; }
      else if (!el.contains(document.activeElement)) { el.open = false; }
    });
  }
  fold();
  if (narrow.addEventListener) { narrow.addEventListener("change", fold); }

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
      copy.querySelectorAll(".usa-error-message, .read-hint").forEach(function (el) { el.remove(); });
      copy.querySelectorAll("[data-suggested]").forEach(function (el) { el.removeAttribute("data-suggested"); });
      copy.querySelectorAll(".usa-form-group--error").forEach(function (el) { el.classList.remove("usa-form-group--error"); });
      copy.querySelector("[data-attachment-number]").textContent = String(index + 1);
      last.after(copy);
      copy.querySelectorAll(".drop-zone").forEach(enableDropZone);
      count.value = String(index + 1);
      copy.querySelector("input[type=file]").focus();
    });
  }

  // A chosen file is read at once (nothing is stored): what it says about itself fills the
  // details left empty, marked as read. A suggestion left as it was is sent empty, so the
  // server reads it again and records it as read from the document, not as typed.
  var uploadForm = document.querySelector("form[data-read-url]");
  if (uploadForm && window.fetch && window.FormData) {
    uploadForm.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "file" || !input.files || !input.files.length) { return; }
      var match = /^(att-\d+-)file$/.exec(input.name);
      var prefix = match ? match[1] : "";
      if (!match && input.name !== "release_file") { return; }
      var data = new FormData();
      data.append("file", input.files[0]);
      data.append("part", match ? "attachment" : "release");
      data.append("csrf_token", uploadForm.querySelector("input[name=csrf_token]").value);
      fetch(uploadForm.getAttribute("data-read-url"), {method: "POST", body: data, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (read) { if (read) { suggest(prefix, read); } })
        .catch(function () {});
    });
    uploadForm.addEventListener("submit", function () {
      uploadForm.querySelectorAll("[data-suggested]").forEach(function (field) {
        if (field.value === field.getAttribute("data-suggested")) { field.value = ""; }
      });
    });
  }

  function suggest(prefix, read) {
    Object.keys(read.fields).forEach(function (name) {
      var field = uploadForm.querySelector("[name='" + prefix + name + "']");
      var value = read.fields[name];
      if (!field || field.value || field.tagName === "SELECT") { return; }
      field.value = Array.isArray(value) ? value.join("\n") : String(value);
      field.setAttribute("data-suggested", field.value);
      var note = document.createElement("div");
      note.className = "usa-hint read-hint";
      note.id = field.id + "-read";
      note.setAttribute("role", "status");
      note.textContent = "Read from the document (" + read.where[name] + "): check it, or change it.";
      field.parentNode.insertBefore(note, field);
      field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + note.id).trim());
    });
  }
  // "Link to this page" copies the address (without JavaScript it is that address, to follow or copy).
  document.querySelectorAll("a[data-copy-link]").forEach(function (link) {
    if (!navigator.clipboard) { return; }
    var label = link.textContent;
    link.textContent = "Copy link to this page";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      navigator.clipboard.writeText(link.href).then(function () {
        link.textContent = "Link copied";
        link.setAttribute("aria-live", "polite");
        setTimeout(function () { link.textContent = "Copy link to this page"; }, 3000);
      }, function () { window.location.href = link.href; });
    });
    link.dataset.label = label;
  });

  // Selecting words of a page's text offers a link to them: the page with the words as a phrase
  // query, so they are highlighted in the text and drawn on the image (?q="...").
  var MAX_QUOTE = 200;
  var quote = document.querySelector("[data-quote-link]");
  var quoted = quote && quote.parentNode.querySelector(".doc-page__text");
  if (quote && quoted) {
    var quoteLink = quote.querySelector("a");
    var done = quote.querySelector(".reader__quote-done");
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      var words = selection && selection.rangeCount && quoted.contains(selection.getRangeAt(0).commonAncestorContainer)
        ? selection.toString().replace(/["\u201c\u201d]/g, " ").replace(/\s+/g, " ").trim() : "";
      if (!words || words.length > MAX_QUOTE) { return; }
      quoteLink.href = quote.getAttribute("data-quote-link") + "?q=" + encodeURIComponent('"' + words + '"');
      done.textContent = "";
      quote.hidden = false;
    });
    quoteLink.addEventListener("click", function (event) {
      if (!navigator.clipboard) { return; }           // the link itself, to follow or copy
      event.preventDefault();
      navigator.clipboard.writeText(quoteLink.href).then(function () {
        done.textContent = "Link copied.";
      }, function () { window.location.href = quoteLink.href; });
    });
  }
})();
