"""Sub- and superscripts in editors' Markdown (core/markup.py): ``H~2~O``, ``Cu^2+^``.

Pandoc's marks, with no space inside; a text that uses ``~`` or ``^`` for something else
reads as written, and one crafted to render slowly is refused like other inline markup.
"""

import time

import pytest

from core import markup
from core.markup import MarkupRefused, check, render


@pytest.mark.parametrize(
    ("source", "html"),
    [
        (
            "Pb~10−x~Cu~x~(PO~4~)~6~O",
            "Pb<sub>10−x</sub>Cu<sub>x</sub>(PO<sub>4</sub>)<sub>6</sub>O",
        ),
        ("Cu^2+^ and SO~4~^2−^", "Cu<sup>2+</sup> and SO<sub>4</sub><sup>2−</sup>"),
        ("E = mc^2^, 10^−3^ m", "E = mc<sup>2</sup>, 10<sup>−3</sup> m"),
        ("*H~2~O* and ~*x*~", "<em>H<sub>2</sub>O</em> and <sub><em>x</em></sub>"),
        ("e^x~i~^", "e<sup>x<sub>i</sub></sup>"),
        ("[H~2~O](https://example.org/)", '<a href="https://example.org/">H<sub>2</sub>O</a>'),
    ],
)
def test_marks_become_sub_and_superscripts(source, html):
    assert render(source) == f"<p>{html}</p>"


@pytest.mark.parametrize(
    "source",
    [
        "~5 % to ~10 %",  # "about", twice: a space inside is no subscript
        "x^2 + y^2",
        "~~struck~~ and ^^inserted^^",  # doubled marks are not ours
        "Costs ~ £3 ^ more",
    ],
)
def test_other_uses_of_the_marks_read_as_written(source):
    assert render(source) == f"<p>{source}</p>"


def test_a_backslash_keeps_a_mark_literal():
    assert render(r"\~home\~ and 2\^10\^") == "<p>~home~ and 2^10^</p>"


def test_code_links_and_footnotes_keep_their_marks():
    html = render("`H~2~O` at <https://example.org/~a~> and[^1]\n\n[^1]: See x^2^.")
    assert "<code>H~2~O</code>" in html
    assert '<a href="https://example.org/~a~">https://example.org/~a~</a>' in html
    assert '<a class="footnote-ref" href="#fn-body-1">1</a>' in html
    assert "See x<sup>2</sup>." in html


def test_a_subscript_is_sanitised_like_everything_else():
    assert render("H~<b onclick=x>2</b>~O") == "<p>H<sub><b>2</b></sub>O</p>"
    assert render("<sub onclick=x>2</sub><sup title=x>3</sup>") == "<p><sub>2</sub><sup>3</sup></p>"


CRAFTED = {
    "subscripts": "~a~ " * 25_000,
    "superscripts": "^a^ " * 25_000,
    "alternating": "a~" * 50_000,
    "mixed": "~a^" * 33_000,
}


@pytest.mark.parametrize("source", CRAFTED.values(), ids=CRAFTED.keys())
def test_crafted_marks_are_refused_before_parsing(source):
    started = time.monotonic()
    with pytest.raises(MarkupRefused) as refused:
        check(source)
    assert time.monotonic() - started < 1
    assert "“~” and “^”" in str(refused.value)


@pytest.mark.parametrize("unit", ["~a~ ", "a~", "^a^b", "~a^"])
def test_the_most_marks_the_limit_lets_through_render_in_well_under_the_deadline(unit):
    passing = unit
    while True:
        try:
            check(passing * 2)
        except MarkupRefused:
            break
        passing *= 2
    started = time.monotonic()
    render(passing, seconds=markup.RENDER_SECONDS)
    assert time.monotonic() - started < 1
