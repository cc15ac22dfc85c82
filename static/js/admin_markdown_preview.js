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
    // Beside the text, above the writing aids the server drew there.
    var aside = field.parentNode.querySelector(".markdown-aside");
    if (aside) {
      aside.insertBefore(preview, aside.firstChild);
    } else {
      field.insertAdjacentElement("afterend", preview);
    }

    function showHtml(html) {
      // The server's output is sanitised by the same allowlist as the public page.
      body.innerHTML = html;
    }

    function showProblem(sentence) {
      var note = document.createElement("p");
      note.className = "errornote";
      note.textContent = sentence;
      body.replaceChildren(note);
    }

    function describe(response) {
      if (response.redirected) {
        return "No preview: your admin session has ended. Log in again in another tab; " +
          "your text here is kept.";
      }
      return "No preview: the server answered with an error page (status " +
        response.status + ") instead of a preview. Your text here is kept.";
    }

    var timer = null;
    var latest = 0;
    function render() {
      var data = new FormData();
      data.append("source", field.value);
      data.append("section", fieldName);
      selectedTerms().forEach(function (term) { data.append("terms", term); });
      var request = ++latest;
      fetch(config.dataset.url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf ? csrf.value : "" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") !== 0) {
          return { problem: describe(response) };
        }
        return response.json().then(function (result) {
          if (typeof result.html === "string" && response.ok) {
            return { html: result.html };
          }
          // A refusal (crafted Markdown, no permission): the server's own plain sentence.
          return {
            problem: "No preview: " + (result.error || "the server refused this text.")
          };
        }, function () {
          return { problem: describe(response) };
        });
      }, function () {
        return { problem: "No preview: the server could not be reached. Your text here is kept." };
      }).then(function (outcome) {
        if (request !== latest) {
          return;  // a newer edit's preview is on its way
        }
        if (outcome.problem) {
          showProblem(outcome.problem);
        } else {
          showHtml(outcome.html);
        }
      });
    }
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 400);
    });
    // A glossary term chosen or dropped changes the links: Select2 announces it with
    // jQuery's change event only.
    var terms = document.getElementById("id_glossary_terms");
    if (terms && window.django && window.django.jQuery) {
      window.django.jQuery(terms).on("change", render);
    }
    render();
  }

  attach("explanation");
  attach("technical");
});
