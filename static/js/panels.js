/* Progressive enhancement for reader panels.

   Pages are the same for every reader (they come from a shared cache), so a
   reader who has voted or forecast before gets their own parts of the panels
   (the community panel with their read, their forecast and its form, the crowd
   their forecast shows them) from the per-reader endpoint named by
   data-personal-url, each in place of the shared element with its id.
   A form marked data-panel-form posts without a page reload and the server's
   fresh panel replaces the old one. Without JavaScript the same forms post and
   land back on the story, which then shows the reader's choice. */
(function () {
  "use strict";

  var FAILED = "That could not be saved just now. Please try again in a moment.";

  function hasReader() {
    return document.cookie.split(";").some(function (part) {
      return part.trim().indexOf("reader_known=") === 0;
    });
  }

  function forReader(sentence) {
    var error = new Error(sentence);
    error.forReader = true;
    return error;
  }

  function parse(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") !== 0) {
      var sentence = response.status === 429
        ? "You have sent a lot of votes or forecasts in a short time. Please wait a minute."
        : FAILED;
      return Promise.reject(forReader(sentence));
    }
    return response.json().then(function (body) {
      if (!response.ok) {
        throw forReader(body.error || FAILED);
      }
      return body;
    });
  }

  function replacePanel(panel, html) {
    var fresh = document.createRange().createContextualFragment(html);
    panel.replaceWith(fresh);
    return document.getElementById(panel.id);
  }

  function showError(panel, text) {
    panel.removeAttribute("aria-busy");
    var message = panel.querySelector(".panel__error") || document.createElement("p");
    message.className = "panel__error form-errors";
    message.setAttribute("role", "alert");
    message.textContent = text;
    panel.appendChild(message);
  }

  function loadPersonalPanels() {
    var urls = {};
    document.querySelectorAll("[data-personal-url]").forEach(function (panel) {
      urls[panel.getAttribute("data-personal-url")] = true;
    });
    Object.keys(urls).forEach(function (url) {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(parse)
        .then(function (body) {
          Object.keys(body.panels).forEach(function (id) {
            var panel = document.getElementById(id);
            if (panel && !panel.contains(document.activeElement)) {
              replacePanel(panel, body.panels[id]);
            }
          });
        })
        .catch(function () { /* the shared panels stay: they work as they are */ });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-panel-form]")) {
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    var panel = form.closest("[data-panel-root]");
    panel.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(parse).then(function (body) {
      var hadFocus = panel.contains(document.activeElement);
      var fresh = replacePanel(panel, body.html);
      var heading = document.getElementById(panel.getAttribute("aria-labelledby"));
      if (heading) {
        heading.setAttribute("tabindex", "-1");
      }
      // The old panel took the focused control with it: put keyboard and screen-reader
      // users back on the same choice (now pressed), or on the panel's heading.
      if (hadFocus) {
        var same = null;
        if (event.submitter && event.submitter.name && fresh) {
          same = fresh.querySelector(
            'button[name="' + event.submitter.name + '"][value="' + event.submitter.value + '"]'
          );
        }
        (same || heading || document.body).focus();
      }
    }).catch(function (error) {
      showError(panel, error.forReader ? error.message : FAILED);
    });
  });

  if (hasReader()) {
    loadPersonalPanels();
  }
}());
