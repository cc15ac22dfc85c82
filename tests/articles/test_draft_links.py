"""Sharing a draft: preview links for named outside readers (articles/draft_links.py),
through the admin, the page an outside reader opens and the HTTP cache in front."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import draft_links
from articles.models import Article, PreviewLink
from core.editors import EDITORS_GROUP, MARKER_COOKIE_NAME
from tests import query_budgets
from tests.core.test_http_cache_stack import cache_url  # noqa: F401 (a fixture)
from tests.factories import make_article, make_term, make_topic
from tests.test_html_validity import assert_valid_html
from tools.localcache import fetch

pytestmark = pytest.mark.django_db

TSCM = "tscm-car-t-first-in-human"
NO_STORE = "private, no-store"


def make_draft(**overrides):
    fields = {"status": Article.Status.DRAFT, "published_at": None}
    return make_article(**(fields | overrides))


def make_url(article):
    return reverse("admin:articles_article_make_preview_link", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def make_form(**overrides):
    data = {"reader_name": "Dr Ada Osei", "reader_email": "", "note": "", "days": "7"}
    return {f"preview-{name}": value for name, value in (data | overrides).items()}


def share(article, editor, **overrides):
    return draft_links.make_link(
        article=article, reader_name="Dr Ada Osei", made_by=editor, **overrides
    )


def outside_reader():
    """A browser that has never been to the site: no session, no cookies."""
    return Client()


def address(link):
    return draft_links.url_of(link)


def assert_private_and_unindexed(response):
    assert response["Cache-Control"] == NO_STORE
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert "xkey" not in response
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def assert_shows_no_story(response, story):
    html = response.content.decode()
    for said in (story.headline, story.dek, story.slug, story.explanation[:30]):
        assert said not in html


def posting_forms(html):
    return re.findall(r"<form\b[^>]*method\s*=\s*[\"']?post", html, flags=re.IGNORECASE)


# Making a link, and the page an outside reader opens


def test_an_editor_makes_a_link_and_a_reader_without_a_session_opens_it(client, editor):
    story = make_draft(explanation="Bees can count to four.", technical="A Y-maze assay.")

    made = client.post(make_url(story), make_form(days="3"))

    link = PreviewLink.objects.get(article=story)
    assert made.status_code == 302
    assert made["Location"] == f"{change_url(story)}#preview-link-{link.pk}"
    assert (link.reader_name, link.made_by, link.opened_count) == ("Dr Ada Osei", editor, 0)
    assert link.expires_at - link.made_at == timedelta(days=3)

    reader = outside_reader()
    response = reader.get(address(link))

    html = response.content.decode()
    assert response.status_code == 200
    assert_private_and_unindexed(response)
    assert "Preview — not published." in html
    assert "Shared with Dr Ada Osei until" in html
    assert link.expires_at.strftime("%-d %B %Y") in html
    assert "Bees can count to four." in html and "A Y-maze assay." in html
    assert 'id="explanation"' in html and 'id="technical"' in html and 'id="evidence"' in html
    assert posting_forms(html) == []
    assert "panels.js" not in html
    assert reader.cookies == {} or "sessionid" not in reader.cookies
    link.refresh_from_db()
    assert link.opened_count == 1 and link.last_opened_at is not None


def test_the_preview_shows_the_evidence_and_none_of_the_panels_where_readers_write(
    editor, fixture_content
):
    story = Article.objects.get(slug=TSCM)
    story.status = Article.Status.IN_REVIEW
    story.save()
    link = share(story, editor)

    html = outside_reader().get(address(link)).content.decode()

    assert "Preview — not published." in html and "In review" in html
    assert 'class="meter' in html  # the reality meter, from trust's evidence panel
    assert 'id="sources' in html or "Sources" in html
    assert posting_forms(html) == []
    for written in ("/read/", "/forecast/", "/follow", "data-panel-form", "Forecast it"):
        assert written not in html, written
    assert "application/ld+json" not in html
    assert 'rel="canonical"' not in html and "og:title" not in html


def test_a_scheduled_story_says_when_it_comes_out(editor):
    out_at = timezone.now() + timedelta(days=2)
    story = make_article(published_at=out_at)
    link = share(story, editor)

    html = outside_reader().get(address(link)).content.decode()

    assert f"Scheduled for {out_at.strftime('%-d %B %Y')}" in html


def test_a_part_of_the_story_opens_on_its_own_and_a_made_up_part_is_refused(editor):
    story = make_draft(explanation="Plain words here.", technical="Deep words here.")
    link = share(story, editor)
    reader = outside_reader()

    alone = reader.get(address(link), {"part": "technical"})
    refused = reader.get(address(link), {"part": "<script>"})

    assert "Deep words here." in alone.content.decode()
    assert "Plain words here." not in alone.content.decode()
    assert refused.status_code == 400 and refused["Cache-Control"] == NO_STORE
    assert_shows_no_story(refused, story)


def test_a_story_published_since_says_so_and_leads_to_its_page(editor):
    story = make_draft()
    link = share(story, editor)
    story.status, story.published_at = Article.Status.PUBLISHED, timezone.now()
    story.save()

    response = outside_reader().get(address(link))

    html = response.content.decode()
    assert response.status_code == 200
    assert_private_and_unindexed(response)
    assert "This story is now published" in html
    assert f'href="{story.get_absolute_url()}"' in html
    assert story.explanation not in html


# Links that do not open


def test_an_altered_or_forged_token_is_not_found_and_names_no_story(editor):
    story = make_draft()
    other = make_draft()
    link, others_link = share(story, editor), share(other, editor)
    token = draft_links.token_for(link)
    payload, signature = token.rsplit(":", 1)
    others_payload = draft_links.token_for(others_link).rsplit(":", 1)[0]
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    forged = [
        f"{payload}:{flipped}",
        f"{others_payload}:{signature}",
        signing.Signer(salt="another.salt").sign_object([link.pk, link.key]),
        signing.Signer(salt=draft_links.SALT).sign_object([others_link.pk, link.key]),
        signing.Signer(salt=draft_links.SALT).sign_object({"link": link.pk}),
        signing.dumps([link.pk, link.key], salt=draft_links.SALT),
        "not-a-token",
        "x" * 5000,
    ]
    reader = outside_reader()

    for token in forged:
        response = reader.get(reverse("articles:draft_preview", kwargs={"token": token}))
        assert response.status_code == 404, token
        assert_private_and_unindexed(response)
        assert "This preview link does not work" in response.content.decode()
        assert_shows_no_story(response, story)
        assert_shows_no_story(response, other)
    assert PreviewLink.objects.filter(opened_count__gt=0).count() == 0


def test_a_link_opens_its_own_story_only(editor):
    story = make_draft(headline="The first draft")
    make_draft(headline="The second")
    link = share(story, editor)

    html = outside_reader().get(address(link)).content.decode()

    assert "The first draft" in html and "The second" not in html


def test_an_expired_link_is_gone_and_names_no_story(editor):
    story = make_draft()
    link = share(story, editor, days=1, now=timezone.now() - timedelta(days=1, seconds=1))

    response = outside_reader().get(address(link))

    assert response.status_code == 410
    assert_private_and_unindexed(response)
    assert "This preview link has expired" in response.content.decode()
    assert_shows_no_story(response, story)
    link.refresh_from_db()
    assert link.opened_count == 0


def test_a_revoked_link_is_gone_at_once_and_names_no_story(client, editor):
    story = make_draft()
    link = share(story, editor)
    reader = outside_reader()
    assert reader.get(address(link)).status_code == 200

    revoked = client.post(
        reverse("admin:articles_article_revoke_preview_link", args=[story.pk, link.pk])
    )
    response = reader.get(address(link))

    assert revoked.status_code == 302
    assert response.status_code == 410
    assert_private_and_unindexed(response)
    assert "This preview link has been withdrawn" in response.content.decode()
    assert_shows_no_story(response, story)
    link.refresh_from_db()
    assert link.revoked_by == editor and link.revoked_at is not None


def test_revoking_twice_keeps_the_first_revocation(editor):
    link = share(make_draft(), editor)
    first = draft_links.revoke(link=link, by=editor).revoked_at

    again = draft_links.revoke(link=link, by=editor, now=first + timedelta(hours=1))

    assert again.revoked_at == first


def test_a_deleted_story_takes_its_links_with_it(editor):
    story = make_draft()
    link = share(story, editor)
    token = draft_links.token_for(link)
    story.delete()

    response = outside_reader().get(reverse("articles:draft_preview", kwargs={"token": token}))

    assert response.status_code == 404


# Who may share, and the rules a link keeps


def test_only_editors_who_may_change_the_story_make_or_revoke_links(editor):
    story = make_draft()
    link = share(story, editor)
    reader = User.objects.create_user("reader", password="a-long-reader-password")
    staff = User.objects.create_user("intern", password="a-long-intern-password", is_staff=True)

    for user in (reader, staff):
        other = Client()
        other.force_login(user)
        assert other.post(make_url(story), make_form()).status_code == 302  # to the login
        revoke = reverse("admin:articles_article_revoke_preview_link", args=[story.pk, link.pk])
        assert other.post(revoke).status_code == 302
        with pytest.raises(ValidationError):
            share(story, user)
    assert PreviewLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_an_editor_without_the_right_to_change_stories_cannot_share(editor):
    editors = Group.objects.get(name=EDITORS_GROUP)
    editors.permissions.remove(*editors.permissions.filter(codename="change_article"))
    viewer = User.objects.create_user("viewer", password="a-long-viewer-password", is_staff=True)
    viewer.groups.add(editors)
    story = make_draft()
    as_viewer = Client()
    as_viewer.force_login(viewer)

    refused = as_viewer.post(make_url(story), make_form())

    assert refused.status_code == 403
    assert not PreviewLink.objects.exists()


def test_a_link_lasts_one_to_thirty_days_and_is_for_someone(client, editor):
    story = make_draft()

    for bad in (make_form(days="31"), make_form(days="0"), make_form(reader_name="  ")):
        response = client.post(make_url(story), bad)
        assert response.status_code == 400
        assert 'class="errorlist"' in response.content.decode()
    with pytest.raises(ValidationError):
        share(story, editor, days=45)
    assert not PreviewLink.objects.exists()


def test_a_public_story_is_shared_by_its_own_address(client, editor):
    story = make_article()

    response = client.post(make_url(story), make_form())

    assert response.status_code == 400
    assert "share its own address instead" in response.content.decode()
    assert not PreviewLink.objects.exists()
    form = client.get(change_url(story)).content.decode()
    assert "Make a preview link</button>" not in form


def test_the_database_keeps_a_links_life_within_thirty_days(editor):
    link = share(make_draft(), editor)
    link.expires_at = link.made_at + timedelta(days=31)

    with pytest.raises(Exception, match="preview_link_life_within_limit"):
        link.save()


# The admin's part of the story form


def test_the_story_form_lists_who_has_a_link_with_its_address_to_copy(client, editor):
    story = make_draft()
    open_link = share(story, editor, reader_email="ada@example.org", note="checks the numbers")
    gone = share(story, editor)
    draft_links.revoke(link=gone, by=editor)
    outside_reader().get(address(open_link))

    html = client.get(change_url(story)).content.decode()

    part = html[html.index('id="preview-links"') :]
    assert "ada@example.org" in part and "checks the numbers" in part
    assert f'value="http://testserver{address(open_link)}"' in part
    assert address(gone) not in part
    assert "1 time, last" in part and "Revoked" in part
    assert "Make a preview link</button>" in part
    assert f'id="preview-link-{open_link.pk}"' in part


def test_revoking_is_a_post(client, editor):
    story = make_draft()
    link = share(story, editor)
    url = reverse("admin:articles_article_revoke_preview_link", args=[story.pk, link.pk])

    assert client.get(url).status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


# Cost, and staying out of what is shared


def test_the_preview_page_query_count_does_not_grow_with_topics_or_terms(
    editor, django_assert_num_queries
):
    small = share(make_draft(terms=[make_term()]), editor)
    large = share(
        make_draft(
            topics=[make_topic() for _ in range(10)], terms=[make_term() for _ in range(15)]
        ),
        editor,
    )
    reader = outside_reader()

    with django_assert_num_queries(query_budgets.DRAFT_PREVIEW_PAGE):
        reader.get(address(small))
    with django_assert_num_queries(query_budgets.DRAFT_PREVIEW_PAGE):
        response = reader.get(address(large))
    assert len(response.context["article"].glossary_terms.all()) == 15


def test_a_refused_link_costs_one_query_at_most(editor, django_assert_num_queries):
    link = share(make_draft(), editor)
    draft_links.revoke(link=link, by=editor)
    reader = outside_reader()

    with django_assert_num_queries(0):
        reader.get(reverse("articles:draft_preview", kwargs={"token": "forged:token"}))
    with django_assert_num_queries(1):
        reader.get(address(link))


def test_no_preview_address_reaches_the_sitemap_the_feeds_or_search(editor):
    story = make_draft(headline="Unpublished bees")
    link = share(story, editor)
    reader = outside_reader()
    reader.get(address(link))

    for url in ("/sitemap.xml", "/feeds/rss/", "/feeds/atom/", "/search/?q=bees"):
        html = reader.get(url).content.decode()
        assert "/preview/" not in html and "Unpublished bees" not in html, url


# Through the real HTTP cache (newsroom/deploy/varnish.vcl), and valid HTML


@pytest.mark.django_db(transaction=True)
def test_the_http_cache_never_keeps_a_preview_for_anyone(cache_url):  # noqa: F811
    chief = User.objects.create_superuser("chief", "chief@example.org", "a-long-chief-password")
    story = make_draft(headline="A draft for one reader")
    link = share(story, chief)
    url = cache_url + address(link)

    answers = [
        fetch(url),
        fetch(url),
        fetch(url, headers={"Cookie": f"{MARKER_COOKIE_NAME}=1; sessionid=someone"}),
    ]
    draft_links.revoke(link=link, by=chief)
    refused = fetch(url)

    for status, headers, page in answers:
        assert status == 200 and "A draft for one reader" in page
        assert headers["X-Cache"] == "miss"
        assert headers["Cache-Control"] == NO_STORE
        assert headers["Referrer-Policy"] == "no-referrer"
    assert refused[0] == 410 and refused[1]["X-Cache"] == "miss"
    assert "A draft for one reader" not in refused[2]
    link.refresh_from_db()
    assert link.opened_count == 3


@pytest.mark.system
def test_the_preview_pages_and_the_admin_part_are_valid_html(client, editor, tmp_path):
    story = make_draft(terms=[make_term()])
    link = share(story, editor, reader_email="ada@example.org", note="checks the numbers")
    gone = share(story, editor)
    draft_links.revoke(link=gone, by=editor)
    expired = share(story, editor, days=1, now=timezone.now() - timedelta(days=2))
    published = share(make_draft(), editor)
    Article.objects.filter(pk=published.article_id).update(
        status=Article.Status.PUBLISHED, published_at=timezone.now()
    )
    reader = outside_reader()
    pages = {
        "preview": reader.get(address(link)),
        "preview-part": reader.get(address(link), {"part": "evidence"}),
        "preview-published": reader.get(address(published)),
        "preview-revoked": reader.get(address(gone)),
        "preview-expired": reader.get(address(expired)),
        "preview-forged": reader.get("/preview/forged:token/"),
        "admin-story-with-links": client.get(change_url(story)),
        "admin-make-link": client.get(make_url(story)),
        "admin-make-link-refused": client.post(
            make_url(story), make_form(reader_name="", days="40")
        ),
    }
    assert all(response.status_code in (200, 400, 404, 410) for response in pages.values())
    assert_valid_html(pages, tmp_path)
