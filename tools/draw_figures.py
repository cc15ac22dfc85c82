"""Draw the fixture stories' figures: SVG charts of the numbers the stories report.

Two kinds of chart, from the numbers in fixtures/figures/charts.yaml: bars (one measure
per group, with reference lines where a limit matters) and dots (how many of a trial's
patients reached its goal, one dot each). Each is written as SVG by this script, then
rendered to PNG by headless Chromium at twice its size; a text that runs past the chart's
edge stops the run. Both files go to fixtures/figures/ and are committed;
fixtures/figures.yaml attaches the PNGs to their stories with their alt text and
credits. Run it again after changing a chart:

    .venv/bin/python -m tools.draw_figures
"""

import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

import yaml

from tools.liveserver import CHROMIUM_ARGS, CHROMIUM_PATH

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "figures"
CHARTS_FILE = OUT / "charts.yaml"
WIDTH, HEIGHT = 800, 450
SCALE = 2
LEFT = 40
INK, MUTED, RULE = "#1b1b1f", "#55555f", "#d4d4dc"
TREATED, CONTROL = "#1f5fa8", "#9a9aa6"
GROUP_COLOURS = {"treated": TREATED, "control": CONTROL}
TITLE_SIZE = 26
# DejaVu Sans Bold's mean advance is under 0.62 em for mixed text: a title longer than
# the chart's width at that rate is set smaller (and the render checks the result).
TITLE_ADVANCE = 0.62
# A white outline under a bar's texts, so that a reference line passing behind them
# breaks around the letters instead of striking through them.
HALO = 'stroke="#ffffff" stroke-width="6" stroke-linejoin="round" paint-order="stroke"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    colour: str


@dataclass(frozen=True)
class Mark:
    """A reference line across the bars (a theoretical limit, say), labelled at its top."""

    value: float
    label: str


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    subtitle: str
    bars: list
    scale_max: float
    source: str
    marks: tuple = ()


@dataclass(frozen=True)
class Dots:
    """``met`` of ``total`` people reached a trial's goal: one dot each, filled if so."""

    name: str
    title: str
    subtitle: str
    met: int
    total: int
    met_label: str
    missed_label: str
    source: str


def charts():
    """The charts of CHARTS_FILE: dots where it counts people, else bars."""
    for item in yaml.safe_load(CHARTS_FILE.read_text()):
        if "met" in item:
            yield Dots(**item)
            continue
        bars = [
            Bar(bar["label"], bar["value"], bar["text"], GROUP_COLOURS[bar["group"]])
            for bar in item.pop("bars")
        ]
        marks = tuple(Mark(**mark) for mark in item.pop("marks", ()))
        yield Chart(bars=bars, marks=marks, **item)


def _title_size(title):
    return min(TITLE_SIZE, math.floor((WIDTH - 2 * LEFT) / (len(title) * TITLE_ADVANCE)))


def _frame(chart, body):
    """The chart's SVG document: its title and subtitle, ``body``, the rule and source."""
    return (
        "\n".join(
            [
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
                f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, sans-serif">',
                f"<title>{escape(chart.title)}</title>",
                f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
                f'<text x="{LEFT}" y="48" font-size="{_title_size(chart.title)}" '
                f'font-weight="bold" fill="{INK}">{escape(chart.title)}</text>',
                f'<text x="{LEFT}" y="80" font-size="17" fill="{MUTED}">'
                f"{escape(chart.subtitle)}</text>",
                *body,
                f'<line x1="{LEFT}" y1="{HEIGHT - 48}" x2="{WIDTH - LEFT}" y2="{HEIGHT - 48}" '
                f'stroke="{RULE}"/>',
                f'<text x="{LEFT}" y="{HEIGHT - 22}" font-size="14" fill="{MUTED}">'
                f"{escape(chart.source)}</text>",
                "</svg>",
            ]
        )
        + "\n"
    )


def bars(chart):
    """Labelled bars, each with its value; reference lines behind them."""
    right, top = 120, 120
    row = (HEIGHT - top - 70) / len(chart.bars)
    bar_height = min(44, row * 0.5)
    span = WIDTH - LEFT - right
    parts = []
    for mark in chart.marks:
        x = LEFT + span * mark.value / chart.scale_max
        parts += [
            f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{HEIGHT - 64}" '
            f'stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="5 4"/>',
            f'<text x="{x:.1f}" y="{top - 10}" font-size="14" fill="{MUTED}" '
            f'text-anchor="middle">{escape(mark.label)}</text>',
        ]
    for index, bar in enumerate(chart.bars):
        y = top + index * row
        length = span * bar.value / chart.scale_max
        parts += [
            f'<text x="{LEFT}" y="{y + 14:.1f}" font-size="16" fill="{INK}" {HALO}>'
            f"{escape(bar.label)}</text>",
            f'<rect x="{LEFT}" y="{y + 22:.1f}" width="{length:.1f}" height="{bar_height:.1f}" '
            f'fill="{bar.colour}"/>',
            f'<text x="{LEFT + length + 10:.1f}" y="{y + 22 + bar_height / 2 + 7:.1f}" '
            f'font-size="20" font-weight="bold" fill="{INK}" {HALO}>{escape(bar.text)}</text>',
        ]
    return _frame(chart, parts)


def dots(chart):
    """One dot per person, filled for those who reached the goal; the count in words."""
    rows = 1 if chart.total <= 20 else math.ceil(chart.total / 30)
    per_row = math.ceil(chart.total / rows)
    cell = min(40, (WIDTH - 2 * LEFT) / per_row)
    radius, top = cell * 0.36, 112
    parts = []
    for index in range(chart.total):
        row, column = divmod(index, per_row)
        x, y = LEFT + column * cell + cell / 2, top + row * cell + cell / 2
        if index < chart.met:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{TREATED}"/>')
        else:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius - 1.5:.1f}" fill="none" '
                f'stroke="{CONTROL}" stroke-width="3"/>'
            )
    below = top + rows * cell
    share = f"{chart.met / chart.total:.1%}".replace("%", " %")
    legend_y = below + 120
    parts += [
        f'<text x="{LEFT}" y="{below + 58:.1f}" font-size="40" font-weight="bold" '
        f'fill="{TREATED}">{chart.met} of {chart.total}'
        f'<tspan font-size="22" fill="{MUTED}" font-weight="normal"> ({share})</tspan></text>',
        f'<circle cx="{LEFT + 8}" cy="{legend_y - 6:.1f}" r="8" fill="{TREATED}"/>',
        f'<text x="{LEFT + 24}" y="{legend_y:.1f}" font-size="17" fill="{INK}">'
        f"{escape(chart.met_label)}</text>",
        f'<circle cx="{LEFT + 8}" cy="{legend_y + 24:.1f}" r="6.5" fill="none" '
        f'stroke="{CONTROL}" stroke-width="3"/>',
        f'<text x="{LEFT + 24}" y="{legend_y + 30:.1f}" font-size="17" fill="{INK}">'
        f"{escape(chart.missed_label)}</text>",
    ]
    return _frame(chart, parts)


def svg(chart):
    return dots(chart) if isinstance(chart, Dots) else bars(chart)


# Every text's box, in the chart's coordinates: none may leave the chart.
OVERFLOWING_TEXTS = """([width]) => [...document.querySelectorAll("text")]
    .filter((text) => {
        const box = text.getBBox();
        return box.x < 0 || box.x + box.width > width;
    })
    .map((text) => text.textContent)"""


def main():
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=SCALE
        )
        for chart in charts():
            drawing = OUT / f"{chart.name}.svg"
            drawing.write_text(svg(chart))
            page.goto(drawing.as_uri())
            overflowing = page.evaluate(OVERFLOWING_TEXTS, [WIDTH])
            if overflowing:
                raise SystemExit(f"{drawing.name}: text runs past the edge: {overflowing}")
            page.screenshot(path=str(OUT / f"{chart.name}.png"))
            print(f"drew {drawing.relative_to(OUT.parent.parent)} and its PNG")  # noqa: T201
        browser.close()


if __name__ == "__main__":
    main()
