/* Loaded in the page head by the story admin's Media. The admin's autocomplete boxes
   (Select2) are drawn after the page loads and leave their combobox and search box
   unnamed; this names each after its field's label, for assistive technology, and
   takes the list role off the box of chosen items, which holds more than list items. */
(function () {
  "use strict";

  function labelOf(select) {
    var label = document.querySelector("label[for='" + select.id + "']");
    return label ? label.textContent.replace(/:\s*$/, "").trim() : select.name;
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var box = select.nextElementSibling;
      if (!box || !box.classList.contains("select2")) {
        return;
      }
      var name = labelOf(select);
      box.querySelectorAll(
        ".select2-selection, .select2-search__field, span.select2-selection__rendered"
      ).forEach(function (el) {
        if (el.getAttribute("aria-label") !== name) {
          el.setAttribute("aria-label", name);
        }
      });
      box.querySelectorAll("ul.select2-selection__rendered:not([role])").forEach(function (list) {
        list.setAttribute("role", "none");
      });
    });
  }

  // Select2 draws its boxes when jQuery is ready, and redraws the search box whenever
  // the choice changes or a row is added: name them again in the same turn as every
  // such change, so that no moment passes with a box unnamed.
  document.addEventListener("DOMContentLoaded", function () {
    new MutationObserver(nameAutocompletes).observe(document.body, { childList: true, subtree: true });
    nameAutocompletes();
  });
}());
