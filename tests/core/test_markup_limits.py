"""Markdown shaped to render slowly is refused before it is parsed, in milliseconds, with
a sentence its editor can act on; ordinary editorial Markdown is not."""

import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from core.markup import MarkupRefused, check, render, render_markdown, sanitize

# Each takes Python-Markdown and html5lib seconds to minutes (core/markup_limits.py).
CRAFTED = {
    "unclosed-links": "[a](" * 10_000,
    "unclosed-images": "![a](" * 10_000,
    "links-back-to-back": "[a](b)" * 5_000,
    "emphasis": "*a* " * 25_000,
    "strong-emphasis": "***a" * 25_000,
    "code-spans": "`a` " * 25_000,
    "footnote-references": "[^1] " * 20_000,
    "unclosed-tags": "<a " * 20_000,
    # html.parser reads the whole text: neither backslashes nor paragraphs stop it.
    "unclosed-tags-escaped-in-paragraphs": "\\<a \n\n" * 10_000,
    "many-tags": "<b>x</b>\n\n" * 5_000,
    # sane_lists: these "- " lines continue one paragraph or one numbered item.
    "list-lines-after-a-paragraph": "x\n" + "- [a](\n" * 10_000,
    "list-lines-of-the-other-kind": "1. x\n" + "- [a](\n" * 10_000,
    # Only spaces and tabs make a blank line for Python-Markdown.
    "no-break-spaces-between-lines": "[a](\n\u00a0\n" * 10_000,
    "code-fences": "```a\nx\n" * 10_000,
    "fence-hl-lines": '``` hl_lines="\n' * 2_000,
    "long-table": "|a|b|\n|-|-|\n" + "|x|y|\n" * 5_000,
}


@pytest.mark.parametrize("source", CRAFTED.values(), ids=CRAFTED.keys())
def test_crafted_markdown_is_refused_before_parsing_in_under_a_second(source):
    started = time.monotonic()
    with pytest.raises(MarkupRefused) as refused:
        check(source)
    assert time.monotonic() - started < 1  # a bound on a refusal, not a speed target
    assert str(refused.value).endswith(".")


@pytest.mark.parametrize(
    ("source", "sentence"),
    [
        (
            "Fine.\n\n" + "[a](" * 10_000,
            "the paragraph at line 3 has 10,000 links and 0 HTML tags, footnote references "
            "or “*”, “_” or “`” marks in 40,001 characters. Split long paragraphs",
        ),
        (
            "Fine.\n\n" + "<a " * 500 + "\n\nText. " * 5_000,
            "This text has HTML tags left open, from line 3 on",
        ),
        ("<i>x</i>\n\n" * 1_001, "This text has 1,001 HTML tags; the limit is 1,000."),
        ("```\nx\n\n~~~ hl_lines='1'", "The code fence at line 4 sets hl_lines"),
        ("Intro.\n\n" + "|x|y|\n" * 1_001, "The table at line 3 has 1,001 rows; the limit is"),
    ],
)
def test_a_refusal_says_where_and_what_to_do(source, sentence):
    with pytest.raises(MarkupRefused) as refused:
        check(source)
    assert sentence in str(refused.value)


def _fixture_markdown():
    for path in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.yaml")):
        for record in filter(lambda entry: "model" in entry, yaml.safe_load(path.read_text())):
            for field, value in record["fields"].items():
                if isinstance(value, str) and "\n" in value:
                    yield pytest.param(value, id=f"{path.stem}-{field}")


@pytest.mark.parametrize("source", list(_fixture_markdown()))
def test_every_fixture_text_passes(source):
    check(source)


def _ordinary_long_story():
    paragraph = (
        "The trial enrolled *412 patients* across **nine sites**; the primary endpoint, "
        "progression-free survival at `24 months`, improved from 31% to 44% (p < 0.05), "
        "as [the paper](https://doi.org/10.1056/NEJMoa2031054) and "
        "[the registry entry](https://clinicaltrials.gov/study/NCT04027075) report. "
        "Its authors call the gain *modest but real*; an outside statistician, reached "
        "by email, agreed that the H<sub>2</sub>O-free formulation_name_v2 mattered.[^1] "
    ) * 3
    references = "\n".join(
        f"{n}. *Author {n}*, [A study of things, part {n}](https://example.org/study/{n})."
        for n in range(1, 151)
    )
    table = "| Dose | Response |\n|------|----------|\n" + "| 10 mg | *none* |\n" * 300
    code = "```python\nfor dose in doses:\n    print(dose)\n```"
    sections = [f"## Part {n}\n\n{paragraph}\n\n{code}" for n in range(40)]
    return "\n\n".join([*sections, references, table, "[^1]: The footnote."])


def test_a_long_ordinary_story_passes_and_renders():
    story = _ordinary_long_story()
    assert 70_000 < len(story) < 100_000
    check(story)
    assert render(story) == sanitize(render_markdown(story, section="body"))


def test_escaped_markup_is_plain_text_and_passes():
    source = "\\[a\\](" * 5_000 + "\n\n" + "\\*a\\* " * 5_000
    check(source)
    assert "<a" not in render(source)
