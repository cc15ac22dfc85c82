"""No executable markup survives anywhere editors' text or readers' input is shown.

Each vector of the corpus goes into every editor-written field at once (Markdown
bodies, glossary definitions, question criteria, source notes, citation titles
and notes, headlines, standfirsts, names) and then every page, feed, JSON-LD
block, the sitemap and the admin's change pages that show those fields are
parsed and inspected (tests/security/html_checks.py). Reader input goes in
through every form a reader can send.
"""

import json
import xml.etree.ElementTree as ET

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import markup
from core.readers import signed_reader_cookie
from predictions import services as prediction_services
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
    make_term,
    make_topic,
)
from tests.security.html_checks import (
    assert_no_executable_markup,
    json_ld_blocks,
    text_of,
    url_scheme,
)
from tests.security.xss_vectors import XSS_VECTORS
from trust.forms import SourceForm
from trust.models import Citation, Criterion, MeterComponent

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# A word the search page can find in every story of these tests.
FINDABLE = "zebrafish"
READER = "0123456789abcdef0123456789abcdef"


def vector_ids():
    return [f"v{index:03d}" for index in range(len(XSS_VECTORS))]


def test_the_corpus_is_large_and_varied():
    assert len(XSS_VECTORS) >= 60
    assert len(set(XSS_VECTORS)) == len(XSS_VECTORS)


@pytest.mark.parametrize("vector", XSS_VECTORS, ids=vector_ids())
def test_markdown_pipeline_leaves_nothing_executable(vector):
    for section in ("explanation", "definition", "criteria"):
        html = markup.render(vector, section=section)
        assert_no_executable_markup(html, fragment=True, where=f"render({vector!r})")
    terms = [markup.Term("term", (vector[:40], "alert"))]
    marked = markup.render(f"{vector} alert {vector}", terms=terms)
    assert_no_executable_markup(marked, fragment=True, where=f"render with terms ({vector!r})")


def hostile_story(vector):
    """A story with the vector in every field an editor writes, and its evidence and question."""
    topic = make_topic(name=vector[:80], description=vector)
    term = make_term(term=vector[:110] + " t", aliases=f"{vector[:100]}, alert", definition=vector)
    article = make_article(
        topics=[topic],
        terms=[term],
        headline=vector[:160],
        dek=vector[:300],
        byline=vector[:120],
        explanation=f"{vector}\n\n{FINDABLE} {vector}",
        technical=f"{vector}\n\nalert {vector}",
    )
    criteria = make_criteria()
    Criterion.objects.filter(pk=criteria[0].pk).update(description=vector)
    source = make_source(
        meets=criteria[:1], name=vector[:150] + " s", description=vector, criteria=criteria
    )
    source.results.update(note=vector)
    source.score_changes.update(reason=vector[:300])
    cite(article, source, title=vector[:400], note=vector[:300], kind=Citation.Kind.PREPRINT)
    make_meter(article, values=[70, None], weights=[60, 40])
    article.assessment.horizon_note = vector[:300]
    article.assessment.save()
    article.component_scores.update(rationale=vector)
    MeterComponent.objects.update(description=vector)
    question = make_question(article, text=vector[:300], criteria=vector)
    prediction_services.submit_forecast(question=question, reader_id=READER, probability=40)

    resolved_story = make_article(topics=[topic], headline=f"Resolved {vector[:100]}")
    resolved = make_question(resolved_story, text=vector[:300], criteria=vector)
    prediction_services.submit_forecast(question=resolved, reader_id=READER, probability=60)
    prediction_services.resolve_question(question=resolved, resolution="yes", note=vector)
    return article, topic, term, source, question, resolved


def public_pages(article, topic, term, source, question, resolved):
    return [
        "/",
        article.get_absolute_url(),
        resolved.article.get_absolute_url(),
        "/topics/",
        topic.get_absolute_url(),
        "/glossary/",
        term.get_absolute_url(),
        "/sources/",
        source.get_absolute_url(),
        "/methodology/",
        "/predictions/",
        question.get_absolute_url(),
        resolved.get_absolute_url(),
        "/predictions/leaderboard/",
        "/community/",
        f"/search/?q={FINDABLE}",
    ]


def get_ok(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("vector", XSS_VECTORS, ids=vector_ids())
def test_editor_text_is_inert_on_every_public_page_feed_and_sitemap_and_in_the_admin(
    client, admin_client, vector
):
    objects = hostile_story(vector)
    article = objects[0]
    for url in public_pages(*objects):
        assert_no_executable_markup(get_ok(client, url), where=url)
    client.cookies["reader"] = signed_reader_cookie(READER)
    assert_no_executable_markup(get_ok(client, "/predictions/me/"), where="/predictions/me/")

    page = get_ok(client, article.get_absolute_url())
    # Headlines are text: shown exactly as typed, never as markup.
    assert text_of(page, "h1") == article.headline
    blocks = json_ld_blocks(page)
    assert [block["@type"] for block in blocks][:2] == ["NewsArticle", "BreadcrumbList"]
    assert blocks[0]["headline"] == article.headline
    assert blocks[0]["description"] == article.dek

    for url in ("/feeds/rss/", "/feeds/atom/", f"/feeds/topics/{objects[1].slug}/rss/"):
        assert_feed_is_inert(client, url, article)
    assert_sitemap_is_inert(client)
    assert_admin_is_inert(admin_client, vector, *objects)


def assert_feed_is_inert(client, url, article):
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # well-formed XML, whatever the headline held
    if root.tag == "rss":
        items = root.iter("item")
        fields = [(item.findtext("title"), item.findtext("description")) for item in items]
    else:
        entries = root.iter(f"{ATOM}entry")
        fields = [
            (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary")) for entry in entries
        ]
    assert article.headline in [title for title, _ in fields]
    for _, description in fields:
        assert_no_executable_markup(description or "", fragment=True, where=url)


def assert_sitemap_is_inert(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = [element.text for element in root.iter(f"{SITEMAP}loc")]
    assert locations
    for location in locations:
        assert location.startswith("http://testserver/"), location


def assert_admin_is_inert(admin_client, vector, article, topic, term, source, question, _):
    pages = [
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_glossaryterm_change", args=[term.pk]),
        reverse("admin:articles_topic_change", args=[topic.pk]),
        reverse("admin:trust_source_change", args=[source.pk]),
        reverse("admin:predictions_question_change", args=[question.pk]),
    ]
    for url in pages:
        assert_no_executable_markup(get_ok(admin_client, url), where=url)
    preview_url = reverse("admin:articles_article_markdown_preview")
    response = admin_client.post(preview_url, {"source": vector, "section": "explanation"})
    assert response.status_code == 200
    assert_no_executable_markup(response.json()["html"], fragment=True, where="preview")


def test_a_javascript_link_cannot_be_saved_as_a_citation_or_home_page():
    """Links that editors type are printed as href: the admin's forms allow only web schemes."""
    fields = [
        Citation._meta.get_field("url").formfield(assume_scheme="https"),
        SourceForm.base_fields["home_url"],
    ]
    for form_field in fields:
        for url in ("javascript:alert(1)", "data:text/html,x", "vbscript:x", "JaVaScRiPt:x"):
            with pytest.raises(ValidationError):
                form_field.clean(url)
        assert url_scheme(form_field.clean("https://example.org/a")) == "https"
    assert url_scheme(" \tjava\nscript:alert(1)") == "javascript"


@pytest.fixture
def story_with_question():
    article = make_article()
    make_question(article)
    return article


@pytest.mark.parametrize("vector", XSS_VECTORS, ids=vector_ids())
def test_reader_input_is_inert_wherever_it_is_echoed(client, story_with_question, vector):
    article = story_with_question
    question = article.question
    topic = article.topics.get()

    response = client.post(f"/articles/{article.slug}/read/", {"choice": vector})
    assert response.status_code == 400
    assert_no_executable_markup(response.content.decode(), where="read choice")

    response = client.post(
        f"/articles/{article.slug}/read/", {"choice": vector}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    json.loads(response.content)

    # Refused without JavaScript, it lands on the story, shown in the form as it was sent.
    response = client.post(
        f"/predictions/{question.slug}/forecast/", {"probability": vector}, follow=True
    )
    assert response.redirect_chain[0][1] == 302
    assert_no_executable_markup(response.content.decode(), where="forecast probability")

    searches = [
        {"q": vector},
        {"q": f"{vector} {article.headline}", "topic": topic.slug},
        {"q": "story", "topic": vector},
        {"q": "story", "page": vector},
    ]
    for params in searches:
        response = client.get("/search/", params, follow=True)
        assert response.status_code in {200, 400}, params
        assert_no_executable_markup(response.content.decode(), where=f"search {params}")

    for params in ({"kind": vector}, {"sort": vector}, {"kind": "journal", "sort": vector}):
        response = client.get("/sources/", params)
        assert response.status_code in {200, 400}, params
        assert_no_executable_markup(response.content.decode(), where=f"sources {params}")
