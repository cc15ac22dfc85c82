"""Draw the fixture stories' figures: SVG bar charts of trials' published numbers.

Each chart is written as SVG by this script, from the numbers the story itself
reports, then rendered to PNG by headless Chromium at twice its size. Both files
go to fixtures/figures/ and are committed; fixtures/figures.yaml attaches the PNGs
to their stories with their credits. Run it again after changing a chart:

    .venv/bin/python -m tools.draw_figures
"""

from dataclasses import dataclass
from html import escape
from pathlib import Path

from tools.liveserver import CHROMIUM_ARGS, CHROMIUM_PATH

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "figures"
WIDTH, HEIGHT = 800, 450
SCALE = 2
INK, MUTED, RULE = "#1b1b1f", "#55555f", "#d4d4dc"
TREATED, CONTROL = "#1f5fa8", "#9a9aa6"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    colour: str


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    subtitle: str
    bars: list
    scale_max: float
    source: str


CHARTS = [
    Chart(
        "nif-ignition-energy",
        "More fusion energy out than laser energy in",
        "National Ignition Facility shot N221205, 5 December 2022 (megajoules)",
        [
            Bar("Laser light delivered to the target", 2.05, "2.05 MJ", CONTROL),
            Bar("Fusion energy released", 3.15, "3.15 MJ", TREATED),
        ],
        3.5,
        "Newsroom graphic; data: Lawrence Livermore National Laboratory",
    ),
    Chart(
        "select-mace",
        "Fewer heart attacks, strokes and cardiovascular deaths",
        "SELECT trial, about 3.3 years: people with a major cardiovascular event",
        [
            Bar("Semaglutide (569 of 8,803)", 6.5, "6.5 %", TREATED),
            Bar("Placebo (701 of 8,801)", 8.0, "8.0 %", CONTROL),
        ],
        10,
        "Newsroom graphic; data: Lincoff et al., NEJM 2023",
    ),
    Chart(
        "clarity-ad-cdr-sb",
        "Decline on the CDR-SB scale over 18 months",
        "Clarity AD trial: mean increase from baseline (higher is worse)",
        [
            Bar("Lecanemab", 1.21, "+1.21 points", TREATED),
            Bar("Placebo", 1.66, "+1.66 points", CONTROL),
        ],
        2,
        "Newsroom graphic; data: van Dyck et al., NEJM 2023",
    ),
    Chart(
        "keynote-942-relapse-free",
        "Free of relapse, and of distant spread, at 18 months",
        "KEYNOTE-942 phase 2b trial in resected high-risk melanoma",
        [
            Bar("Vaccine + pembrolizumab: relapse-free", 79, "79 %", TREATED),
            Bar("Pembrolizumab alone: relapse-free", 62, "62 %", CONTROL),
            Bar("Vaccine + pembrolizumab: free of distant spread", 92, "92 %", TREATED),
            Bar("Pembrolizumab alone: free of distant spread", 77, "77 %", CONTROL),
        ],
        100,
        "Newsroom graphic; data: Weber et al., Lancet 2024",
    ),
]


def svg(chart):
    """The chart as a standalone SVG document: title, labelled bars, the source."""
    left, right, top = 40, 120, 120
    row = (HEIGHT - top - 70) / len(chart.bars)
    bar_height = min(44, row * 0.5)
    span = WIDTH - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, sans-serif">',
        f"<title>{escape(chart.title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{left}" y="48" font-size="26" font-weight="bold" fill="{INK}">'
        f"{escape(chart.title)}</text>",
        f'<text x="{left}" y="80" font-size="17" fill="{MUTED}">{escape(chart.subtitle)}</text>',
    ]
    for index, bar in enumerate(chart.bars):
        y = top + index * row
        length = span * bar.value / chart.scale_max
        parts += [
            f'<text x="{left}" y="{y + 14:.1f}" font-size="16" fill="{INK}">'
            f"{escape(bar.label)}</text>",
            f'<rect x="{left}" y="{y + 22:.1f}" width="{length:.1f}" height="{bar_height:.1f}" '
            f'fill="{bar.colour}"/>',
            f'<text x="{left + length + 10:.1f}" y="{y + 22 + bar_height / 2 + 7:.1f}" '
            f'font-size="20" font-weight="bold" fill="{INK}">{escape(bar.text)}</text>',
        ]
    parts += [
        f'<line x1="{left}" y1="{HEIGHT - 48}" x2="{WIDTH - left}" y2="{HEIGHT - 48}" '
        f'stroke="{RULE}"/>',
        f'<text x="{left}" y="{HEIGHT - 22}" font-size="14" fill="{MUTED}">'
        f"{escape(chart.source)}</text>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def main():
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=SCALE
        )
        for chart in CHARTS:
            drawing = OUT / f"{chart.name}.svg"
            drawing.write_text(svg(chart))
            page.goto(drawing.as_uri())
            page.screenshot(path=str(OUT / f"{chart.name}.png"))
            print(f"drew {drawing.relative_to(OUT.parent.parent)} and its PNG")  # noqa: T201
        browser.close()


if __name__ == "__main__":
    main()
