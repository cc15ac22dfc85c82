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

sys.path.insert(0, str(Path(__file__).resolve().parent))

from liveserver import CHECKOUT, CHROMIUM_ARGS, CHROMIUM_PATH, VAR, live_server, say  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"  # the newest line that runs on Node 20 (13.x needs Node 22)
PREFIX = VAR / "lighthouse"
BINARY = PREFIX / "node_modules" / ".bin" / "lighthouse"
REPORTS = PREFIX / "reports"
CHROME_FLAGS = " ".join(["--headless=new", *CHROMIUM_ARGS])
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "front": "/",
    "article": "/articles/tscm-car-t-first-in-human/",
}
FORM_FACTORS = {"mobile": [], "desktop": ["--preset=desktop"]}


def installed_version():
    package = PREFIX / "node_modules" / "lighthouse" / "package.json"
    if not package.exists():
        return None
    return json.loads(package.read_text()).get("version")


def ensure_lighthouse():
    if BINARY.exists() and installed_version() == LIGHTHOUSE_VERSION:
        return
    say(f"Installing lighthouse {LIGHTHOUSE_VERSION} into {PREFIX.relative_to(CHECKOUT)}/")
    PREFIX.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(PREFIX),
            "--no-audit",
            "--no-fund",
            "--no-save",
            "--loglevel=error",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
    )


def run_lighthouse(url, name, extra_args):
    report = REPORTS / name
    subprocess.run(
        [
            str(BINARY),
            url,
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            "--output=html",
            f"--output-path={report}",
            "--quiet",
            *extra_args,
        ],
        check=True,
        env=os.environ | {"CHROME_PATH": CHROMIUM_PATH},
    )
    result = json.loads(report.with_name(f"{name}.report.json").read_text())
    return {
        category: round(100 * result["categories"][category]["score"]) for category in CATEGORIES
    }


def main():
    if not Path(CHROMIUM_PATH).exists():
        sys.exit(f"{CHROMIUM_PATH} is missing: run `make system-deps` (installs chromium).")
    ensure_lighthouse()
    REPORTS.mkdir(parents=True, exist_ok=True)
    rows = []
    with live_server() as (base_url, _env):
        for page, path in PAGES.items():
            for form_factor, extra_args in FORM_FACTORS.items():
                say(f"Lighthouse: {page} ({path}), {form_factor}")
                scores = run_lighthouse(base_url + path, f"{page}-{form_factor}", extra_args)
                rows.append((page, form_factor, scores))

    header = f"{'page':<10}{'form factor':<13}" + "".join(f"{c:>16}" for c in CATEGORIES)
    lines = [header, "-" * len(header)]
    for page, form_factor, scores in rows:
        lines.append(
            f"{page:<10}{form_factor:<13}" + "".join(f"{scores[c]:>16}" for c in CATEGORIES)
        )
    sys.stdout.write("\n" + "\n".join(lines) + "\n")
    sys.stdout.write(f"\nFull reports: {REPORTS.relative_to(CHECKOUT)}/*.report.html\n")


if __name__ == "__main__":
    main()
