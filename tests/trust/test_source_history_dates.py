"""Issue 34: a source's first score is dated no later than the stories that counted it.

A story's first score is dated at its publication when it is scored later (fixtures);
the sources it cites were scored by then too, so theirs is dated the same way. A source
scored before anything cites it is dated now.
"""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import Min
from django.utils import timezone

from tests.factories import cite, make_article, make_criteria, make_source
from trust import services
from trust.models import CriterionResult, ScoreChange, Source, TrustScoreChange

pytestmark = pytest.mark.django_db

FIRST_SCORED = re.compile(r'<time datetime="[^"]+">([^<]+)</time>: first scored (\d+)')


def unscored_source(criteria):
    source = Source.objects.create(
        name="Preprints Anywhere", slug="preprints-anywhere", kind=Source.Kind.PREPRINT_SERVER,
        home_url="https://preprints.example.org/",
    )  # fmt: skip
    for criterion in criteria:
        CriterionResult.objects.create(source=source, criterion=criterion, met=True, note="Yes.")
    return source


def test_arxiv_says_it_was_first_scored_when_the_first_story_citing_it_was(client, fixture_content):
    arxiv = Source.objects.get(slug="arxiv")
    earliest = arxiv.citations.aggregate(earliest=Min("article__published_at"))["earliest"]

    html = client.get(arxiv.get_absolute_url()).content.decode()

    assert FIRST_SCORED.findall(html) == [(f"{earliest:%-d %B %Y}", str(arxiv.trust_score))]
    assert earliest.year == 2023


def test_no_fixture_story_was_scored_before_the_sources_it_cites(fixture_content):
    for source in Source.objects.filter(citations__isnull=False).distinct():
        first = source.score_changes.get(old_score__isnull=True)
        citing = ScoreChange.objects.filter(article__citations__source=source)
        assert first.changed_at <= citing.aggregate(first=Min("changed_at"))["first"], source.slug
        assert first.changed_at < timezone.now() - timedelta(days=365), source.slug


def test_a_source_nothing_cites_yet_is_first_scored_now():
    before = timezone.now()
    source = make_source(meets=make_criteria())
    [first] = source.score_changes.all()
    assert first.changed_at >= before


def test_a_source_scored_after_a_story_citing_it_is_dated_at_that_story():
    criteria = make_criteria()
    story = make_article(published_at=timezone.now() - timedelta(days=40))
    newer = make_article(published_at=timezone.now() - timedelta(days=3))
    source = unscored_source(criteria)
    cite(story, source)
    cite(newer, source)

    services.rescore_source(source=source, reason="Scored against the rubric in force")

    [first] = source.score_changes.all()
    assert (first.old_score, first.new_score, first.changed_at) == (None, 100, story.published_at)


def test_a_later_change_of_such_a_source_is_dated_now():
    criteria = make_criteria()
    source = unscored_source(criteria)
    cite(make_article(published_at=timezone.now() - timedelta(days=40)), source)
    services.rescore_source(source=source, reason="First scored")
    before = timezone.now()

    CriterionResult.objects.filter(source=source, criterion=criteria[0]).update(met=False)
    services.rescore_source(source=source, reason="Stopped publishing its data")

    latest = source.score_changes.first()
    assert (latest.old_score, latest.new_score) == (100, 40)
    assert latest.changed_at >= before


def test_the_migration_dates_first_scores_recorded_at_a_fixture_load():
    migration = importlib.import_module("trust.migrations.0006_date_first_scores_of_loaded_sources")
    criteria = make_criteria()
    story = make_article(published_at=timezone.now() - timedelta(days=400))
    loaded, created = unscored_source(criteria), make_source(meets=criteria)
    cite(story, loaded)
    for source, reason in [(loaded, migration.FROM_SCRATCH), (created, "First scored")]:
        TrustScoreChange.objects.filter(source=source).delete()
        TrustScoreChange.objects.create(source=source, new_score=100, reason=reason)
    cite(story, created)  # cited from an old story only after it was scored: not moved

    migration.date_first_scores(apps, None)

    assert loaded.score_changes.get().changed_at == story.published_at
    assert created.score_changes.get().changed_at > story.published_at
