/* The "Read it" bar marks the part of the story in view with aria-current.

   A part counts as in view once its top has come up to where a jump to it lands: the
   page's scroll-padding-top, which keeps a part's start clear of the sticky bar (or the
   bar's foot, if that is lower). The last such part is the current one. Without
   JavaScript the bar still jumps to each part, and a part read on its own (?part=) is
   marked by the server. */
(function () {
  "use strict";

  var bar = document.querySelector(".register-switch");
  if (!bar) {
    return;
  }
  var links = Array.prototype.filter.call(bar.querySelectorAll("a[href^='#']"), function (link) {
    return document.getElementById(link.getAttribute("href").slice(1));
  });
  if (!links.length) {
    return;
  }
  var targets = links.map(function (link) {
    return document.getElementById(link.getAttribute("href").slice(1));
  });

  function readingLine() {
    var padding = parseFloat(window.getComputedStyle(document.documentElement).scrollPaddingTop);
    return Math.max(bar.getBoundingClientRect().bottom, padding || 0) + 2;
  }

  function mark() {
    var line = readingLine();
    var current = -1;
    targets.forEach(function (target, index) {
      if (target.getBoundingClientRect().top <= line) {
        current = index;
      }
    });
    // At the foot of the page the last part may never reach the bar: it is the one in view.
    if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) {
      var last = targets[targets.length - 1].getBoundingClientRect();
      if (last.top < window.innerHeight) {
        current = targets.length - 1;
      }
    }
    links.forEach(function (link, index) {
      if (index === current) {
        link.setAttribute("aria-current", "location");
      } else {
        link.removeAttribute("aria-current");
      }
    });
  }

  // At most once a frame, however fast the scroll events come.
  var pending = false;
  function schedule() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        mark();
      });
    }
  }
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule);
  mark();
}());
