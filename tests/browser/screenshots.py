"""Screenshots for a person to look at, taken by the browser tests only when
SCREENSHOTS_DIR names a folder (``SCREENSHOTS_DIR=/tmp/shots make test``)."""

import os
from pathlib import Path


def keep(target, name, *, part=None):
    """``target`` (a page, or an element's locator) as ``name``.png; with ``part``, a
    selector, only that element of the page, as it lies in the whole page."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if not folder:
        return
    path = Path(folder) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    if part is not None:
        target.evaluate("window.scrollTo(0, 0)")
        target.screenshot(path=path, full_page=True, clip=target.locator(part).bounding_box())
    elif hasattr(target, "goto"):
        target.screenshot(path=path, full_page=True)
    else:
        target.screenshot(path=path)
