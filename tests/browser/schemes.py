"""Light and dark in one browser context: a flow runs once at its size, and each page it
checks is checked in each colour scheme, as the system setting of a reader or an editor
gives it (prefers-color-scheme, which the site's and the admin's styles follow)."""

import time

SCHEMES = ("light", "dark")
TRANSITIONS = "document.getAnimations().filter(a => a instanceof CSSTransition).length"


def shown_in(page, scheme):
    """``page`` in ``scheme``, once the colours have finished changing (the admin's links
    fade from one colour to the next)."""
    page.emulate_media(color_scheme=scheme)
    deadline = time.monotonic() + 5
    while page.evaluate(TRANSITIONS):
        assert time.monotonic() < deadline, f"the page's transitions to {scheme} never ended"
        time.sleep(0.05)


def each_scheme(page):
    """Show ``page`` in each colour scheme in turn, yielding its name; light again after."""
    try:
        for scheme in SCHEMES:
            shown_in(page, scheme)
            yield scheme
    finally:
        shown_in(page, "light")
