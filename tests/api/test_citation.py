"""The citation formats, as pure functions."""

import json
from datetime import date

from api import citation

STORY = citation.Cited(
    key="newsroom-lk-99",
    headline="LK-99 & the 100% claim: {not} a superconductor",
    byline="Newsroom science desk",
    site="Newsroom",
    published=date(2023, 8, 18),
    url="https://news.example.org/articles/lk-99/",
    abstract="Replications found copper sulfide.",
)


def test_plain_text_names_author_date_headline_site_and_link():
    assert citation.plain_text(STORY) == (
        "Newsroom science desk (2023, 18 August). LK-99 & the 100% claim: {not} a "
        "superconductor. Newsroom. https://news.example.org/articles/lk-99/"
    )


def test_bibtex_escapes_special_characters_and_keeps_a_desk_byline_whole():
    entry = citation.bibtex(STORY)
    assert entry.startswith("@online{newsroom-lk-99,\n")
    assert r"title = {LK-99 \& the 100\% claim: \{not\} a superconductor}" in entry
    assert "author = {{Newsroom science desk}}" in entry
    assert "date = {2023-08-18}" in entry
    assert "url = {https://news.example.org/articles/lk-99/}" in entry
    assert entry.endswith("\n}")
    assert entry.count("{") - entry.count(r"\{") == entry.count("}") - entry.count(r"\}")


def test_csl_json_is_a_list_of_one_item_reference_managers_read():
    [item] = json.loads(citation.csl_json(STORY))
    assert item == {
        "id": "newsroom-lk-99",
        "type": "article-newspaper",
        "title": STORY.headline,
        "container-title": "Newsroom",
        "author": [{"literal": "Newsroom science desk"}],
        "issued": {"date-parts": [[2023, 8, 18]]},
        "URL": STORY.url,
        "abstract": "Replications found copper sulfide.",
    }
