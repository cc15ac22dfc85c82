/* Loaded in the page head by the citation form's Media, so it waits for the form.
   "Fill from DOI" beside each citation's DOI box: the server looks the DOI (or arXiv
   id) up at Crossref or arXiv (trust/citation_admin.py) and this fills the citation's
   empty fields with what it found, each marked for the editor to check. Fields the
   editor has typed are kept. Without JavaScript, saving a DOI with no title does the
   same on the server. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var FILLED = "citation-filled";

  function field(doi, name) {
    return document.getElementById(doi.id.replace(/-doi$/, "-" + name));
  }

  function isEmpty(input) {
    return input.value === "";
  }

  function mark(input) {
    input.classList.add(FILLED);
    var wrapper = input.closest(".related-widget-wrapper");
    if (wrapper) {
      wrapper.classList.add(FILLED);
    }
  }

  function announceChange(input) {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(input).trigger("change");
    } else {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function chooseSource(select, source) {
    var option = Array.prototype.find.call(select.options, function (candidate) {
      return candidate.value === String(source.id);
    });
    if (!option) {
      option = new Option(source.name, source.id);
      select.appendChild(option);
    }
    select.value = String(source.id);
    announceChange(select);
  }

  function proposal(status, doi, proposed) {
    var select = field(doi, "source");
    var link = document.createElement("a");
    link.href = proposed.add_url;
    link.target = "_blank";
    link.textContent = "Add “" + proposed.name + "” as a source";
    link.addEventListener("click", function (event) {
      // The admin's own popup: the new source is chosen here once it is saved.
      if (select && typeof window.showRelatedObjectPopup === "function") {
        event.preventDefault();
        var url = new URL(proposed.add_url, window.location.href);
        url.searchParams.set("_to_field", "id");
        url.searchParams.set("_popup", "1");
        window.showRelatedObjectPopup({ id: "add_" + select.id, href: url.href });
      }
    });
    var note = document.createElement("span");
    note.textContent = " No source is called “" + proposed.name + "” yet: ";
    status.appendChild(note);
    status.appendChild(link);
    status.appendChild(document.createTextNode(", then choose it."));
  }

  function fill(doi, status, result) {
    var filled = [];
    var kept = [];
    doi.value = result.doi;
    Object.keys(result.fields).forEach(function (name) {
      var input = field(doi, name);
      if (!input) {
        return;
      }
      if (!isEmpty(input) && input.value !== result.fields[name]) {
        kept.push(result.names[name]);
        return;
      }
      input.value = result.fields[name];
      announceChange(input);
      mark(input);
      filled.push(result.names[name]);
    });
    var source = field(doi, "source");
    if (source && result.source) {
      if (isEmpty(source) || source.value === String(result.source.id)) {
        chooseSource(source, result.source);
        mark(source);
        filled.push(result.names.source);
      } else {
        kept.push(result.names.source);
      }
    }
    var sentence = filled.length
      ? "Filled from " + result.service + ": " + filled.join(", ") +
        ". Check each marked field before saving."
      : "Nothing to fill: every field " + result.service + " knows is already filled.";
    if (kept.length) {
      sentence += " Kept what you had typed: " + kept.join(", ") + ".";
    }
    status.textContent = sentence;
    if (result.proposed_source && source && isEmpty(source)) {
      proposal(status, doi, result.proposed_source);
    }
  }

  function problem(response) {
    if (response.redirected) {
      return "Your admin session has ended. Log in again in another tab, then try again.";
    }
    return "The server answered with an error page (status " + response.status +
      "). Try again, or type the fields by hand.";
  }

  function lookUp(doi, button, status) {
    if (doi.value.trim() === "") {
      status.textContent = "Paste a DOI or an arXiv id first.";
      status.classList.add("citation-fill__status--problem");
      doi.focus();
      return;
    }
    var data = new FormData();
    data.append("identifier", doi.value.trim());
    button.disabled = true;
    status.classList.remove("citation-fill__status--problem");
    status.textContent = "Looking it up…";
    fetch(doi.dataset.lookupUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        return { error: problem(response) };
      }
      return response.json();
    }, function () {
      return { error: "The server could not be reached. Try again, or type the fields by hand." };
    }).then(function (result) {
      button.disabled = false;
      if (result.error) {
        status.textContent = result.error;
        status.classList.add("citation-fill__status--problem");
        return;
      }
      fill(doi, status, result);
    });
  }

  function attach(doi) {
    if (doi.dataset.fillReady || doi.name.indexOf("__prefix__") !== -1) {
      return;
    }
    doi.dataset.fillReady = "yes";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button citation-fill__button";
    button.textContent = "Fill from DOI";
    var status = document.createElement("p");
    status.className = "citation-fill__status";
    status.id = doi.id + "-fill-status";
    status.setAttribute("role", "status");
    doi.insertAdjacentElement("afterend", button);
    button.insertAdjacentElement("afterend", status);
    button.setAttribute("aria-describedby", status.id);
    button.addEventListener("click", function () {
      lookUp(doi, button, status);
    });
  }

  function attachAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("input.citation-doi"), attach);
  }

  attachAll(document);
  // A citation row added with "Add another citation".
  document.addEventListener("formset:added", function (event) {
    attachAll(event.target);
  });
});
