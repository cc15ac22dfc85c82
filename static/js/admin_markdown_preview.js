/* Loaded in the page head by the admin's Media, so it waits for the form.
   The editors' Markdown preview: beside the explanation and the technical
   fields, the text as readers will see it, rendered by the server through the
   same pipeline (and sanitiser) as the public page. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var config = document.getElementById("markdown-preview-config");
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

  function attach(fieldName) {
    var field = document.getElementById("id_" + fieldName);
    if (!field) {
      return;
    }
    var preview = document.createElement("div");
    preview.className = "markdown-preview";
    preview.setAttribute("aria-live", "polite");
    preview.setAttribute("aria-label", "Preview of " + fieldName);
    var heading = document.createElement("p");
    heading.className = "markdown-preview__heading";
    heading.textContent = "Preview — as readers will see it";
    var body = document.createElement("div");
    body.className = "markdown-preview__body";
    preview.appendChild(heading);
    preview.appendChild(body);
    field.parentNode.appendChild(preview);

    var timer = null;
    function render() {
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
        // The server's output is sanitised by the same allowlist as the public page.
        body.innerHTML = result.html || "";
      });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    render();
  }

  attach("explanation");
  attach("technical");
});
