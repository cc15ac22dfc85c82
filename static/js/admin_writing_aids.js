/* Loaded in the page head by the story admin's Media, so it waits for the form.
   Beside the explanation's and the technical deep dive's preview: reading level,
   length against the house targets, and glossary-worthy words, worked out by the
   server (articles/writing.py) and returned as escaped HTML from a template. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var config = document.getElementById("writing-aids-config");
  if (!config) {
    return;
  }
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");

  function selectedTerms() {
    return Array.prototype.map.call(
      document.querySelectorAll("#id_glossary_terms option:checked"),
      function (option) { return option.value; }
    );
  }

  function attach(fieldName, label) {
    var field = document.getElementById("id_" + fieldName);
    if (!field) {
      return;
    }
    var panel = document.createElement("section");
    panel.className = "writing-aids";
    panel.setAttribute("aria-live", "polite");
    panel.setAttribute("aria-label", "Writing aids for the " + label);
    field.parentNode.appendChild(panel);

    var timer = null;
    function assess() {
      var data = new FormData();
      data.append("source", field.value);
      data.append("section", fieldName);
      selectedTerms().forEach(function (term) { data.append("terms", term); });
      fetch(config.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "" }
      }).then(function (response) {
        return response.json();
      }).then(function (result) {
        if (result.html) {
          // Rendered by a Django template on the server: every value in it is escaped.
          panel.innerHTML = result.html;
        } else {
          panel.textContent = result.error || "The writing aids are not available.";
        }
      }).catch(function () {
        panel.textContent = "The writing aids are not available right now.";
      });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(assess, 600);
    });
    var terms = document.getElementById("id_glossary_terms");
    if (terms) {
      terms.addEventListener("change", assess);
    }
    assess();
  }

  attach("explanation", "explanation");
  attach("technical", "technical deep dive");
});
