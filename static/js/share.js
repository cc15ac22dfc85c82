/* Copy buttons for "Share and cite". Without JavaScript, or without the clipboard
   API, the buttons stay hidden and the permalink and citations are plain,
   selectable text. */
(function () {
  "use strict";

  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }

  function textOf(element) {
    return element.tagName === "INPUT" ? element.value : element.textContent;
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var panel = button.closest(".share");
    var status = panel && panel.querySelector("[data-copy-status]");
    if (!source || !status) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(textOf(source).trim()).then(
        function () {
          status.textContent = "Copied: " + button.textContent.replace(/^Copy /, "") + ".";
        },
        function () {
          status.textContent = "Could not copy; select the text and copy it yourself.";
        }
      );
    });
  });

  var permalink = document.querySelector(".share [data-copy-source]");
  if (permalink) {
    permalink.addEventListener("focus", function () {
      permalink.select();
    });
  }
})();
