/* Names and roles that Django's admin widgets leave out (issue 15, found by the
   axe-core crawl in tests/browser/test_accessibility.py): the autocomplete boxes
   (select2), the date and time halves of a moment, the columns of inline tables and
   editable lists, the chooser's help icons and scrolling inline tables.
   Runs once the page has loaded and again when a row is added. */
(function () {
  "use strict";

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim() : "";
  }

  function named(element) {
    return (element.labels && element.labels.length) ||
      element.getAttribute("aria-label") || element.getAttribute("aria-labelledby");
  }

  function rowName(element) {
    var cell = element.closest("td, th");
    var table = element.closest("table");
    if (cell && table) {
      var headers = table.querySelectorAll("thead th");
      var header = headers[cell.cellIndex];
      if (header && text(header)) { return text(header); }
    }
    var row = element.closest(".form-row, .fieldBox, fieldset");
    if (row) {
      var label = row.querySelector("label, legend");
      if (label) { return text(label); }
    }
    return element.name || "";
  }

  function halfName(element) {
    // Django writes "Date:" and "Time:" (translated) before each half of a moment.
    var before = element.previousSibling;
    while (before && before.nodeType === 1 && before.tagName === "BR") { before = before.previousSibling; }
    return before && before.nodeType === 3 ? text(before) : "";
  }

  function fix(root) {
    root.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (element) {
      if (named(element) && !element.matches("#searchbar")) { return; }
      if (element.matches("#searchbar")) {
        // Its label is an icon; the search button says the word, translated.
        var button = element.form && element.form.querySelector("[type=submit]");
        element.setAttribute("aria-label", button ? button.value : element.title);
        return;
      }
      if (element.classList.contains("select2-search__field")) {
        var select = element.closest(".select2-container").previousElementSibling;
        element.setAttribute("aria-label", select ? rowName(select) : "");
        return;
      }
      var name = rowName(element);
      var half = halfName(element);
      element.setAttribute("aria-label", half ? name + " – " + half : name);
    });
    root.querySelectorAll(".select2-selection[role=combobox], .select2-selection__rendered[role=textbox]").forEach(function (box) {
      var select = box.closest(".select2-container").previousElementSibling;
      if (select && !box.getAttribute("aria-label")) {
        box.setAttribute("aria-label", (select.labels && select.labels[0]) ? text(select.labels[0]) : rowName(select));
      }
    });
    root.querySelectorAll(".select2-selection--multiple > ul").forEach(function (list) {
      list.setAttribute("role", "presentation");
    });
    root.querySelectorAll(".help-tooltip[aria-label], .help-tooltip[title]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll(".inline-group, .results, .tabular").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
    });
  }

  // select2 builds its boxes from jQuery's ready handler, which may run after the
  // load event: the names are given in the same task that added the boxes (a
  // microtask), so that nothing, a screen reader or a test, sees them unnamed.
  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    Promise.resolve().then(function () { pending = false; fix(document); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fix(document);
    new MutationObserver(soon).observe(document.body, {childList: true, subtree: true});
  });
}());
