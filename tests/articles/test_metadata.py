"""What link previews and search engines read: canonical URLs, descriptions, OG, JSON-LD."""

import json
from datetime import datetime
from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_criteria, make_source, make_term, make_topic

pytestmark = pytest.mark.django_db


class HeadParser(HTMLParser):
    """Collects <meta>, <link> and JSON-LD blocks, and the search forms, of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.jsonld, self.search_forms = [], [], [], []
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_jsonld = True
        elif tag == "form" and attrs.get("role") == "search":
            self.search_forms.append(attrs)

    def handle_endtag(self, tag):
        self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld.append(json.loads(data))

    def meta_content(self, key):
        return [m["content"] for m in self.meta if key in (m.get("name"), m.get("property"))]

    def canonical(self):
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]


def parse(html):
    parser = HeadParser()
    parser.feed(html)
    return parser


def make_site():
    """One of everything a reader can land on."""
    topic = make_topic(name="Astronomy", description="Stars, planets and the space between.")
    term = make_term(term="Quasar")
    article = make_article(topics=[topic], terms=[term])
    make_criteria()
    source = make_source()
    return {
        "front": reverse("articles:front"),
        "topics": reverse("articles:topics"),
        "topic": topic.get_absolute_url(),
        "glossary": reverse("articles:glossary"),
        "term": term.get_absolute_url(),
        "article": article.get_absolute_url(),
        "sources": reverse("trust:sources"),
        "source": source.get_absolute_url(),
        "methodology": reverse("trust:methodology"),
        "search": reverse("articles:search") + "?q=quasar",
    }


def test_every_page_has_a_canonical_link_a_description_and_a_search_box(client):
    for name, url in make_site().items():
        response = client.get(url)
        assert response.status_code == 200, name
        page = parse(response.content.decode())

        path = url.split("?")[0]
        assert page.canonical() == [f"http://testserver{path}"], name
        [description] = page.meta_content("description")
        assert description.strip(), name
        assert page.meta_content("og:site_name") == ["Newsroom"], name
        assert len(page.meta_content("og:title")) == 1, name
        assert {form["action"] for form in page.search_forms} == {reverse("articles:search")}


def test_a_later_page_of_a_list_is_its_own_canonical_page(client):
    topic = make_topic()
    for _ in range(21):
        make_article(topics=[topic])

    page = parse(client.get(topic.get_absolute_url(), {"page": 2}).content.decode())

    assert page.canonical() == [f"http://testserver{topic.get_absolute_url()}?page=2"]


def test_topic_page_shares_its_own_title_and_description(client):
    topic = make_topic(name="Oceans", description="The sea and what lives in it.")

    page = parse(client.get(topic.get_absolute_url()).content.decode())

    assert page.meta_content("og:title") == ["Oceans — Newsroom"]
    assert page.meta_content("og:description") == ["The sea and what lives in it."]
    assert page.meta_content("og:type") == ["website"]
    assert page.meta_content("og:url") == [f"http://testserver{topic.get_absolute_url()}"]


def test_search_results_are_not_indexed(client):
    page = parse(client.get(reverse("articles:search"), {"q": "quasar"}).content.decode())

    assert page.meta_content("robots") == ["noindex, follow"]


def test_article_jsonld_parses_and_matches_the_page(client):
    topic = make_topic(name="Astronomy")
    article = make_article(topics=[topic], terms=[make_term(term="Quasar")])
    article.refresh_from_db()

    html = client.get(article.get_absolute_url()).content.decode()
    [news] = [block for block in parse(html).jsonld if block["@type"] == "NewsArticle"]

    assert news["headline"] == article.headline
    assert news["description"] == article.dek
    assert datetime.fromisoformat(news["datePublished"]) == article.published_at.replace(
        microsecond=article.published_at.microsecond // 1000 * 1000
    )
    assert datetime.fromisoformat(news["dateModified"]).date() == article.updated_at.date()
    assert f'datetime="{article.published_at:%Y-%m-%dT%H:%M:%S}' in html
    assert news["author"] == {"@type": "Person", "name": article.byline}
    assert news["publisher"]["name"] == "Newsroom"
    assert news["articleSection"] == "Astronomy"
    assert news["keywords"] == ["Astronomy", "Quasar"]
    assert news["mainEntityOfPage"] == f"http://testserver{article.get_absolute_url()}"


def render_tag(tag, article):
    request = RequestFactory().get(article.get_absolute_url())
    template = Template("{% load articles_tags %}{% " + tag + " article %}")
    return template.render(
        Context({"article": article, "request": request, "site_name": "Newsroom"})
    )


@pytest.fixture
def story():
    topics = [make_topic(name="Physics"), make_topic(name="Energy")]
    terms = [make_term(term="Hohlraum"), make_term(term="Ignition")]
    make_article(topics=topics, terms=terms, headline='Lasers & "ignition"')
    return Article.objects.for_detail().get(headline='Lasers & "ignition"')


def test_open_graph_describes_the_story(story, django_assert_num_queries):
    # One query: the share card's alt text reads the story's assessment (on the page, the
    # evidence panels reuse it).
    with django_assert_num_queries(1):
        page = parse(render_tag("open_graph", story))

    assert page.meta_content("og:type") == ["article"]
    assert page.meta_content("og:title") == ['Lasers & "ignition"']
    assert page.meta_content("og:description") == [story.dek]
    assert page.meta_content("og:url") == [f"http://testserver{story.get_absolute_url()}"]
    [published] = page.meta_content("article:published_time")
    assert datetime.fromisoformat(published) == story.published_at
    [modified] = page.meta_content("article:modified_time")
    assert datetime.fromisoformat(modified) == story.updated_at
    assert page.meta_content("article:section") == ["Energy"]
    assert page.meta_content("article:tag") == ["Energy", "Physics", "Hohlraum", "Ignition"]
    assert page.meta_content("twitter:card") == ["summary_large_image"]


def test_breadcrumb_jsonld_runs_home_first_topic_story(story, django_assert_num_queries):
    with django_assert_num_queries(0):
        [breadcrumbs] = parse(render_tag("breadcrumb_jsonld", story)).jsonld

    assert breadcrumbs["@type"] == "BreadcrumbList"
    items = breadcrumbs["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert [item["name"] for item in items] == ["Newsroom", "Energy", story.headline]
    first_topic = story.topics.all()[0]
    assert items[1]["item"] == f"http://testserver{first_topic.get_absolute_url()}"
    assert items[2]["item"] == f"http://testserver{story.get_absolute_url()}"


def test_jsonld_cannot_close_its_script_block():
    article = make_article(headline="</script><script>alert(1)</script>")
    article = Article.objects.for_detail().get(pk=article.pk)

    html = render_tag("breadcrumb_jsonld", article)

    assert "</script><script>" not in html
    assert parse(html).jsonld[0]["itemListElement"][-1]["name"] == article.headline
