// The picture library's focal point (articles/admin_pictures.py): a click on the preview
// moves the marker there and fills the two numbers the form saves; typing the numbers
// moves the marker. Without this script the numbers alone set it.
(function () {
  "use strict";

  function clamp(value) {
    return Math.min(1, Math.max(0, value));
  }

  function setUp(preview) {
    var across = document.getElementById("id_focal_x");
    var down = document.getElementById("id_focal_y");
    var lines = preview.querySelectorAll(".focal-point__line");
    if (!across || !down || lines.length !== 2) {
      return;
    }

    function mark(x, y) {
      lines[0].setAttribute("x1", x * 100);
      lines[0].setAttribute("x2", x * 100);
      lines[1].setAttribute("y1", y * 100);
      lines[1].setAttribute("y2", y * 100);
    }

    function fromInputs() {
      var x = parseFloat(across.value);
      var y = parseFloat(down.value);
      if (isFinite(x) && isFinite(y)) {
        mark(clamp(x), clamp(y));
      }
    }

    preview.classList.add("focal-point--clickable");
    preview.addEventListener("click", function (event) {
      var box = preview.getBoundingClientRect();
      var x = clamp((event.clientX - box.left) / box.width);
      var y = clamp((event.clientY - box.top) / box.height);
      across.value = x.toFixed(3);
      down.value = y.toFixed(3);
      mark(x, y);
      across.dispatchEvent(new Event("change", { bubbles: true }));
    });
    across.addEventListener("input", fromInputs);
    down.addEventListener("input", fromInputs);

    var hint = document.querySelector("[data-focal-point-hint]");
    if (hint) {
      hint.hidden = false;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-focal-point]").forEach(setUp);
  });
})();
