/* Loaded in the page head by the admin's Media (core/admin_kept_work.py). Keeps what an
   editor types on a change form in this browser (localStorage) as they type, so that a
   crashed browser or a closed tab loses nothing: when the form is opened again and the
   kept draft differs from it, a note offers to put the draft back, or to discard it.

   A draft goes once it is saved: the form marks it sent when submitted; the next page
   that shows this form without a problem to fix means the save went through, and the
   draft is dropped. A refused save shows the form again with the sent values and its
   problems, and the draft stays. Files cannot be kept here (the server holds a refused
   save's uploads). Drafts older than KEEP_DAYS are dropped. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var config = document.getElementById("kept-draft");
  var form = config && config.closest("form");
  var store = null;
  try {
    store = window.localStorage;
  } catch (error) {
    store = null; // Storage refused (a private window): nothing is kept.
  }
  if (!form || !store) {
    return;
  }
  var KEEP_DAYS = 7;
  var PREFIX = "newsroom-draft:";
  var key = PREFIX + config.dataset.key;
  var SKIPPED = /^(csrfmiddlewaretoken|loaded_version|.*-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)$/;

  function read(name) {
    try {
      return JSON.parse(store.getItem(name) || "null");
    } catch (error) {
      return null;
    }
  }

  function write(name, value) {
    try {
      store.setItem(name, JSON.stringify(value));
    } catch (error) {
      // Storage full or refused: the draft is simply not kept.
    }
  }

  function dropOldDrafts() {
    var oldest = Date.now() - KEEP_DAYS * 24 * 3600 * 1000;
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) {
        var draft = read(name);
        if (!draft || !draft.at || draft.at < oldest) {
          store.removeItem(name);
        }
      }
    }
  }

  function keptFields() {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !SKIPPED.test(field.name) &&
        ["file", "submit", "button", "reset", "hidden"].indexOf(field.type) === -1 &&
        !field.disabled;
    });
  }

  function valueOf(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked;
    }
    if (field.multiple) {
      return Array.prototype.map.call(field.selectedOptions, function (option) {
        return option.value;
      });
    }
    return field.value;
  }

  function current() {
    var values = {};
    keptFields().forEach(function (field) {
      var name = field.type === "radio" ? field.name + "=" + field.value : field.name;
      values[name] = valueOf(field);
    });
    return values;
  }

  function changedFrom(base) {
    var now = current();
    var changed = {};
    Object.keys(now).forEach(function (name) {
      if (JSON.stringify(now[name]) !== JSON.stringify(base[name])) {
        changed[name] = now[name];
      }
    });
    return changed;
  }

  function differs(values) {
    var now = current();
    return Object.keys(values).some(function (name) {
      return name in now && JSON.stringify(now[name]) !== JSON.stringify(values[name]);
    });
  }

  function put(field, value) {
    if (field.type === "checkbox" || field.type === "radio") {
      field.checked = Boolean(value);
    } else if (field.multiple) {
      Array.prototype.forEach.call(field.options, function (option) {
        option.selected = value.indexOf(option.value) !== -1;
      });
    } else if (field.tagName === "SELECT" &&
      !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
      return false;
    } else {
      field.value = value;
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function restore(values) {
    var missed = 0;
    keptFields().forEach(function (field) {
      var name = field.type === "radio" ? field.name + "=" + field.value : field.name;
      if (name in values && JSON.stringify(valueOf(field)) !== JSON.stringify(values[name])) {
        if (!put(field, values[name])) {
          missed += 1;
        }
      }
    });
    return missed;
  }

  function clock(at) {
    return new Date(at).toLocaleString("en-GB", {
      day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit"
    });
  }

  function offer(draft) {
    var note = config.querySelector(".kept-draft__note");
    var text = config.querySelector(".kept-draft__text");
    text.textContent = "Unsaved changes from " + clock(draft.at) +
      " are kept in this browser.";
    config.hidden = false;
    config.querySelector(".kept-draft__restore").addEventListener("click", function () {
      var missed = restore(draft.fields);
      text.textContent = missed
        ? "Your unsaved changes are back, except " + missed +
          " field(s) whose choice is no longer offered. Save to keep them."
        : "Your unsaved changes are back. Save to keep them.";
      config.querySelectorAll("button").forEach(function (button) { button.hidden = true; });
      note.focus();
    });
    config.querySelector(".kept-draft__discard").addEventListener("click", function () {
      store.removeItem(key);
      text.textContent = "The unsaved changes were discarded.";
      config.querySelectorAll("button").forEach(function (button) { button.hidden = true; });
      note.focus();
    });
  }

  // What the stored data was when this form was loaded (core/admin_concurrency).
  var loaded = form.querySelector("input[name=loaded_version]");
  var version = loaded ? loaded.dataset.content || "" : "";
  var refused = document.querySelector(".error-summary") !== null;
  var draft = read(key);
  dropOldDrafts();
  if (draft && draft.sent && !refused) {
    store.removeItem(key); // Sent, and this page has no problem to fix: it was saved.
    draft = null;
  }
  // What the form held when first opened: a draft keeps only what the editor changed
  // from it, so that putting a draft back never undoes someone else's later save.
  var base = draft && refused && draft.base ? draft.base : current();
  if (draft && refused) {
    draft.sent = false;
    write(key, draft);
  } else if (draft && draft.fields && differs(draft.fields)) {
    if (version && draft.version && draft.version !== version) {
      config.querySelector(".kept-draft__since").hidden = false;
    }
    offer(draft);
  }

  var pending = null;
  function keep(sent) {
    pending = null;
    var fields = changedFrom(base);
    if (!Object.keys(fields).length) {
      store.removeItem(key);
      return;
    }
    write(key, {
      at: Date.now(),
      version: version,
      base: base,
      fields: fields,
      sent: sent
    });
  }
  function soon() {
    if (pending === null) {
      pending = setTimeout(function () { keep(false); }, 1000);
    }
  }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  form.addEventListener("submit", function () {
    if (pending !== null) {
      clearTimeout(pending);
    }
    keep(true);
  });
  window.addEventListener("pagehide", function () {
    if (pending !== null) {
      clearTimeout(pending);
      keep(false);
    }
  });
});
