"""The desk's small things, each as an editor met it: the admin says "story" everywhere,
counts are in proper English, a refused save says each problem once, and the writing
aids judge the glossary terms on the form, not those last saved."""

import re
from html import unescape

import pytest
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import article_form, change_form_data
from tests.factories import make_article, make_term, make_topic

pytestmark = pytest.mark.django_db


def visible_text(html):
    """What a reader of the page sees: no scripts, styles, tags or attributes."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_whole_admin_says_story_and_stories(client, editor):
    article = make_article(headline="Bees count to four")
    change = reverse("admin:articles_article_change", args=[article.pk])
    client.post(change, change_form_data(client, change) | {"headline": "Bees count to five"})
    version = article.history.order_by("history_date").first()
    pages = {
        "index": reverse("admin:index"),
        "app": reverse("admin:app_list", args=["articles"]),
        "list": reverse("admin:articles_article_changelist"),
        "add": reverse("admin:articles_article_add"),
        "change": change,
        "history": reverse("admin:articles_article_history", args=[article.pk]),
        "compare": reverse("admin:articles_article_history_compare", args=[article.pk]),
        "version": reverse("admin:articles_article_simple_history", args=[article.pk, version.pk]),
        "restore": reverse("admin:articles_article_history_restore", args=[article.pk, version.pk]),
        "delete": reverse("admin:articles_article_delete", args=[article.pk]),
    }
    said = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = visible_text(response.content.decode())
        said[name] = re.findall(r"[^.]{0,30}\barticles?\b[^.]{0,30}", text, re.I)
    assert not any(said.values()), said
    listing = visible_text(client.get(pages["list"]).content.decode())
    assert "Select story to change" in listing and "Add story" in listing
    assert "Delete selected stories" in client.get(pages["list"]).content.decode()


def test_the_unpublish_action_counts_in_proper_english(client, editor):
    one, two, three = make_article(), make_article(), make_article()
    url = reverse("admin:articles_article_changelist")

    def unpublish(*stories):
        response = client.post(
            url,
            {"action": "unpublish", "_selected_action": [story.pk for story in stories]},
            follow=True,
        )
        return visible_text(response.content.decode())

    assert "Unpublished 1 story." in unpublish(one)
    assert "Unpublished 2 stories." in unpublish(two, three)
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}


def test_a_refused_save_says_each_problem_once(client, editor):
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = change_form_data(client, url) | {"headline": [""], "dek": [""]}

    html = client.post(url, data).content.decode()

    # The publish checklist, a standing list of what publishing needs, aside.
    text = visible_text(re.sub(r'<ul class="checklist">.*?</ul>', "", html, flags=re.S))
    assert "Please correct" not in text
    assert "2 problems to fix before saving" in text  # not "add a headline" as well
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    # The summary links each problem to its field; the field says it once more, beside
    # it, and nowhere else does.
    assert '<a href="#id_headline"><strong>Headline</strong>: This field is required.' in summary
    assert text.count("This field is required.") == 2
    assert "To publish, add a standfirst." in summary
    assert text.count("To publish, add a standfirst.") == 1  # the form's own: summary only
    assert html.startswith("<!DOCTYPE html>") and "<title>Error: " in html


def aids_of(html, section):
    panel = re.search(
        rf'<section class="writing-aids" data-section="{section}".*?</section>', html, re.S
    )
    return visible_text(panel.group(0))


def test_the_writing_aids_are_drawn_with_the_form_for_its_glossary_terms(client, editor):
    dot = make_term(term="Quantum dot", slug="quantum-dot", aliases="quantum dots")
    data = article_form(
        topics=[make_topic().pk],
        explanation="Quantum dots glow in one colour each. " * 3,
    )
    client.post(reverse("admin:articles_article_add"), data)
    article = Article.objects.get()
    url = reverse("admin:articles_article_change", args=[article.pk])

    opened = client.get(url).content.decode()
    assert "Glossary terms used but not listed on the story: Quantum dot" in aids_of(
        opened, "explanation"
    )
    assert "Writing aids — for a specialist" in aids_of(opened, "technical")

    # The term is chosen, but the save is refused (no headline): the aids judge the form.
    refused = client.post(url, change_form_data(client, url) | {
        "glossary_terms": [str(dot.pk)], "headline": [""],
    }).content.decode()  # fmt: skip
    assert "error-summary" in refused
    assert "not listed" not in aids_of(refused, "explanation")
    assert "21 words" in aids_of(refused, "explanation")

    # Chosen and taken off again before the story was ever saved with it: flagged again.
    article.glossary_terms.add(dot)
    dropped = client.post(url, change_form_data(client, url) | {
        "glossary_terms": [], "headline": [""],
    }).content.decode()  # fmt: skip
    assert "not listed on the story: Quantum dot" in aids_of(dropped, "explanation")
