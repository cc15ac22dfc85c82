/* Progressive enhancement for reader panels: a form marked data-panel-form posts
   without a page reload and the server's fresh panel replaces the old one.
   Without JavaScript the same form posts and redirects back to the panel. */
(function () {
  "use strict";

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
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          throw new Error(body.error || "Your read could not be saved.");
        }
        var hadFocus = panel.contains(document.activeElement);
        var fresh = document.createRange().createContextualFragment(body.html);
        panel.replaceWith(fresh);
        var heading = document.getElementById(panel.getAttribute("aria-labelledby"));
        if (heading) {
          heading.setAttribute("tabindex", "-1");
        }
        // The old panel took the focused control with it: put keyboard and screen-reader
        // users back on the same choice (now pressed), or on the panel's heading.
        if (hadFocus) {
          var same = null;
          if (event.submitter && event.submitter.name && heading) {
            same = heading.closest("[data-panel-root]").querySelector(
              'button[name="' + event.submitter.name + '"][value="' + event.submitter.value + '"]'
            );
          }
          (same || heading || document.body).focus();
        }
      });
    }).catch(function (error) {
      panel.removeAttribute("aria-busy");
      var message = panel.querySelector(".panel__error") || document.createElement("p");
      message.className = "panel__error form-errors";
      message.setAttribute("role", "alert");
      message.textContent = error.message;
      panel.appendChild(message);
    });
  });
}());
