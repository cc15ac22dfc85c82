"""The editors' Markdown pipeline: what it keeps, what it removes, how it marks terms."""

import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from core import markup
from core.markup import MarkupRefused, Term, check, render, render_markdown, sanitize


class _Elements(HTMLParser):
    """Every element of a fragment as (tag, attributes) for asserting on structure."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    return _Elements(html).elements


def tags(html):
    return {tag for tag, _ in elements(html)}


def test_keeps_what_editors_need():
    source = """### A heading

A paragraph with *emphasis*, **strength**, `code` and a [link](https://example.org/a).

- one
- two

1. first

> A quotation.

| Dose | Response |
|------|----------|
| low  | none     |

```
print("code block")
```

![A cell under the microscope](https://example.org/cell.png)

A claim.[^1]

[^1]: The footnote.
"""
    html = render(source)
    assert {
        "h3",
        "p",
        "em",
        "strong",
        "code",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "table",
        "th",
        "td",
        "pre",
        "img",
        "sup",
    } <= tags(html)
    links = [attrs["href"] for tag, attrs in elements(html) if tag == "a"]
    assert "https://example.org/a" in links
    image = next(attrs for tag, attrs in elements(html) if tag == "img")
    assert image == {"alt": "A cell under the microscope", "src": "https://example.org/cell.png"}


def test_editor_headings_never_outrank_the_section_heading():
    assert tags(render("# Top\n\n## Next\n\n#### Lower")) == {"h3", "h4"}


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<img src="https://example.org/x.png" alt="x" onerror="alert(1)">',
        '<p onclick="alert(1)">click</p>',
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<p style="background:url(javascript:alert(1))">styled</p>',
        '<iframe src="https://evil.example"></iframe>',
        "<svg onload=alert(1)>",
    ],
)
def test_strips_scripts_handlers_unsafe_links_and_styles(source):
    for tag, attrs in elements(render(source)):
        assert tag not in {"script", "iframe", "svg", "style"}
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        href = attrs.get("href", "") + attrs.get("src", "")
        assert not href.lower().startswith(("javascript:", "data:"))


def test_image_without_alt_text_is_removed():
    assert "img" not in tags(render('<img src="https://example.org/x.png">'))


def test_footnote_ids_are_unique_per_section():
    source = "Claim.[^1]\n\n[^1]: Note."
    explanation = render(source, section="explanation")
    technical = render(source, section="technical")
    ids = {attrs["id"] for tag, attrs in elements(explanation + technical) if "id" in attrs}
    assert len(ids) == 4


T_CELL = Term("t-cell", ("T cell", "T cells"))


def marks(html):
    return [attrs["href"] for tag, attrs in elements(html) if attrs.get("class") == "term"]


def test_marks_only_the_first_use_of_a_term():
    html = render("T cells divide. Then a T cell rests. T cells again.", terms=[T_CELL])
    assert marks(html) == ["#term-t-cell"]
    assert '<a class="term" href="#term-t-cell">T cells</a> divide' in html


def test_matching_ignores_case_but_respects_word_boundaries():
    assert marks(render("Some TT cells here.", terms=[T_CELL])) == []
    assert marks(render("some t cells here.", terms=[T_CELL])) == ["#term-t-cell"]


def test_never_marks_inside_links_or_code():
    source = "[about T cells](https://example.org) and `T cell` then\n\n    T cell in a block\n"
    assert marks(render(source, terms=[T_CELL])) == []
    html = render(source + "\nFinally T cells.", terms=[T_CELL])
    assert marks(html) == ["#term-t-cell"]
    assert html.count("#term-t-cell") == 1


def test_marks_each_listed_term_once():
    terms = [T_CELL, Term("car-t", ("CAR-T",))]
    html = render("CAR-T uses T cells. CAR-T again, T cells again.", terms=terms)
    assert marks(html) == ["#term-car-t", "#term-t-cell"]


def test_marked_text_is_escaped():
    html = render("Use of <b>T cell</b> &amp; more", terms=[T_CELL])
    assert marks(html) == ["#term-t-cell"]
    assert "&amp;" in html


def test_images_must_come_over_https():
    assert "img" not in tags(render("![A cell](http://example.org/cell.png)"))
    assert "img" in tags(render("![A cell](https://example.org/cell.png)"))


# Crafted text that Python-Markdown and html5lib take quadratic time or deep recursion on.
def _brackets(size):
    return "[" * (size // 2) + "x" + "]" * (size // 2)


def _open_brackets(size):
    return "[" * size


def _nested_list(levels):
    return "".join("    " * level + "- item\n" for level in range(levels))


def _nested_quote(levels):
    return ">" * levels + " deep"


def _repeat(unit, size):
    return (unit * (size // len(unit) + 1))[:size]


CRAFTED = [
    *(pytest.param(_brackets(size), id=f"brackets-{size}") for size in (100, 8_000, 16_000)),
    *(pytest.param(_open_brackets(size), id=f"open-brackets-{size}") for size in (100, 4_000)),
    *(pytest.param(_nested_list(levels), id=f"list-{levels}") for levels in (30, 800)),
    *(pytest.param(_nested_quote(levels), id=f"quote-{levels}") for levels in (30, 2_000)),
    pytest.param(_repeat("  - x\n", 100_000), id="list-items-100k"),
    pytest.param(_repeat("<div>", 100_000), id="html-nesting-100k"),
    pytest.param(_repeat("|a|b|\n|-|-|\n|x|y|\n", 100_000), id="table-100k"),
    pytest.param(_repeat("[a](b) ", 100_000), id="links-100k"),
    pytest.param(_repeat("&", 100_000), id="ampersands-100k"),
    pytest.param(_repeat("[", 19) + "\n\n" + _repeat("[", 19), id="paragraphs-reset-brackets"),
    pytest.param("x" * 100_001, id="too-long"),
]


@pytest.mark.parametrize("source", CRAFTED)
def test_crafted_text_renders_quickly_or_is_refused(source):
    started = time.monotonic()
    try:
        render(source)
    except MarkupRefused as refusal:
        assert str(refusal)
    # Bounded by the render's deadline (plus the fork and the kill), not a speed target.
    assert time.monotonic() - started < markup.RENDER_SECONDS + 1


@pytest.mark.parametrize(
    "source",
    [_brackets(8_000), _open_brackets(4_000), _nested_list(800), _nested_quote(30), "x" * 100_001],
    ids=["brackets", "open-brackets", "list", "quote", "too-long"],
)
def test_long_or_deeply_nested_text_is_refused_before_rendering(source):
    with pytest.raises(MarkupRefused):
        check(source)


def test_ordinary_nesting_and_brackets_are_accepted():
    check(_nested_list(10) + _nested_quote(5) + "\n\n[a [b] c](https://example.org) \\[" * 40)


def _fixture_markdown():
    for path in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.yaml")):
        # Django fixtures only: figures.yaml lists files to attach, not rows.
        for record in filter(lambda entry: "model" in entry, yaml.safe_load(path.read_text())):
            for field in ("explanation", "technical", "definition", "criteria"):
                if record["fields"].get(field):
                    yield pytest.param(record["fields"][field], id=f"{path.stem}-{field}")


@pytest.mark.parametrize("source", list(_fixture_markdown()))
def test_fixture_stories_render_as_the_unguarded_pipeline_does(source):
    expected = sanitize(render_markdown(source, section="body"))
    assert render(source) == expected
    assert render(source, seconds=30) == expected


def test_the_same_text_is_rendered_once_per_process_and_a_refusal_every_time(monkeypatch):
    markup._rendered.cache_clear()
    runs = []
    pipeline = markup._pipeline
    monkeypatch.setattr(markup, "_pipeline", lambda *args: runs.append(args) or pipeline(*args))
    first = render("A *careful* result.", section="explanation")
    assert render("A *careful* result.", section="explanation") == first
    assert len(runs) == 1
    render("A *careful* result.", section="technical")
    render("A *careful* result.", section="explanation", terms=[Term("result", ("result",))])
    assert len(runs) == 3
    for _ in range(2):
        with pytest.raises(MarkupRefused):
            render("x" * 100_001)
