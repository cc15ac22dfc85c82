"""`make lighthouse`: Lighthouse's four category scores for the front page and a story.

Lighthouse is too heavy for every CI run, so it is not in package.json: the first
run installs a pinned version into var/lighthouse/ (git-ignored) with npm. It runs
Debian's Chromium headless against a live server on the fixture content
(tools/liveserver.py), with the mobile defaults and with --preset=desktop, and
prints performance, accessibility, best practices and SEO out of 100. The full
reports land in var/lighthouse/reports/ (open the .html files in a browser).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from tools.liveserver import CHROMIUM_ARGS, CHROMIUM_PATH, VAR, live_server
from tools.servers import say

VERSION = "12.8.2"  # the newest line that runs on Node 20 (13.x needs Node 22)
PREFIX = VAR / "lighthouse"
REPORTS = PREFIX / "reports"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "front": "/",
    "article": "/articles/tscm-car-t-first-in-human/",
}
FORM_FACTORS = {"mobile": [], "desktop": ["--preset=desktop"]}


def ensure_lighthouse():
    package = PREFIX / "node_modules" / "lighthouse" / "package.json"
    if package.exists() and json.loads(package.read_text()).get("version") == VERSION:
        return
    say(f"Installing lighthouse {VERSION} into var/lighthouse/")
    PREFIX.mkdir(parents=True, exist_ok=True)
    npm = ["npm", "install", "--prefix", str(PREFIX), "--no-audit", "--no-fund", "--no-save"]
    subprocess.run([*npm, "--loglevel=error", f"lighthouse@{VERSION}"], check=True)


def scores(url, name, extra_args):
    """Lighthouse's score out of 100 in each category; its reports in REPORTS."""
    subprocess.run(
        [PREFIX / "node_modules/.bin/lighthouse", url, f"--only-categories={','.join(CATEGORIES)}"]
        + [f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_ARGS])}", "--quiet"]
        + ["--output=json", "--output=html", f"--output-path={REPORTS / name}", *extra_args],
        check=True,
        env=os.environ | {"CHROME_PATH": CHROMIUM_PATH},
    )
    result = json.loads((REPORTS / f"{name}.report.json").read_text())
    return [round(100 * result["categories"][category]["score"]) for category in CATEGORIES]


def main():
    if not Path(CHROMIUM_PATH).exists():
        sys.exit(f"{CHROMIUM_PATH} is missing: run `make system-deps` (installs chromium).")
    ensure_lighthouse()
    REPORTS.mkdir(parents=True, exist_ok=True)
    lines = [f"{'page':<10}{'form factor':<13}" + "".join(f"{c:>16}" for c in CATEGORIES)]
    with live_server() as (base_url, _env):
        for page, path in PAGES.items():
            for form_factor, extra_args in FORM_FACTORS.items():
                say(f"Lighthouse: {page} ({path}), {form_factor}")
                got = scores(base_url + path, f"{page}-{form_factor}", extra_args)
                lines.append(f"{page:<10}{form_factor:<13}" + "".join(f"{n:>16}" for n in got))
    lines.insert(1, "-" * len(lines[0]))
    sys.stdout.write(
        "\n" + "\n".join(lines) + "\n\nFull reports: var/lighthouse/reports/*.report.html\n"
    )


if __name__ == "__main__":
    main()
