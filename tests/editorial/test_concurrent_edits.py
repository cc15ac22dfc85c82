"""Two editors on the same object: a save made on a form loaded before the other's save
is refused, naming who changed what; the stored change stays, the editor's input stays
on the form, and saving that form again succeeds (core/admin_concurrency/)."""

import os
import re
import threading
import time
from dataclasses import dataclass, field
from io import StringIO
from unittest import mock

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from articles.models import Article, Author, GlossaryTerm, Topic
from core.admin_concurrency import OptimisticConcurrencyMixin
from predictions.models import Question
from tests.admin_forms import admin_login, change_form_data, form_data, recreate_editors_group
from tests.approvals import approve
from tests.factories import (
    cite,
    make_article,
    make_author,
    make_criteria,
    make_meter,
    make_question,
    make_source,
    make_term,
    make_topic,
)
from trust.models import Assessment, Citation, ComponentScore, Criterion, MeterComponent, Source

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-editor-password"
REASON = {"change_reason": ["Checked the publisher's page again."]}


@pytest.fixture
def alice(db):
    """A second editor, Alice, logged in with a client of her own."""
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": PASSWORD}):
        call_command("create_editor", "alice", stdout=StringIO())
    browser = Client()
    assert admin_login(browser, "alice", PASSWORD).status_code == 302
    return browser


def make_story():
    """A published story with the evidence and question inlines filled in."""
    story = make_article(headline="Bees learn to count to four", dek="Sugar rewards helped.")
    cite(story, make_source(criteria=make_criteria(), meets=[]), note="The trial's report.")
    make_meter(story, values=[45, None], weights=[60, 40])
    make_question(story)
    return story


def make_meter_component():
    return MeterComponent.objects.create(
        name="Replication", slug="replication", description="Has it been repeated?",
        default_weight=10, position=5,
    )  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One model admin: Alice changes one field, the other editor another."""

    url_name: str
    make: object
    model: type
    alice: dict  # field: value
    mine: dict
    label: str  # how the refusal names Alice's field
    noun: str
    extra: dict = field(default_factory=dict)  # fields any save of it needs

    def url(self, obj):
        return reverse(f"admin:{self.url_name}_change", args=[obj.pk])


CASES = {
    "story": Case(
        "articles_article", make_story, Article,
        {"headline": "Bees count to five"}, {"dek": "Trained bees picked the card with more."},
        "Headline", "story",
    ),
    "topic": Case(
        "articles_topic", make_topic, Topic,
        {"description": "Animals that think."}, {"name": "Animal minds"},
        "Description", "topic",
    ),
    "glossary term": Case(
        "articles_glossaryterm", make_term, GlossaryTerm,
        {"definition": "A word with a meaning."}, {"aliases": "terms"},
        "Definition", "glossary term",
    ),
    "author": Case(
        "articles_author", make_author, Author,
        {"bio": "Covers insects."}, {"name": "Ada Writer"},
        "Bio", "author",
    ),
    "source": Case(
        "trust_source", lambda: make_source(criteria=make_criteria(), meets=[]), Source,
        {"description": "A journal of bees."}, {"home_url": "https://bees.example.org/"},
        "Description", "source", REASON,
    ),
    "criterion": Case(
        "trust_criterion", lambda: make_criteria()[0], Criterion,
        {"description": "Publishes its data."}, {"name": "Open data"},
        "Description", "criterion",
    ),
    "meter component": Case(
        "trust_metercomponent", make_meter_component, MeterComponent,
        {"description": "Repeated by another team."}, {"name": "Replicated"},
        "Description", "meter component",
    ),
    "question": Case(
        "predictions_question", make_question, Question,
        {"text": "Will it happen by 2031?"}, {"criteria": "Yes if a paper reports it."},
        "Text", "question",
    ),
}  # fmt: skip


def edited(data, changes):
    return data | {name: [value] for name, value in changes.items()}


def saved(response):
    """``response`` is a save's redirect (or the failure shows the form's errors)."""
    context = response.context or {}
    assert response.status_code == 302, context.get("errors") or context.get("cl")
    return response


def refusal_of(response):
    """The refusal's text, as the page shows it (the form's own error)."""
    assert response.status_code == 200
    form = response.context["adminform"].form
    return " ".join(form.non_field_errors())


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_save_on_a_form_loaded_before_anothers_save_is_refused_and_can_be_saved_again(
    client, editor, alice, case
):
    obj = case.make()
    url = case.url(obj)
    mine = change_form_data(client, url) | case.extra  # the form I opened
    saved(alice.post(url, edited(change_form_data(alice, url) | case.extra, case.alice)))

    refused = client.post(url, edited(mine, case.mine))

    message = refusal_of(refused)
    pattern = rf"This {case.noun} was changed by alice at \d\d:\d\d after you opened it: "
    assert re.search(pattern + re.escape(case.label), message), message
    assert "Your changes are still on the form" in message
    stored = case.model.objects.get(pk=obj.pk)
    for name, value in case.alice.items():
        assert getattr(stored, name) == value  # Alice's change is kept
    for name, value in case.mine.items():
        assert getattr(stored, name) != value  # mine is not saved yet
    on_form = form_data(refused.content.decode())
    for name, value in case.mine.items():
        assert on_form[name] == [value]  # my input is still on the form
    for name, value in case.alice.items():
        assert on_form[name] == [value]  # Alice's, where I had changed nothing

    saved(client.post(url, on_form))
    stored = case.model.objects.get(pk=obj.pk)
    for name, value in (case.alice | case.mine).items():
        assert getattr(stored, name) == value


def test_an_unchanged_form_carries_its_version_and_saves_normally(client, editor):
    story = make_story()
    url = CASES["story"].url(story)
    data = change_form_data(client, url)
    assert data["loaded_version"] != [""]

    saved(client.post(url, edited(data, {"dek": "A fresh standfirst."})))
    assert Article.objects.get().dek == "A fresh standfirst."


def test_two_tabs_of_the_same_editor_are_caught_too(client, editor):
    story = make_story()
    url = CASES["story"].url(story)
    first_tab, second_tab = change_form_data(client, url), change_form_data(client, url)
    saved(client.post(url, edited(first_tab, {"headline": "Bees count to five"})))

    refused = client.post(url, edited(second_tab, {"dek": "Written in the other tab."}))

    assert "changed by you, in another tab or window, at" in refusal_of(refused)
    assert Article.objects.get().headline == "Bees count to five"


def test_a_field_both_editors_changed_keeps_mine_and_names_the_stored_one(client, editor, alice):
    story = make_story()
    url = CASES["story"].url(story)
    mine = change_form_data(client, url)
    saved(alice.post(url, edited(change_form_data(alice, url), {"headline": "Alice's headline"})))

    refused = client.post(url, edited(mine, {"headline": "My headline"}))

    field_errors = " ".join(refused.context["adminform"].form.errors["headline"])
    assert "Also changed by alice at" in field_errors and "to: “Alice's headline”" in field_errors
    on_form = form_data(refused.content.decode())
    assert on_form["headline"] == ["My headline"]
    assert Article.objects.get().headline == "Alice's headline"
    saved(client.post(url, on_form))  # having compared them, I keep mine
    assert Article.objects.get().headline == "My headline"


def test_a_date_and_topics_changed_since_are_put_on_the_form_as_stored(client, editor, alice):
    story = make_story()
    url = CASES["story"].url(story)
    mine = change_form_data(client, url)
    insects = make_topic(name="Insects")
    hers = {"published_at_0": "2026-01-02", "published_at_1": "09:30:00", "topics": insects.pk}
    saved(alice.post(url, edited(change_form_data(alice, url), hers)))

    refused = client.post(url, edited(mine, {"dek": "Mine."}))

    assert "after you opened it: Topics, Publish time." in refusal_of(refused)
    on_form, as_stored = form_data(refused.content.decode()), change_form_data(alice, url)
    for name in ("published_at_0", "published_at_1", "topics"):
        assert on_form[name] == as_stored[name], name
    saved(client.post(url, on_form))
    stored = Article.objects.get()
    assert (stored.dek, list(stored.topics.all())) == ("Mine.", [insects])
    assert stored.published_at.isoformat() == "2026-01-02T09:30:00+00:00"


@pytest.mark.parametrize(
    ("prefix", "field", "value", "named"),
    [
        ("citations", "note", "Retracted in June.", "Citation “A study in Source"),
        ("component_scores", "rationale", "A second trial agreed.", "Reality-meter component"),
        ("assessment", "horizon_note", "Two more years.", "Reality meter and time horizon"),
        ("question", "text", "Will it happen by 2032?", "Forecast question"),
    ],
)
def test_a_change_to_an_inline_row_refuses_a_stale_story_form(
    client, editor, alice, prefix, field, value, named
):
    story = make_story()
    url = CASES["story"].url(story)
    mine = change_form_data(client, url)
    saved(alice.post(url, edited(change_form_data(alice, url), {f"{prefix}-0-{field}": value})))

    refused = client.post(url, edited(mine, {"dek": "My standfirst."}))

    message = refusal_of(refused)
    assert "This story was changed by alice at" in message and named in message, message
    rows = {"citations": Citation, "component_scores": ComponentScore, "assessment": Assessment,
            "question": Question}  # fmt: skip
    row = rows[prefix].objects.filter(article=story).order_by("pk").first()
    assert getattr(row, field) == value
    on_form = form_data(refused.content.decode())
    assert on_form["dek"] == ["My standfirst."]
    assert on_form[f"{prefix}-0-{field}"] == [value]  # I had not changed the row: Alice's

    saved(client.post(url, on_form))
    row.refresh_from_db()
    assert (Article.objects.get().dek, getattr(row, field)) == ("My standfirst.", value)


def test_a_question_changed_on_its_own_page_refuses_a_stale_story_form(client, editor, alice):
    story = make_story()
    mine = change_form_data(client, CASES["story"].url(story))
    question_url = CASES["question"].url(story.question)
    changed = edited(change_form_data(alice, question_url), {"text": "Will it by 2033?"})
    saved(alice.post(question_url, changed))

    refused = client.post(CASES["story"].url(story), edited(mine, {"dek": "Mine."}))

    assert "Forecast question “Will it by 2033?”: Text" in refusal_of(refused)
    assert Question.objects.get().text == "Will it by 2033?"


def test_a_form_without_a_version_is_refused_once_then_saves(client, editor):
    story = make_story()
    url = CASES["story"].url(story)
    data = change_form_data(client, url)
    del data["loaded_version"]

    refused = client.post(url, edited(data, {"dek": "Posted by an old tab."}))

    assert "does not say which version of the story it was loaded from" in refusal_of(refused)
    assert Article.objects.get().dek != "Posted by an old tab."
    saved(client.post(url, form_data(refused.content.decode())))
    assert Article.objects.get().dek == "Posted by an old tab."


@pytest.mark.parametrize("button", ["_continue", "_addanother", "_save"])
def test_every_save_button_is_refused_alike_and_works_after(client, editor, alice, button):
    story = make_story()
    url = CASES["story"].url(story)
    mine = change_form_data(client, url) | {button: ["Save"]}
    saved(alice.post(url, edited(change_form_data(alice, url), {"headline": "Alice's"})))

    refused = client.post(url, edited(mine, {"dek": "Mine."}))
    assert "was changed by alice" in refusal_of(refused)

    response = saved(client.post(url, form_data(refused.content.decode()) | {button: ["Save"]}))
    if button == "_continue":  # the page it returns to carries the new version
        saved(client.post(url, edited(change_form_data(client, url), {"byline": "Desk"})))
    assert response["Location"].endswith(
        {"_continue": url, "_addanother": reverse("admin:articles_article_add"),
         "_save": reverse("admin:articles_article_changelist")}[button]
    )  # fmt: skip
    assert (Article.objects.get().headline, Article.objects.get().dek) == ("Alice's", "Mine.")


def test_an_action_that_publishes_refuses_a_form_opened_before_it(client, editor, alice):
    draft = make_article(
        status=Article.Status.DRAFT,
        published_without_evidence=True,
        without_evidence_reason="Breaking news.",
    )
    approve(draft)
    url = CASES["story"].url(draft)
    mine = change_form_data(client, url)
    changelist = reverse("admin:articles_article_changelist")
    alice.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    assert Article.objects.get().status == Article.Status.PUBLISHED

    refused = client.post(url, edited(mine, {"dek": "Mine."}))

    assert re.search(
        r"changed by alice at \d\d:\d\d after you opened it: Status", refusal_of(refused)
    )
    saved(client.post(url, form_data(refused.content.decode())))
    assert (Article.objects.get().status, Article.objects.get().dek) == ("published", "Mine.")


def test_a_list_of_criteria_edited_since_it_was_opened_is_refused(client, editor, alice):
    heavy, light = make_criteria((80, 20))
    changelist = reverse("admin:trust_criterion_changelist")
    save = {"_save": ["Save"]}
    mine = form_data(client.get(changelist).content.decode()) | save
    hers = form_data(alice.get(changelist).content.decode()) | save
    saved(alice.post(changelist, edited(hers, {"form-0-weight": "70", "form-1-weight": "30"})))

    refused = client.post(changelist, edited(mine, {"form-0-position": "5"}))

    assert refused.status_code == 200
    message = " ".join(refused.context["cl"].formset.non_form_errors())
    assert re.search(r"This list of criteria was changed by alice at \d\d:\d\d", message), message
    assert "Weight" in message
    assert [c.weight for c in Criterion.objects.order_by("pk")] == [70, 30]
    on_form = form_data(refused.content.decode()) | save
    assert on_form["form-0-position"] == ["5"] and on_form["form-0-weight"] == ["70"]

    saved(client.post(changelist, on_form))
    stored = Criterion.objects.get(pk=heavy.pk)
    assert (stored.weight, stored.position) == (70, 5)


# Admins with no form that saves a row: a watch finding is only accepted or dismissed,
# each decision locking the finding and refusing a second (tests/trust/test_watch.py).
DECISIONS_ONLY = {"WatchFindingAdmin"}


def test_every_editors_model_admin_checks_versions():
    project_apps = {"articles", "trust", "predictions"}
    unchecked = [
        type(model_admin).__name__
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in project_apps
        and not isinstance(model_admin, OptimisticConcurrencyMixin)
        and type(model_admin).__name__ not in DECISIONS_ONLY
    ]
    assert not unchecked


@pytest.mark.django_db(transaction=True)
def test_a_save_waits_for_a_save_in_progress_and_is_then_refused():
    """Two saves at once cannot both pass the check: the second waits for the first's
    lock on the row, then sees its change."""
    recreate_editors_group()
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": PASSWORD}):
        call_command("create_editor", "editor", stdout=StringIO())
    client = Client()
    admin_login(client, "editor", PASSWORD)
    story = make_article(headline="Before")
    url = CASES["story"].url(story)
    mine = change_form_data(client, url)
    locked = threading.Event()

    def another_save():
        try:
            with transaction.atomic():
                Article.objects.select_for_update().get(pk=story.pk)
                locked.set()
                time.sleep(0.5)  # long enough for the form's save to reach the row
                Article.objects.filter(pk=story.pk).update(headline="Saved meanwhile")
        finally:
            connection.close()

    other = threading.Thread(target=another_save)
    other.start()
    assert locked.wait(5)
    refused = client.post(url, edited(mine, {"dek": "Mine."}))
    other.join()

    assert "after you opened it: Headline" in refusal_of(refused)
    assert Article.objects.get().headline == "Saved meanwhile"
