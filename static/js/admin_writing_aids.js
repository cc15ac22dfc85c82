/* Loaded in the page head by the story admin's Media, so it waits for the form.
   Under the explanation's and the technical deep dive's text: reading level, length
   against the house targets, and glossary-worthy words, worked out by the server
   (articles/writing.py) and returned as escaped HTML from a template. The server draws
   them with the form; this keeps them in step with the text and the chosen glossary
   terms as the editor works. */
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

  // The glossary terms' box is an autocomplete (Select2), which announces a choice with
  // jQuery's change event only, as does the admin's "add another" pop-up; a jQuery
  // listener hears the browser's own change events too.
  function onTermsChange(callback) {
    var terms = document.getElementById("id_glossary_terms");
    if (terms && window.django && window.django.jQuery) {
      window.django.jQuery(terms).on("change", callback);
    }
  }

  function attach(fieldName) {
    var field = document.getElementById("id_" + fieldName);
    if (!field) {
      return;
    }
    var panel = field.parentNode.querySelector(".writing-aids[data-section='" + fieldName + "']");
    if (!panel) {
      return;
    }

    var timer = null;
    var latest = 0;
    function assess() {
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
        return response.json();
      }).then(function (result) {
        if (request !== latest) {
          return;  // a newer edit's aids are on their way
        }
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
    function soon(delay) {
      clearTimeout(timer);
      timer = setTimeout(assess, delay);
    }
    field.addEventListener("input", function () { soon(600); });
    onTermsChange(function () { soon(50); });
  }

  attach("explanation");
  attach("technical");
});
