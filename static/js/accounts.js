/* Passkeys on the account pages: creating an account, signing in, adding a passkey.

   Each form marked data-passkey="create" | "sign-in" | "add" runs one WebAuthn
   ceremony: it POSTs its fields as JSON to data-options (with Django's CSRF token
   from the form), hands the options to the browser (navigator.credentials), POSTs
   what the authenticator signed to data-verify, and follows the redirect it gets
   back. Errors are shown in the form's [data-passkey-error] region as the server
   words them. Without JavaScript, or in a browser without passkeys, the forms stay
   hidden and [data-passkey-fallback] says so. */
(function () {
  "use strict";

  var FAILED = "That did not work just now. Please try again in a moment.";
  var CANCELLED = "The passkey request was cancelled or timed out. Try again when you are ready.";

  function fromBase64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(options) {
    options.challenge = fromBase64url(options.challenge);
    options.user.id = fromBase64url(options.user.id);
    (options.excludeCredentials || []).forEach(function (credential) {
      credential.id = fromBase64url(credential.id);
    });
    return { publicKey: options };
  }

  function requestOptions(options) {
    options.challenge = fromBase64url(options.challenge);
    (options.allowCredentials || []).forEach(function (credential) {
      credential.id = fromBase64url(credential.id);
    });
    return { publicKey: options };
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) {
        json.response.userHandle = toBase64url(response.userHandle);
      }
    }
    return json;
  }

  function post(form, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value,
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) {
        throw new Error(FAILED);
      }
      return response.json().then(function (answer) {
        if (!response.ok) {
          throw new Error(answer.error || FAILED);
        }
        return answer;
      });
    });
  }

  function fields(form) {
    var values = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name]"), function (input) {
      if (input.name !== "csrfmiddlewaretoken") {
        values[input.name] = input.value;
      }
    });
    return values;
  }

  function ceremony(form) {
    var kind = form.getAttribute("data-passkey");
    var values = fields(form);
    return post(form, form.getAttribute("data-options"), values)
      .then(function (answer) {
        var asked = kind === "sign-in"
          ? navigator.credentials.get(requestOptions(answer.options))
          : navigator.credentials.create(creationOptions(answer.options));
        return asked.catch(function (error) {
          throw new Error(error && error.name === "InvalidStateError"
            ? "This device already has a passkey for this account."
            : CANCELLED);
        });
      })
      .then(function (credential) {
        values.credential = credentialJSON(credential);
        return post(form, form.getAttribute("data-verify"), values);
      });
  }

  function enhance(form) {
    var error = form.querySelector("[data-passkey-error]");
    var button = form.querySelector("button[type=submit]");
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      error.textContent = "";
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      ceremony(form)
        .then(function (answer) {
          window.location.assign(answer.redirect);
        })
        .catch(function (failure) {
          error.textContent = failure.message || FAILED;
          button.disabled = false;
          form.removeAttribute("aria-busy");
        });
    });
  }

  var forms = document.querySelectorAll("form[data-passkey]");
  if (!forms.length) {
    return;
  }
  var fallbacks = document.querySelectorAll("[data-passkey-fallback]");
  if (!window.PublicKeyCredential || !navigator.credentials) {
    Array.prototype.forEach.call(fallbacks, function (fallback) {
      fallback.querySelector("p").textContent = "This browser cannot use passkeys. " +
        "Try an up-to-date browser, or another device.";
    });
    return;
  }
  Array.prototype.forEach.call(fallbacks, function (fallback) {
    fallback.hidden = true;
  });
  Array.prototype.forEach.call(forms, enhance);
})();
