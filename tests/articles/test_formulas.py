"""Issue 34: formulas with sub- and superscripts, written in Markdown as ``H~2~O`` and
``Cu^2+^`` (core/markup.py), in the admin preview, the story page, the feeds, the API and
search; and the fixture stories' formulas written so."""

import re
from pathlib import Path

import feedparser
import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from tests.factories import make_article, make_question

pytestmark = pytest.mark.django_db

APATITE = "Pb~10−x~Cu~x~(PO~4~)~6~O"
APATITE_HTML = "Pb<sub>10−x</sub>Cu<sub>x</sub>(PO<sub>4</sub>)<sub>6</sub>O"
LK_99_FAILS = "lk-99-superconductor-claim-fails-replication"
MARKDOWN_FIELDS = ("explanation", "technical", "definition", "criteria")
# The fixture stories' formulas written flat, as they were (Cu2S, Pb2+, PO4, C60), and
# Unicode sub- and superscript look-alikes (Cu₂S, Cu²⁺). Units keep ² and ³ (cm²), which
# screen readers read as "squared".
FLAT_FORMULA = re.compile(r"Pb10|Pb2|Cu2|Cu3P|PO4|SO4|LuH\d|\bC60\b")
LOOK_ALIKES = re.compile("[\u2070\u2071\u2074-\u209c]")


@pytest.fixture
def formula_story():
    return make_article(
        explanation=f"Copper sits in {APATITE}, as Cu^2+^.",
        technical="Water is H~2~O; a typo fix is not ~5 % of the ~~text~~.",
    )


def test_a_story_page_shows_formulas_with_sub_and_superscripts(client, formula_story):
    html = client.get(formula_story.get_absolute_url()).content.decode()

    assert f"Copper sits in {APATITE_HTML}, as Cu<sup>2+</sup>." in html
    assert "Water is H<sub>2</sub>O; a typo fix is not ~5 % of the ~~text~~." in html


@pytest.mark.parametrize("name", ["articles:feed_rss", "articles:feed_atom"])
def test_feeds_carry_them(client, formula_story, name):
    feed = feedparser.parse(client.get(reverse(name)).content)
    [entry] = feed.entries

    assert APATITE_HTML in entry.summary and "Cu<sup>2+</sup>" in entry.summary


def test_the_admin_preview_shows_them(client, editor):
    response = client.post(
        reverse("admin:articles_article_markdown_preview"),
        {"source": f"{APATITE} and e^−iωt^", "section": "technical"},
    )

    assert response.json()["html"] == f"<p>{APATITE_HTML} and e<sup>−iωt</sup></p>"


def test_the_api_gives_a_questions_criteria_with_them(client):
    question = make_question(criteria="**Yes** if CO~2~ falls below 350 ppm.")

    body = client.get(reverse("api:question", args=[question.slug])).json()

    assert "CO<sub>2</sub> falls below 350 ppm" in body["question"]["criteria_html"]


@pytest.mark.parametrize("query", ["Cu2+", "Pb10-xCux(PO4)6O", "PO4"])
def test_search_finds_a_formula_as_readers_type_it(client, formula_story, query):
    make_article(explanation="Copper and lead, but no formula.")

    response = client.get(reverse("articles:search"), {"q": query})

    assert [story.slug for story in response.context["results"]] == [formula_story.slug]


def test_the_lk_99_follow_up_reads_its_formulas_in_markup(client, fixture_content):
    html = client.get(reverse("articles:detail", args=[LK_99_FAILS])).content.decode()

    assert f"copper-substituted lead apatite, {APATITE_HTML}" in html
    assert "when Cu<sup>2+</sup> replaces Pb<sup>2+</sup>" in html
    assert "Copper(I) sulfide, Cu<sub>2</sub>S, forms" in html
    found = client.get(reverse("articles:search"), {"q": "Cu2S"}).context["results"]
    assert LK_99_FAILS in [story.slug for story in found]


def _fixture_markdown():
    for path in sorted(Path(settings.BASE_DIR, "fixtures").glob("*.yaml")):
        for record in filter(lambda entry: "model" in entry, yaml.safe_load(path.read_text())):
            for field in MARKDOWN_FIELDS:
                if record["fields"].get(field):
                    yield pytest.param(record["fields"][field], id=f"{path.stem}-{field}")


@pytest.mark.parametrize("source", list(_fixture_markdown()))
def test_fixture_prose_writes_formulas_in_markup(source):
    assert not FLAT_FORMULA.findall(source)
    assert not LOOK_ALIKES.findall(source)
