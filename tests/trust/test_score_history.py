"""Every move of a story's meter is stored, dated and explained, and shown on the story."""

import pytest
from django.core.management import call_command

from articles.models import Correction
from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from trust import history, services
from trust.models import Citation, ComponentScore, CriterionResult, ScoreChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    """A story scored 74 on one source of trust 100 (a component at 48, half each)."""
    criteria = make_criteria()
    article = make_article()
    cite(article, make_source(name="Journal of Tests", meets=criteria))
    make_meter(article, values=[48, None], weights=[50, 50])
    return article


def changes_of(article):
    return list(ScoreChange.objects.filter(article=article).order_by("changed_at", "pk"))


def test_a_new_story_gets_one_first_entry_dated_at_its_publication(story):
    [first] = changes_of(story)
    assert (first.score, first.reason, first.changes) == (74, "First scored", [])
    assert first.changed_at == story.published_at


def test_rescoring_without_a_change_adds_nothing(story):
    services.rescore_article(article=story, reason="Nothing new")
    call_command("rescore", stdout=None)
    assert len(changes_of(story)) == 1


def test_a_source_losing_trust_moves_the_story_with_the_reason_on_the_page(client, story):
    source = story.citations.get().source
    CriterionResult.objects.filter(source=source, criterion__weight=40).update(met=False)
    services.rescore_source(source=source, reason="Stopped publishing its data")

    latest = changes_of(story)[-1]
    assert latest.score == 54
    assert (
        latest.reason == "Journal of Tests's trust went from 100 to 60: Stopped publishing its data"
    )
    assert "Trust of Journal of Tests: 100 → 60" in latest.changes
    assert "Band: Likely → Plausible" in latest.changes

    html = client.get(story.get_absolute_url()).content.decode()
    assert "How this score changed" in html
    assert "Stopped publishing its data" in html
    assert "Trust of Journal of Tests: 100 → 60" in html
    assert 'class="score-history__line"' in html
    # The correction box and the story's Updated time say when the evidence moved.
    update = Correction.objects.get(article=story)
    assert update.kind == Correction.Kind.UPDATE and "74 → 54/100" in update.note
    story.refresh_from_db()
    assert story.updated_at == update.made_at
    html = client.get(story.get_absolute_url()).content.decode()
    corrections = html[html.index('id="corrections-heading"') :]
    assert "The evidence moved (Reality score: 74 → 54/100" in corrections


def test_a_component_edit_and_a_new_citation_are_listed_by_name(story):
    ComponentScore.objects.filter(article=story, value=48).update(value=60)
    cite(story, make_source(meets=[]), title="A weak preprint")
    services.rescore_article(article=story, reason="New preprint cited")
    latest = changes_of(story)[-1]
    assert "Component 0: 48 → 60" in latest.changes
    assert "Citation added: A weak preprint" in latest.changes
    assert "Component 1: 100 → 50" in latest.changes
    Citation.objects.filter(title="A weak preprint").delete()
    services.rescore_article(article=story, reason="Preprint withdrawn")
    assert "Citation removed: A weak preprint" in changes_of(story)[-1].changes


def test_a_first_state_and_a_loaded_row_are_described_honestly():
    state = {"score": 10, "stage": [2, "Claim"], "components": {}, "sources": {}, "citations": {}}
    assert history.changes(None, state) == []
    assert history.changes({"score": 14}, state) == ["Reality score: 14 → 10/100"]


def test_a_stage_set_or_cleared_after_a_state_without_one_is_described():
    unassessed = {"score": None, "stage": None, "components": {}, "sources": {}, "citations": {}}
    assessed = unassessed | {"score": 40, "stage": [2, "Claim"]}
    assert "Evidence ladder: no stage → Claim" in history.changes(unassessed, assessed)
    assert "Evidence ladder: Claim → no stage" in history.changes(assessed, unassessed)
