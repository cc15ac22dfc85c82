"""The evidence panels on the article page and the trust app's own pages."""

import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests import query_budgets
from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from trust.models import Source

pytestmark = pytest.mark.django_db


class _JsonLd(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.blocks, self._inside = [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs

    def handle_data(self, data):
        if self._inside:
            self.blocks.append(json.loads(data))

    def handle_endtag(self, tag):
        self._inside = False


def jsonld(response):
    return {block["@type"]: block for block in _JsonLd(response.content.decode()).blocks}


@pytest.fixture
def scored_article():
    """Score 38: values 45, (95), 10, 25, 20 at weights 30, 15, 20, 20, 15."""
    criteria = make_criteria((95, 5))
    article = make_article(headline="Stem-like T cells in a first trial")
    cite(article, make_source(name="Nature", meets=criteria[:1]), doi="10.1038/nm.2446")
    make_meter(article, values=[45, None, 10, 25, 20], weights=[30, 15, 20, 20, 15])
    return article


def test_article_shows_the_meter_with_contributions_that_add_up(client, scored_article):
    response = client.get(scored_article.get_absolute_url())
    html = response.content.decode()

    assert 'class="meter__number">38<' in html
    assert "Early signal" in html
    assert "Why this score?" in html
    contributions = [row.contribution for row in response.context["meter"].rows]
    assert contributions == [14, 14, 2, 5, 3] and sum(contributions) == 38
    assert "First in humans, phase I" in html
    assert "Why component 0 has this value." in html


def test_article_shows_trust_layer_horizon_and_sources(client, scored_article):
    html = client.get(scored_article.get_absolute_url()).content.decode()
    assert "Sources on file: <strong>1</strong>" in html
    assert "Average trust: <strong>95/100</strong>" in html
    assert "5–10 years" in html and "Soon." in html
    assert "Trust 95/100 · High" in html
    assert 'href="https://doi.org/10.1038/nm.2446"' in html


def test_article_without_assessment_or_sources_says_so_plainly(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "This story has not been assessed yet." in html
    assert "No sources on file for this story yet." in html
    assert "Not estimated yet." in html
    assert "meter__number" not in html


def test_jsonld_carries_the_article_and_the_same_score(client, scored_article):
    blocks = jsonld(client.get(scored_article.get_absolute_url()))
    assert blocks["NewsArticle"]["headline"] == "Stem-like T cells in a first trial"
    rating = blocks["ClaimReview"]["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (38, 100, 0)


def test_jsonld_cannot_be_closed_by_editor_text(client):
    article = make_article(headline="</script><script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    assert jsonld(client.get(article.get_absolute_url()))["NewsArticle"]["headline"].startswith(
        "</script>"
    )


def test_article_page_query_count_is_constant_as_citations_grow(client, django_assert_num_queries):
    criteria = make_criteria()
    small, large = make_article(), make_article()
    cite(small, make_source(meets=criteria))
    make_meter(small, values=[50, None], weights=[50, 50])
    for _ in range(12):
        cite(large, make_source(meets=criteria[:1]))
    make_meter(large, values=[50, None], weights=[50, 50])

    for article in (small, large):
        with django_assert_num_queries(query_budgets.ARTICLE_PAGE):
            assert client.get(article.get_absolute_url()).status_code == 200


def test_source_directory_sorts_by_trust_and_filters_by_kind(client):
    criteria = make_criteria((60, 40))
    make_source(name="Low Journal", meets=[])
    make_source(name="High Journal", meets=criteria)
    make_source(name="A Preprint Server", kind=Source.Kind.PREPRINT_SERVER, meets=criteria[:1])

    by_trust = client.get(reverse("trust:sources"))
    assert [s.name for s in by_trust.context["sources"]] == [
        "High Journal",
        "A Preprint Server",
        "Low Journal",
    ]
    by_name = client.get(reverse("trust:sources"), {"sort": "name"})
    assert [s.name for s in by_name.context["sources"]][0] == "A Preprint Server"
    preprints = client.get(reverse("trust:sources"), {"kind": "preprint"})
    assert [s.name for s in preprints.context["sources"]] == ["A Preprint Server"]


def test_source_directory_answers_a_bad_filter_with_a_400_and_a_message(client):
    response = client.get(reverse("trust:sources"), {"kind": "tabloid", "sort": "'; DROP"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_source_page_shows_its_label_history_and_citing_stories(client, scored_article):
    source = Source.objects.get(name="Nature")
    draft = make_article(status="draft")
    cite(draft, source)

    response = client.get(source.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "Criterion 0" in html and "95 of 95" in html and "0 of 5" in html
    assert "first scored 95" in html
    assert list(response.context["stories"]) == [scored_article]


def test_methodology_shows_the_rubric_in_force(client):
    criteria = make_criteria((70, 30))
    criteria[0].name = "Peer review before publication"
    criteria[0].save()
    html = client.get(reverse("trust:methodology")).content.decode()
    assert "Peer review before publication" in html and ">70<" in html
    assert "Early signal" in html and "Generally reliable" in html
    assert "Approved and in use (TRL 9)" in html
