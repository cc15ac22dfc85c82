"""Search: full text over published stories, with a trigram fallback for misspellings."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.models import Article
from tests.factories import make_article, make_term, make_topic

pytestmark = pytest.mark.django_db


def search_page(client, query, **params):
    return client.get(reverse("articles:search"), {"q": query, **params})


def found_slugs(response):
    return [story.slug for story in response.context["results"]]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Tscm", "tscm-car-t-first-in-human"),
        ("hohlraum", "nif-fusion-ignition"),
        ("semaglutide", "semaglutide-select-trial-heart-events"),
    ],
)
def test_a_distinctive_term_finds_its_story_first(client, fixture_content, query, slug):
    response = search_page(client, query)

    assert response.status_code == 200
    assert found_slugs(response)[0] == slug
    assert not response.context["similar"]


@pytest.mark.parametrize(
    ("misspelling", "slug"),
    [
        ("superconducter", "lk-99-superconductor-claim-fails-replication"),
        ("perovskyte", "perovskite-silicon-tandem-solar-record"),
        ("hohlram", "nif-fusion-ignition"),
    ],
)
def test_a_misspelling_still_finds_the_story(client, fixture_content, misspelling, slug):
    response = search_page(client, misspelling)

    assert response.status_code == 200
    assert found_slugs(response)[0] == slug


def test_a_fallback_match_says_it_shows_similar_words(client, fixture_content):
    response = search_page(client, "perovskyte")

    assert response.context["similar"]
    assert "Showing results for similar words" in response.content.decode()


def test_the_snippet_highlights_the_match(client, fixture_content):
    html = search_page(client, "Tscm").content.decode()

    assert "<mark>Tscm</mark>" in html


def test_the_snippet_lets_no_editor_html_through():
    make_article(explanation="Write `<img src=x onerror=alert(1)>` near the word quasar.")

    snippet = search.search_stories("quasar").stories.get().snippet
    html = search.highlighted(snippet)

    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<mark>quasar</mark>" in html


def test_drafts_and_scheduled_stories_never_appear(client):
    public = make_article(headline="Quasar seen at the edge")
    make_article(headline="Quasar draft", status=Article.Status.DRAFT)
    make_article(headline="Quasar to come", published_at=timezone.now() + timedelta(days=1))

    assert found_slugs(search_page(client, "quasar")) == [public.slug]
    # Nor through the fallback for misspellings.
    assert found_slugs(search_page(client, "quasarr")) == [public.slug]


def test_headline_outranks_standfirst_outranks_body(client):
    in_body = make_article(explanation="A magnetar flared.")
    in_headline = make_article(headline="A magnetar flares")
    in_dek = make_article(dek="What a magnetar does.")

    assert found_slugs(search_page(client, "magnetar")) == [
        in_headline.slug,
        in_dek.slug,
        in_body.slug,
    ]


def test_glossary_terms_are_searched_and_kept_in_step(client):
    term = make_term(term="Quasi-stellar object", aliases="QSO")
    article = make_article(terms=[term])
    assert found_slugs(search_page(client, "QSO")) == [article.slug]

    term.aliases = "QSOs, blazar"
    term.save()
    assert found_slugs(search_page(client, "blazar")) == [article.slug]

    article.glossary_terms.remove(term)
    assert found_slugs(search_page(client, "blazar")) == []

    doomed = make_term(term="Magnetar")
    article.glossary_terms.add(doomed)
    assert found_slugs(search_page(client, "magnetar")) == [article.slug]
    doomed.delete()
    assert found_slugs(search_page(client, "magnetar")) == []


def test_web_search_syntax_quotes_exclusion_and_or(client):
    dark_matter = make_article(explanation="Dark matter halos surround galaxies.")
    matter_dark = make_article(explanation="Matter that is dark, in theory.")
    energy = make_article(explanation="Dark energy drives expansion.")

    assert found_slugs(search_page(client, '"dark matter"')) == [dark_matter.slug]
    assert set(found_slugs(search_page(client, "dark -matter"))) == {energy.slug}
    assert set(found_slugs(search_page(client, "halos or expansion"))) == {
        dark_matter.slug,
        energy.slug,
    }
    assert matter_dark.slug in found_slugs(search_page(client, "dark matter"))


def test_an_exclusion_that_leaves_nothing_is_not_undone_by_the_fallback(client):
    make_article(headline="Magnetar flares")

    response = search_page(client, "magnetar -flares")

    assert found_slugs(response) == []
    assert not response.context["similar"]


def test_topic_filter_narrows_results(client):
    astronomy, biology = make_topic(name="Astronomy"), make_topic(name="Biology")
    in_astronomy = make_article(headline="Pulsar timing", topics=[astronomy])
    make_article(headline="Pulsar-like rhythms in cells", topics=[biology])

    response = search_page(client, "pulsar", topic=astronomy.slug)

    assert found_slugs(response) == [in_astronomy.slug]


def test_an_unknown_topic_is_a_form_error(client):
    response = search_page(client, "pulsar", topic="no-such-topic")

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_an_empty_query_shows_the_form_and_a_prompt(client):
    response = client.get(reverse("articles:search"))

    assert response.status_code == 200
    assert "results" not in response.context
    assert "Type a word or two" in response.content.decode()


@pytest.mark.parametrize("query", ["!!!", "?", "-- ''", "&&& |||"])
def test_a_punctuation_only_query_says_it_needs_words(client, query):
    response = search_page(client, query)

    assert response.status_code == 200
    assert "Searches need letters or numbers" in response.content.decode()


def test_a_stop_word_query_finds_nothing_rather_than_everything(client):
    make_article(headline="The comet returns")

    response = search_page(client, "the")

    assert response.status_code == 200
    assert found_slugs(response) == []


def test_a_query_of_common_words_alone_says_such_words_are_ignored(client):
    make_article(headline="The comet returns")

    html = search_page(client, "the of and").content.decode()

    assert "Search ignores very common words" in html
    assert "No stories match" not in html


def test_a_query_with_no_match_still_says_no_stories_match(client):
    make_article(headline="The comet returns")

    html = search_page(client, "zzyzx qqxj").content.decode()

    assert "No stories match “zzyzx qqxj”" in html
    assert "Search ignores very common words" not in html


def test_a_phrase_snippet_shows_no_footnote_number(client, fixture_content):
    html = search_page(client, '"memory T cells"').content.decode()

    assert "<mark>cells</mark> (Tscm) in patients" in html
    assert "(Tscm)1" not in html


def test_a_snippet_keeps_a_formulas_superscripts_and_the_text_between_them():
    make_article(
        headline="Copper in lead apatite",
        explanation="In the claimed material Cu^2+^ replaces Pb^2+^ at some sites of the crystal.",
    )

    [story] = search.search_stories("replaces").stories

    assert "replaces" in story.snippet and "crystal" in story.snippet


def test_the_heading_of_a_phrase_search_does_not_double_its_quotes(client, fixture_content):
    html = search_page(client, '"memory T cells"').content.decode()

    assert re.search(r"stor(y|ies) match(es)? &quot;memory T cells&quot;\s*</h2>", html)
    assert "“&quot;" not in html


def test_a_very_long_query_is_cut_with_a_message(client):
    make_article(headline="Neutrino oscillations")
    query = "neutrino " + "x" * 5000

    response = search_page(client, query)

    assert response.status_code == 200
    assert len(response.context["query"]) == search.MAX_QUERY_LENGTH
    assert "Searches can be up to 200 characters long" in response.content.decode()


def test_a_null_character_is_a_form_error_not_a_crash(client):
    assert search_page(client, "quasar\x00").status_code == 400


@pytest.mark.parametrize("page", ["0", "-1", "999", "abc", "", "1"])
def test_results_pagination_edges_lead_to_the_nearest_pages_own_url(client, page):
    for _ in range(12):
        make_article(headline="Exoplanet atmospheres")

    response = search_page(client, "exoplanet", page=page)

    assert response.status_code == 301
    assert response["Location"] in {"/search/?q=exoplanet", "/search/?page=2&q=exoplanet"}
    landed = client.get(response["Location"])
    assert landed.status_code == 200
    assert landed.context["results"].object_list


def test_results_pages_keep_the_query_in_their_links(client):
    for _ in range(12):
        make_article(headline="Exoplanet atmospheres")

    response = search_page(client, "exoplanet")

    assert len(response.context["results"]) == 10
    assert 'href="?q=exoplanet&amp;page=2"' in response.content.decode()


def test_the_search_uses_the_gin_index():
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            slug=f"bulk-{number}",
            headline=f"Routine result number {number}",
            dek="Nothing much happened.",
            byline="Bulk Desk",
            explanation="An ordinary paragraph " + ("with a zeptosecond" if number < 3 else ""),
            technical="Ordinary detail.",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=number),
        )
        for number in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")

    results = search.search_stories("zeptosecond")
    plan = results.stories.explain()

    assert results.stories.count() == 3
    assert "article_search_idx" in plan
