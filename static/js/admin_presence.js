/* Loaded in the page head by the admin's Media (core/admin_concurrency/presence_admin.py).
   Keeps the editor marked present on the change form while it is open, and the note of
   who else has it open (and of any save made since this form was loaded) up to date:
   every few seconds, as the server's data-refresh says, and when the page comes back
   into view. A form closed without saving leaves a mark that expires within a minute. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var note = document.getElementById("presence");
  if (!note || !window.fetch) {
    return;
  }
  var form = note.closest("form");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var seconds = parseInt(note.dataset.refresh, 10) || 20;

  function fields() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
    data.append("drawn", note.dataset.drawn || "");
    var version = form && form.querySelector("input[name=loaded_version]");
    if (version) {
      data.append("loaded_version", version.value);
    }
    return data;
  }

  function refresh() {
    if (closed) {
      return;
    }
    fetch(note.dataset.url, {
      method: "POST",
      body: fields(),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      // Rendered by a Django template on the server: every value in it is escaped.
      // Replaced only when it says something new, so that it is announced only then.
      if (result && typeof result.html === "string" && note.innerHTML !== result.html) {
        note.innerHTML = result.html;
      }
    }).catch(function () {
      // Offline for a moment: the mark expires, and the next refresh sets it again.
    });
  }

  var closed = false;
  if (form) {
    // Saving closes the form: no more refreshes from it.
    form.addEventListener("submit", function () {
      closed = true;
    });
  }
  setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      refresh();
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      refresh();
    }
  });
});
