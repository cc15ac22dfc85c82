"""A story's share card (trust/share_cards.py, served by trust.views.share_card): a
1200×630 PNG of its headline and reality score, kept by the HTTP cache under the story's
key and drawn again when the score changes; any headline draws, never a 500."""

import io
import urllib.request

import pytest
from django.urls import reverse
from PIL import Image, ImageColor

from articles.models import Article, story_cache_key
from core import cache_purges, httpcache
from tests.core.test_http_cache_stack import cache_url, wait_for  # noqa: F401 (fixture)
from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from trust import card_layout, share_cards
from trust.models import ComponentScore
from trust.services import rescore_article

pytestmark = pytest.mark.django_db

HOSTILE = (
    "مرحبا بالعالم 🧪🔬👩‍🔬 "
    "מוליך-על בטמפרטורת החדר "
    "Z̵̢̛a̷l̸g̶o̵ "
    "\u202e\u200f\x00\x1b[31m\ud800 "
    "https://example.org/" + "a" * 200 + " 中文标题 "
)


def card_url(story):
    return reverse("trust:share_card", args=[story.slug])


def png(response):
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def colour_at(image, point):
    return image.getpixel(tuple(round(value) for value in point))


def rgb(hex_colour):
    return ImageColor.getrgb(hex_colour)


def filled_up_to(score):
    """A point in the middle of the gauge's stroke at ``score``."""
    return card_layout.arc_point(180 + 180 * score / 100)


def set_component(story, value):
    ComponentScore.objects.filter(article=story, component__from_sources=False).update(value=value)


def test_a_story_s_card_is_a_1200_by_630_png_for_the_shared_cache(client, story):
    response = client.get(card_url(story))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = png(response)
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert response[httpcache.SURROGATE_KEY_HEADER] == story_cache_key(story.slug)
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "s-maxage" in cache_control
    again = client.get(card_url(story), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_a_card_costs_one_query(client, story, django_assert_num_queries):
    # The story with its assessment.
    with django_assert_num_queries(1):
        assert client.get(card_url(story)).status_code == 200


def test_the_card_draws_the_score_on_the_gauge_in_its_band_s_colour(client, story):
    # The conftest story scores 60: Likely.
    image = png(client.get(card_url(story)))

    likely = rgb(share_cards.BAND_COLOURS["likely"])
    assert colour_at(image, filled_up_to(55)) == likely
    assert colour_at(image, filled_up_to(70)) == rgb(share_cards.RULE)
    assert colour_at(image, (600, 625)) == likely


def test_the_card_is_purged_with_the_story_and_drawn_again_when_the_score_changes(
    client, story, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.HTTP_CACHE_PURGE_URLS = ["http://127.0.0.1:9/"]
    purged = []
    monkeypatch.setattr(cache_purges, "send_purge", lambda keys, soft=False: purged.extend(keys))
    before = client.get(card_url(story))

    set_component(story, 100)
    with django_capture_on_commit_callbacks(execute=True):
        rescore_article(article=story, reason="A larger trial reported")

    assert story_cache_key(story.slug) in purged
    after = client.get(card_url(story))
    assert after["ETag"] != before["ETag"]
    image = png(after)
    # 50 % of 100 and 50 % of the sources' 80: 90, Established.
    established = rgb(share_cards.BAND_COLOURS["established"])
    assert colour_at(image, filled_up_to(85)) == established
    assert colour_at(image, (600, 625)) == established


def test_a_story_not_scored_yet_gets_a_card_with_an_empty_gauge(client):
    image = png(client.get(card_url(make_article())))

    assert image.size == (1200, 630)
    assert colour_at(image, filled_up_to(1)) == rgb(share_cards.RULE)
    assert colour_at(image, filled_up_to(99)) == rgb(share_cards.RULE)


def test_a_hostile_headline_still_draws(client):
    story = make_article()
    # What PostgreSQL can hold of it (no NUL, no lone surrogate), past the form's checks.
    storable = HOSTILE.replace("\x00", "").replace("\ud800", "")[:160]
    Article.objects.filter(pk=story.pk).update(headline=storable)

    response = client.get(card_url(story))

    assert response.status_code == 200
    assert png(response).size == (1200, 630)


def test_any_headline_draws_and_a_huge_one_costs_no_more_than_a_long_one():
    def card(headline):
        return share_cards.ShareCard(
            headline=headline, score=55, stage="Lab proof of concept", site_name="Newsroom"
        )

    huge = (HOSTILE * 100)[:10_000]
    drawn = share_cards.draw(card(huge))

    assert Image.open(io.BytesIO(drawn)).size == (1200, 630)
    # Only the first few hundred characters are ever measured.
    assert share_cards.draw(card(huge * 10)) == drawn
    for headline in ["", " ", "\n\t", "\u202e", "🧪" * 50, "中" * 300]:
        assert Image.open(io.BytesIO(share_cards.draw(card(headline)))).size == (1200, 630)


def test_a_machine_without_the_fonts_still_draws_a_card(monkeypatch):
    for name in ["TEXT_FONT", "TEXT_BOLD_FONT", "SITE_NAME_FONT"]:
        monkeypatch.setattr(share_cards, name, "NoSuchFont.ttf")
    monkeypatch.setattr(share_cards, "HEADLINE_FONTS", ("NoSuchFont.ttf", "NoSuchFont-Bold.ttf"))
    card = share_cards.ShareCard(
        headline="A headline", score=72, stage="Phase II or a pilot system", site_name="Newsroom"
    )

    assert Image.open(io.BytesIO(share_cards.draw(card))).size == (1200, 630)


def test_the_alt_text_says_what_the_card_shows():
    assert share_cards.alt_text(headline="LK-99 fails", score=9) == (
        "Newsroom share card: “LK-99 fails” — reality score 9 out of 100, Speculative."
    )
    assert share_cards.alt_text(headline="New", score=None) == (
        "Newsroom share card: “New” — not scored yet."
    )
    assert len(share_cards.alt_text(headline="x" * 1000, score=50)) == share_cards.MAX_ALT


def test_no_card_for_a_story_readers_cannot_see(client):
    draft = make_article(status=Article.Status.DRAFT)

    assert client.get(card_url(draft)).status_code == 404
    assert client.get("/articles/no-such-story/card.png").status_code == 404


def test_an_editor_previewing_a_draft_gets_its_card_privately(client, editor):
    draft = make_article(status=Article.Status.DRAFT)

    response = client.get(card_url(draft))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    assert httpcache.SURROGATE_KEY_HEADER not in response


def test_a_query_string_is_redirected_away_and_a_post_refused(client, story):
    response = client.get(card_url(story), {"utm_source": "x", "size": "huge"})

    assert response.status_code == 301
    assert response["Location"] == card_url(story)
    assert client.post(card_url(story)).status_code == 405
    assert client.head(card_url(story)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_http_cache_keeps_the_card_until_the_score_changes(cache_url):  # noqa: F811
    criteria = make_criteria()
    story = make_article()
    cite(story, make_source(meets=criteria))
    make_meter(story, values=[40, None], weights=[50, 50])
    url = cache_url + card_url(story)

    def fetch():
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.headers["X-Cache"], answer.headers["Content-Type"], answer.read()

    first = fetch()
    assert first[1] == "image/png"
    assert fetch()[0] == "hit"

    set_component(story, 100)
    rescore_article(article=story, reason="A larger trial reported")

    wait_for(lambda: fetch()[2] != first[2], 2)
    assert fetch()[0] == "hit"
