"""`make screenshots`: full-page PNGs of every page type into var/screenshots/.

Each page at a phone (360x740) and a desktop (1366x900) viewport, in light
and dark mode, from a live server on the fixture content (tools/liveserver.py).
The track record is a demo reader's (their cookie is signed here), after they
forecast the Tscm question through the page, so it shows scores, calibration
and a standing forecast. Files are named <page>-<viewport>-<scheme>.png.
"""

import shutil
import time

from tools.liveserver import CHROMIUM_ARGS, CHROMIUM_PATH, VAR, live_server
from tools.servers import manage, say

OUT = VAR / "screenshots"
TSCM = "/articles/tscm-car-t-first-in-human/"
DEMO_READER = "demo-0000"

PAGES = {
    "front": "/",
    "article": TSCM,
    "article-lead-image": "/articles/nif-fusion-ignition/",
    "article-figure": "/articles/semaglutide-select-trial-heart-events/",
    "author": "/authors/mara-lindqvist/",
    "topic": "/topics/immunology/",
    "topics": "/topics/",
    "glossary": "/glossary/",
    "term": "/glossary/tscm/",
    "sources": "/sources/",
    "source": "/sources/nature/",
    "methodology": "/methodology/",
    "predictions": "/predictions/",
    "question-open": "/predictions/tscm-therapy-approved-by-2030/",
    "question-resolved": "/predictions/lk-99-confirmed-by-end-of-2023/",
    "track-record": "/predictions/me/",
    "leaderboard": "/predictions/leaderboard/",
    "community": "/community/",
    "calibration": "/calibration/",
    "search": "/search/?q=T+cells",
    "not-found": "/no-such-page/",
    "article-retracted-source": "/articles/lutetium-hydride-superconductor-claim/",
    "article-follow-up": "/articles/lk-99-superconductor-claim-fails-replication/",
}
VIEWPORTS = {"phone": (360, 740), "desktop": (1366, 900)}
SCHEMES = ("light", "dark")


def prepare(page, name):
    """Put a page in the state worth looking at before the shot."""
    if name == "article":
        # The breakdown is the part of the meter that needs checking by eye.
        page.locator("#reality summary").click()
        for summary in page.locator("#share summary").all():
            summary.click()


def signed_reader_cookie(reader_id, env):
    """The `reader` cookie value a reader with this id carries (signed as the site does)."""
    code = f"from core.readers import signed_reader_cookie as s; print(s({reader_id!r}))"
    return manage(env, "shell", "-v", "0", "-c", code, capture=True).strip()


def forecast_as_demo_reader(browser, base_url, cookie):
    context = browser.new_context(base_url=base_url)
    context.add_cookies([{"name": "reader", "value": cookie, "url": base_url}])
    page = context.new_page()
    page.goto(TSCM)
    page.locator("#forecast input[name=probability]").fill("35")
    page.locator("#forecast button[type=submit]").first.click()
    page.locator("#forecast .prediction__mine").wait_for()
    context.close()


def main():
    from playwright.sync_api import sync_playwright

    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    started = time.monotonic()
    with live_server() as (base_url, env), sync_playwright() as playwright:
        cookie = signed_reader_cookie(DEMO_READER, env)
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        forecast_as_demo_reader(browser, base_url, cookie)
        for viewport, (width, height) in VIEWPORTS.items():
            for scheme in SCHEMES:
                say(f"Screenshots: {viewport}, {scheme}")
                context = browser.new_context(
                    base_url=base_url,
                    viewport={"width": width, "height": height},
                    color_scheme=scheme,
                    reduced_motion="reduce",
                )
                context.add_cookies([{"name": "reader", "value": cookie, "url": base_url}])
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(path)
                    prepare(page, name)
                    page.screenshot(path=OUT / f"{name}-{viewport}-{scheme}.png", full_page=True)
                context.close()
        browser.close()
    count = len(list(OUT.glob("*.png")))
    say(f"Saved {count} screenshots in var/screenshots/ in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
