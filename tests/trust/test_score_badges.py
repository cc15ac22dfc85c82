"""The reality score as a badge on every story card: listings, search, related stories."""

import pytest
from django.urls import reverse

from tests import query_budgets
from tests.factories import cite, make_article, make_criteria, make_meter, make_source, make_term

pytestmark = pytest.mark.django_db


def scored_story(**overrides):
    """A story scored 74, Likely: a component at 48 and source trust 100, half each."""
    from trust.models import Criterion

    article = make_article(**overrides)
    cite(article, make_source(meets=list(Criterion.objects.all()) or make_criteria()))
    make_meter(article, values=[48, None], weights=[50, 50])
    return article


BADGE = "Reality score 74/100 · Likely"


def test_every_listing_card_shows_the_score_and_band_in_words(client):
    term = make_term(term="Quasar")
    story = scored_story(explanation="A quasar shines.", terms=[term])
    unscored = make_article(topics=list(story.topics.all()))
    pages = [
        reverse("articles:front"),
        story.topics.first().get_absolute_url(),
        term.get_absolute_url(),
        reverse("articles:search") + "?q=quasar",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert f'<span class="badge badge--likely">{BADGE}</span>' in html, url
    topic_page = client.get(story.topics.first().get_absolute_url()).content.decode()
    assert unscored.headline in topic_page
    assert "Reality score: not yet scored" in topic_page


def test_related_stories_carry_the_badge_of_each_story(client):
    term = make_term()
    story = make_article(terms=[term])
    related = scored_story(terms=[term])
    html = client.get(story.get_absolute_url()).content.decode()
    related_block = html[html.index('id="related-heading"') :]
    assert related.headline in related_block
    assert BADGE in related_block


def test_a_new_score_reaches_the_cards(client):
    story = scored_story()
    assert BADGE in client.get(reverse("articles:front")).content.decode()
    from trust.models import ComponentScore
    from trust.services import rescore_article

    ComponentScore.objects.filter(article=story, value=48).update(value=8)
    rescore_article(article=story, reason="Test")
    front = client.get(reverse("articles:front")).content.decode()
    assert "Reality score 54/100 · Plausible" in front


def test_listing_query_counts_stay_flat_with_scored_stories(client, django_assert_num_queries):
    term = make_term()
    stories = [scored_story(terms=[term]) for _ in range(6)]
    topic = stories[0].topics.first()
    for story in stories[1:]:
        story.topics.add(topic)
    with django_assert_num_queries(query_budgets.FRONT_PAGE):
        client.get(reverse("articles:front"))
    with django_assert_num_queries(query_budgets.LISTING_PAGE):
        client.get(topic.get_absolute_url())
    with django_assert_num_queries(query_budgets.LISTING_PAGE):
        client.get(term.get_absolute_url())
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE):
        client.get(stories[0].get_absolute_url())
