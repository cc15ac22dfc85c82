/* "Copy link" beside each open preview link (templates/admin/articles/article/
   preview_links.html). Without JavaScript, or without the clipboard API, the buttons
   stay hidden and each link is a read-only box to select and copy by hand. */
(function () {
  "use strict";

  function start() {
    document.querySelectorAll("[data-draft-link-address]").forEach(function (box) {
      box.addEventListener("focus", function () {
        box.select();
      });
    });
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    document.querySelectorAll("[data-draft-link-copy]").forEach(function (button) {
      var box = document.getElementById(button.getAttribute("data-draft-link-copy"));
      var status = button.parentElement.querySelector("[data-draft-link-status]");
      if (!box || !status) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(box.value).then(
          function () {
            status.textContent = "Copied.";
          },
          function () {
            status.textContent = "Could not copy; select the link and copy it yourself.";
          }
        );
      });
    });
  }

  // The admin loads its scripts in the head, before the part is drawn.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
