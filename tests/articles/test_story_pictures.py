"""Every story has a picture where one picture stands for it (articles/previews.py): its
lead picture, or else the share card trust draws for it. Link previews (Open Graph,
Twitter), JSON-LD, the RSS and Atom feeds and the API all carry the same one, and on
the fixture site every story's og:image answers with an image of the size it claims."""

import io
from urllib.parse import urlsplit

import feedparser
import pytest
from django.urls import reverse
from PIL import Image

from articles import extensions
from articles.models import Article
from tests.articles.test_metadata import parse
from tests.factories import cite, make_article, make_criteria, make_meter, make_picture, make_source
from trust.share_cards import alt_text

pytestmark = pytest.mark.django_db

FEEDS = ["articles:feed_rss", "articles:feed_atom"]


@pytest.fixture
def story():
    """A story scoring 60 (Likely): a component at 40 and sources trusted at 80, half each."""
    criteria = make_criteria()
    article = make_article()
    cite(article, make_source(meets=criteria))
    cite(article, make_source(meets=criteria[:1]))
    make_meter(article, values=[40, None], weights=[50, 50])
    return article


def card_url(story):
    return f"http://testserver{reverse('trust:share_card', args=[story.slug])}"


def story_page(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return parse(response.content.decode())


def news_article(page):
    [news] = [block for block in page.jsonld if block["@type"] == "NewsArticle"]
    return news


def fetch_image(client, url):
    """The image at ``url`` (absolute, on the test server), opened with Pillow."""
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("image/"), url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    image = Image.open(io.BytesIO(body))
    image.load()
    return response["Content-Type"], image


def test_a_story_without_a_lead_picture_is_shared_with_its_card(client, story):
    page = story_page(client, story)

    url = card_url(story)
    assert page.meta_content("og:image") == [url]
    assert page.meta_content("og:image:type") == ["image/png"]
    assert page.meta_content("og:image:width") == ["1200"]
    assert page.meta_content("og:image:height") == ["630"]
    alt = alt_text(headline=story.headline, score=60)
    assert "reality score 60 out of 100, Likely" in alt
    assert page.meta_content("og:image:alt") == [alt]
    assert page.meta_content("twitter:card") == ["summary_large_image"]
    assert page.meta_content("twitter:image") == [url]
    assert page.meta_content("twitter:image:alt") == [alt]
    [image] = news_article(page)["image"]
    assert (image["url"], image["width"], image["height"]) == (url, 1200, 630)


def test_a_story_with_a_lead_picture_is_shared_with_it_instead(client, story):
    lead = make_picture(story, alt="A chart of the trial's result.")

    page = story_page(client, story)

    [url] = page.meta_content("og:image")
    assert url == f"http://testserver{lead.picture.share.fallback['url']}"
    assert page.meta_content("og:image:alt") == ["A chart of the trial's result."]
    assert page.meta_content("twitter:image") == [url]
    [image] = news_article(page)["image"]
    assert image["url"] == url
    assert image["creditText"] == lead.picture.credit


def test_a_story_not_scored_yet_says_so_in_its_card_s_alt_text(client):
    story = make_article(headline="Fresh news")

    page = story_page(client, story)

    assert page.meta_content("og:image:alt") == [
        "Newsroom share card: “Fresh news” — not scored yet."
    ]


def test_without_a_drawn_picture_registered_a_story_without_one_has_none(
    client, story, monkeypatch
):
    undrawn = [known for known in extensions.registered() if known.share_image is None]
    assert len(undrawn) < len(extensions.registered())
    monkeypatch.setattr(extensions, "_registered", undrawn)

    page = story_page(client, story)

    assert page.meta_content("og:image") == []
    assert page.meta_content("twitter:card") == ["summary"]
    assert "image" not in news_article(page)
    assert client.get(reverse("api:story", args=[story.slug])).json()["story"]["image"] is None


@pytest.mark.parametrize("name", FEEDS)
def test_feed_items_carry_each_story_s_picture(client, name, story):
    pictured = make_article()
    lead = make_picture(pictured)

    response = client.get(reverse(name))
    feed = feedparser.parse(response.content)

    assert feed.bozo == 0, feed.get("bozo_exception")
    pictures = {entry.link: entry.media_content for entry in feed.entries}
    assert pictures[f"http://testserver{story.get_absolute_url()}"] == [
        {
            "url": card_url(story),
            "type": "image/png",
            "medium": "image",
            "width": "1200",
            "height": "630",
        }
    ]
    [picture] = pictures[f"http://testserver{pictured.get_absolute_url()}"]
    assert picture["url"] == f"http://testserver{lead.picture.share.fallback['url']}"
    assert picture["type"] == lead.picture.share.fallback["type"]


@pytest.mark.parametrize("name", FEEDS)
def test_a_feed_s_pictures_cost_no_query_per_story(client, name, django_assert_num_queries):
    make_picture(make_article())
    make_article()
    # The stories with their scores, their topics, their lead pictures.
    with django_assert_num_queries(3):
        client.get(reverse(name))

    for _ in range(4):
        make_picture(make_article())
        make_article()
    with django_assert_num_queries(3):
        client.get(reverse(name))


def test_the_api_s_story_document_carries_the_picture(client, story):
    document = client.get(reverse("api:story", args=[story.slug])).json()["story"]

    assert document["image"] == {
        "url": card_url(story),
        "type": "image/png",
        "width": 1200,
        "height": 630,
        "alt": alt_text(headline=story.headline, score=60),
        "caption": "",
        "credit": "",
    }


@pytest.mark.usefixtures("fixture_content")
def test_every_fixture_story_s_og_image_answers_with_the_image_it_claims(client):
    leads = 0
    for story in Article.objects.published():
        page = story_page(client, story)
        [url] = page.meta_content("og:image")
        content_type, image = fetch_image(client, url)

        assert page.meta_content("og:image:type") == [content_type], story.slug
        size = [int(page.meta_content(f"og:image:{side}")[0]) for side in ("width", "height")]
        assert list(image.size) == size, story.slug
        assert page.meta_content("og:image:alt")[0].strip(), story.slug
        assert news_article(page)["image"][0]["url"] == url, story.slug
        if url == card_url(story):
            assert (image.format, image.size) == ("PNG", (1200, 630)), story.slug
        else:
            leads += 1
    # The team's own charts: NIF's first and second ignition, Casgevy's two approvals,
    # the tandem solar cells, Wegovy's heart label, lecanemab's traditional approval.
    assert leads >= 7
