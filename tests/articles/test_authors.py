"""Authors: bylines link to a page with their stories and the corrections on them."""

import importlib
import json
import re
from datetime import timedelta

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Author, Correction
from tests import query_budgets
from tests.factories import make_article, make_author, make_picture, make_topic

pytestmark = pytest.mark.django_db


def jsonld(page, kind):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return next(json.loads(block) for block in blocks if f'"@type": "{kind}"' in block)


@pytest.fixture
def mara():
    return make_author(name="Mara Lindqvist", slug="mara-lindqvist", bio="Mara covers medicine.")


def test_a_byline_links_to_its_authors_page(client, mara):
    story = make_article(byline="Mara Lindqvist", author=mara)
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'By <a rel="author" href="/authors/mara-lindqvist/">Mara Lindqvist</a>' in page


def test_a_story_saved_with_a_byline_only_links_to_the_author_of_that_name(mara):
    assert make_article(byline="Mara Lindqvist").author == mara
    assert make_article(byline="Someone Else").author is None


def test_a_byline_without_an_author_is_printed_as_before(client):
    story = make_article(byline="A Guest Writer")
    page = client.get(story.get_absolute_url()).content.decode()
    assert '<span class="story__byline">By A Guest Writer</span>' in page


def test_the_author_page_lists_their_public_stories_and_the_corrections_on_them(client, mara):
    public = make_article(author=mara, headline="A public story")
    draft = make_article(author=mara, headline="A draft", status=Article.Status.DRAFT)
    other = make_article(headline="Someone else's story")
    Correction.objects.create(article=public, note="The dose was 10 mg, not 100 mg.")
    Correction.objects.create(article=draft, note="A note on a draft.")
    Correction.objects.create(article=other, note="A note on another story.")

    response = client.get(mara.get_absolute_url())
    page = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Mara Lindqvist</h1>" in page and "Mara covers medicine." in page
    assert "A public story" in page
    assert "A draft" not in page and "Someone else&#x27;s story" not in page
    assert "The dose was 10 mg, not 100 mg." in page
    assert f'<a href="{public.get_absolute_url()}">A public story</a>' in page
    assert "A note on a draft." not in page and "A note on another story." not in page


def test_an_author_without_corrections_says_so(client, mara):
    make_article(author=mara)
    assert "None so far." in client.get(mara.get_absolute_url()).content.decode()


def test_an_unknown_author_is_404(client):
    assert client.get(reverse("articles:author", args=["nobody"])).status_code == 404


def test_story_jsonld_names_the_author_with_their_page(client, mara):
    story = make_article(byline="Mara Lindqvist", author=mara)
    article = jsonld(client.get(story.get_absolute_url()).content.decode(), "NewsArticle")
    assert article["author"] == {
        "@type": "Person",
        "name": "Mara Lindqvist",
        "url": "http://testserver/authors/mara-lindqvist/",
    }


def test_the_author_page_describes_the_person_in_jsonld(client, mara):
    profile = jsonld(client.get(mara.get_absolute_url()).content.decode(), "ProfilePage")
    assert profile["mainEntity"] == {
        "@type": "Person",
        "name": "Mara Lindqvist",
        "url": "http://testserver/authors/mara-lindqvist/",
        "description": "Mara covers medicine.",
    }


def test_the_author_page_is_shared_by_the_http_cache_under_the_authors_key(client, mara):
    response = client.get(mara.get_absolute_url())
    assert "public" in response["Cache-Control"] and "s-maxage=" in response["Cache-Control"]
    assert "author-mara-lindqvist" in response["xkey"].split()


def test_author_pages_are_in_the_sitemap(client, mara):
    make_article(author=mara)
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert "<loc>http://testserver/authors/mara-lindqvist/</loc>" in sitemap


def test_author_page_queries_do_not_grow_with_stories(client, mara, django_assert_num_queries):
    topic = make_topic()
    for number in range(12):
        story = make_article(author=mara, topics=[topic, make_topic()])
        Correction.objects.create(article=story, note=f"Correction {number}.")
    make_picture(story)
    with django_assert_num_queries(query_budgets.AUTHOR_PAGE):
        page = client.get(mara.get_absolute_url()).content.decode()
    assert page.count("Correction ") == 12


def test_the_migration_makes_an_author_of_each_byline():
    old = make_article(byline="Tomás Okafor")
    Article.objects.filter(pk=old.pk).update(author=None)
    migration = importlib.import_module("articles.migrations.0007_pictures_and_authors")

    migration.bylines_to_authors(apps, None)

    old.refresh_from_db()
    assert old.author == Author.objects.get(slug="tomas-okafor", name="Tomás Okafor")


def test_fixture_stories_link_to_authors_with_bios(client, fixture_content):
    assert not Article.objects.filter(author=None).exists()
    mara = Author.objects.get(slug="mara-lindqvist")
    assert mara.bio
    page = client.get(mara.get_absolute_url()).content.decode()
    assert page.count('<article class="card') == mara.articles.count()


def test_a_scheduled_story_stays_off_its_authors_page(client, mara):
    make_article(author=mara, headline="Not yet", published_at=timezone.now() + timedelta(days=1))
    assert "Not yet" not in client.get(mara.get_absolute_url()).content.decode()


def test_fixture_authors_slugs_are_the_ones_the_byline_migration_makes():
    entries = yaml.safe_load((settings.BASE_DIR / "fixtures" / "authors.yaml").read_text())
    for entry in entries:
        assert entry["fields"]["slug"] == slugify(entry["fields"]["name"])
