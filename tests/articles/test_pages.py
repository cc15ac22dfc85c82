"""The reader-facing pages of the articles app, through real HTTP on PostgreSQL."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests import query_budgets
from tests.factories import make_article, make_term, make_topic

pytestmark = pytest.mark.django_db


def test_front_page_shows_lead_latest_and_topics(client):
    topic = make_topic(name="Astronomy")
    older = make_article(
        headline="An older story", topics=[topic], published_at=timezone.now() - timedelta(days=2)
    )
    newest = make_article(headline="The newest story", topics=[topic])

    response = client.get(reverse("articles:front"))

    assert response.status_code == 200
    assert response.context["lead"] == newest
    assert list(response.context["latest"]) == [older]
    assert "Astronomy" in response.content.decode()


def test_article_page_shows_both_registers_and_the_glossary(client):
    term = make_term(term="Quasar", definition="A very bright *galactic* nucleus.")
    article = make_article(
        explanation="A quasar outshines its galaxy.",
        technical="The quasar's accretion disc radiates.",
        terms=[term],
    )

    response = client.get(article.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="explanation"' in html and 'id="technical"' in html
    assert 'href="#technical"' in html and 'href="#explanation"' in html
    assert (
        f'<button type="button" class="term" popovertarget="define-{term.slug}">quasar</button>'
        in html
    )
    assert f'id="term-{term.slug}"' in html
    assert "<em>galactic</em>" in html
    assert article.headline in html and article.dek in html


def test_a_marked_term_opens_its_definition_in_place_and_links_its_page(client):
    term = make_term(term="Quasar", definition="A very bright *galactic* nucleus.")
    article = make_article(explanation="A quasar outshines its galaxy.", terms=[term])

    html = client.get(article.get_absolute_url()).content.decode()

    popover = html[html.index(f'<div id="define-{term.slug}"') :]
    popover = popover[: popover.index("</button>\n</div>")]
    assert " popover " in popover and 'role="dialog"' in popover
    assert f'aria-labelledby="define-{term.slug}-name"' in popover
    assert f'href="{term.get_absolute_url()}"' in popover
    assert f'popovertarget="define-{term.slug}" popovertargetaction="hide"' in popover
    # Stored HTML keeps its links to the glossary, for feeds and other pages.
    article.refresh_from_db()
    assert f'<a class="term" href="#term-{term.slug}">quasar</a>' in article.explanation_html


def test_a_table_in_a_story_scrolls_in_a_focusable_labelled_box(client):
    article = make_article(technical="| Dose | Response |\n|---|---|\n| 1 mg | none |\n")

    html = client.get(article.get_absolute_url()).content.decode()

    assert (
        '<div class="prose-table" role="region" tabindex="0" aria-label="Table, scrolls sideways">'
        in html
    )
    assert html.count("<table>") == html.count('class="prose-table"') == 1


@pytest.mark.parametrize(
    ("part", "shown", "left_out"),
    [
        ("explanation", 'id="explanation"', ['id="technical"', 'id="evidence"']),
        ("technical", 'id="technical"', ['id="explanation"', 'id="evidence"']),
        ("evidence", 'id="evidence"', ['id="explanation"', 'id="technical"']),
    ],
)
def test_each_part_of_a_story_has_a_page_of_its_own(client, part, shown, left_out):
    article = make_article()

    response = client.get(article.get_absolute_url(), {"part": part})

    html = response.content.decode()
    assert response.status_code == 200
    assert shown in html and not any(other in html for other in left_out)
    assert f"You are reading the {part} part of this story on its own" in html
    assert f'href="?part={part}" aria-current="page"' in html
    assert f"<title>{part.capitalize()}: {article.headline}" in html


def test_an_unknown_part_is_a_400_with_a_plain_sentence(client):
    article = make_article()

    response = client.get(article.get_absolute_url(), {"part": "appendix"})

    assert response.status_code == 400
    assert "A story can be read whole or in one of three parts" in response.content.decode()


def test_draft_article_is_404_for_readers(client):
    draft = make_article(status=Article.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_future_article_is_hidden_until_its_time(client):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    front = client.get(reverse("articles:front"))
    assert scheduled.headline not in front.content.decode()


@pytest.mark.parametrize("name", ["articles:detail", "articles:topic", "articles:term"])
def test_unknown_slug_is_404(client, name):
    assert client.get(reverse(name, kwargs={"slug": "no-such-thing"})).status_code == 404


def test_topic_index_counts_only_public_stories(client):
    topic = make_topic(name="Oceans")
    make_article(topics=[topic])
    make_article(topics=[topic], status=Article.Status.DRAFT)

    response = client.get(reverse("articles:topics"))

    listed = {t.name: t.story_count for t in response.context["topic_list"]}
    assert listed["Oceans"] == 1


def test_topic_index_lists_topics_a_to_z_and_says_so(client):
    for name in ["Zoology", "Astronomy", "Materials", "Botany"]:
        make_article(topics=[make_topic(name=name)])

    response = client.get(reverse("articles:topics"))

    assert response.context["topic_list"].ordered
    assert [t.name for t in response.context["topic_list"]] == [
        "Astronomy",
        "Botany",
        "Materials",
        "Zoology",
    ]
    assert "<h1>Topics, A–Z</h1>" in response.content.decode()


def test_topic_page_lists_its_public_stories_only(client):
    topic = make_topic(name="Volcanoes")
    public = make_article(topics=[topic])
    draft = make_article(topics=[topic], status=Article.Status.DRAFT)
    elsewhere = make_article()

    response = client.get(topic.get_absolute_url())

    assert response.status_code == 200
    assert list(response.context["stories"]) == [public]
    html = response.content.decode()
    assert draft.headline not in html and elsewhere.headline not in html


def test_topic_page_paginates(client):
    topic = make_topic()
    for _ in range(25):
        make_article(topics=[topic])

    first = client.get(topic.get_absolute_url())
    second = client.get(topic.get_absolute_url(), {"page": 2})

    assert len(first.context["stories"]) == 20
    assert len(second.context["stories"]) == 5


def test_glossary_index_and_term_page(client):
    term = make_term(term="Redshift", definition="Light stretched to longer wavelengths.")
    using = make_article(explanation="Redshift tells distance.", terms=[term])
    not_using = make_article()

    index = client.get(reverse("articles:glossary"))
    assert "Redshift" in index.content.decode()
    assert "Light stretched" in index.content.decode()

    page = client.get(term.get_absolute_url())
    assert page.status_code == 200
    assert list(page.context["stories"]) == [using]
    assert not_using.headline not in page.content.decode()


def test_markdown_is_rendered_on_save_not_per_request(client, django_assert_num_queries):
    article = make_article(explanation="**Bold** claim.")
    article.refresh_from_db()
    assert article.explanation_html == "<p><strong>Bold</strong> claim.</p>"


def test_reading_time_follows_the_length_of_both_sections():
    article = make_article(explanation="word " * 460, technical="word " * 460)
    assert article.reading_time_minutes == 4


def test_renaming_a_term_remarks_the_stories_that_use_it():
    term = make_term(term="Pulsar")
    article = make_article(explanation="A pulsar spins.", terms=[term])
    term.slug = "pulsars"
    term.save()
    article.refresh_from_db()
    assert 'href="#term-pulsars"' in article.explanation_html


def test_article_page_query_count_does_not_grow_with_topics_or_terms(
    client, django_assert_num_queries
):
    small = make_article(terms=[make_term()])
    large = make_article(
        topics=[make_topic() for _ in range(10)], terms=[make_term() for _ in range(15)]
    )
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE):
        response = client.get(large.get_absolute_url())
    assert len(response.context["article"].glossary_terms.all()) == 15


def test_front_page_query_count_does_not_grow_with_stories(client, django_assert_num_queries):
    for _ in range(15):
        make_article(topics=[make_topic(), make_topic()])
    with django_assert_num_queries(query_budgets.FRONT_PAGE):
        client.get(reverse("articles:front"))
