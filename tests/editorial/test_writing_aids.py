"""Writing aids beside each section: reading level and length against the house
targets, and the words that want a glossary entry or a definition."""

import pytest
from django.urls import reverse

from articles import writing
from tests.factories import make_term

PLAIN = "The bees learned to count. They picked the card with four dots. " * 30
DENSE = (
    "Chimeric antigen receptor engineering of stem-cell-like memory lymphocytes demonstrated "
    "considerable persistence notwithstanding heterogeneous immunophenotypic characteristics. "
) * 20


def test_plain_text_meets_the_explanations_target_and_dense_text_is_flagged():
    plain = writing.assess(PLAIN, section="explanation", glossary={}, listed=set())
    assert plain.words == 360
    assert plain.reading_ease > 60 and plain.grade < 8
    assert plain.notes == []

    dense = writing.assess(DENSE, section="explanation", glossary={}, listed=set())
    assert dense.reading_ease < 50
    assert any(note.startswith("Hard for a general reader") for note in dense.notes)
    assert "Above grade 10, the house's ceiling for this section." in dense.notes
    short = writing.assess("Bees count.", section="explanation", glossary={}, listed=set())
    assert short.notes == ["Short: the house aims for at least 300 words."]


def test_the_technical_deep_dive_has_no_reading_level_target():
    dense = writing.assess(DENSE * 2, section="technical", glossary={}, listed=set())
    assert dense.target.min_reading_ease is None
    assert dense.notes == []


def test_glossary_terms_used_but_not_listed_and_undefined_abbreviations_are_flagged():
    text = (
        "The **US** Food and Drug Administration (FDA) cleared a [CAR-T](https://x.org) "
        "product after a phase II trial run by the NIH. T cells did the work; TSCMs lasted."
    )
    glossary = {"CAR-T therapy": ("CAR-T therapy", "CAR-T"), "T cell": ("T cell", "T cells")}
    aids = writing.assess(text, section="explanation", glossary=glossary, listed={"T cell"})
    assert aids.unlisted_terms == ["CAR-T therapy"]
    assert aids.undefined_abbreviations == ["NIH", "TSCMs"]  # FDA is defined; II, US pass


@pytest.mark.django_db
def test_the_form_asks_the_server_for_the_aids_of_each_section(client, editor):
    listed = make_term(term="Honeybee", slug="honeybee", aliases="honeybees")
    make_term(term="Waggle dance", slug="waggle-dance")
    response = client.post(
        reverse("admin:articles_article_writing_aids"),
        {
            "source": "Honeybees perform a waggle dance. The USDA counts hives.",
            "section": "explanation",
            "terms": [str(listed.pk)],
        },
    )
    html = response.json()["html"]
    assert "Writing aids — for a general reader" in html
    assert "9 words (house range 300–1200)" in html
    assert "not listed on the story: <strong>Waggle dance</strong>." in html
    assert "Abbreviations with no definition: <strong>USDA</strong>." in html


@pytest.mark.django_db
def test_readers_cannot_use_the_writing_aids_and_overlong_text_is_refused(client, editor):
    url = reverse("admin:articles_article_writing_aids")
    refused = client.post(url, {"source": "x" * 100_001, "section": "explanation"})
    assert refused.status_code == 400 and refused.json()["error"]
    assert client.__class__().post(url, {"source": "x"}).status_code == 302
