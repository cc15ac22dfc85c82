"""The benchmark's parts cannot rot: the generator keeps every stored aggregate true to
its raw rows, and tools/bench.py runs end to end on a tiny data set."""

import json
import math
import os
import shutil
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Topic
from predictions import aggregation, services
from predictions.models import AggregatePoint, Forecast, Question, Read, ReadTally, Score
from trust import services as trust_services
from trust.models import Assessment, Source

REPO = Path(__file__).resolve().parent.parent
TINY = {
    "stories": 60,
    "topics": 5,
    "terms": 20,
    "sources": 4,
    "reads": 1_500,
    "forecasts": 600,
}
POINT_FIELDS = ["day", "forecasters", "median", "lower_quartile", "upper_quartile"]
SCORE_FIELDS = ["reader_id", "brier", "log_score", "final_probability"]


def generate(**sizes):
    options = {**TINY, **sizes}
    call_command("generate_synthetic_data", **options, stdout=StringIO())


def index_definitions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'")
        return sorted(row[0] for row in cursor.fetchall())


@pytest.fixture
def synthetic(db):
    indexes = index_definitions()
    generate()
    return indexes


def test_generator_makes_the_sizes_asked_for_clearly_labelled(synthetic):
    stories = Article.objects.filter(slug__startswith="synthetic-")
    assert stories.count() == TINY["stories"]
    assert all(h.startswith("Synthetic story ") for h in stories.values_list("headline", flat=True))
    assert Topic.objects.filter(slug__startswith="synthetic-").count() == TINY["topics"]
    assert Read.objects.count() == TINY["reads"]
    assert Forecast.objects.count() == TINY["forecasts"]
    assert not Read.objects.exclude(reader_id__startswith="bench-").exists()
    assert not Forecast.objects.exclude(reader_id__startswith="bench-").exists()


def test_generator_puts_back_every_index_it_dropped(synthetic):
    assert index_definitions() == synthetic


def test_read_tallies_equal_the_reads(synthetic):
    counted = Counter(Read.objects.values_list("article_id", "choice"))
    for tally in ReadTally.objects.all():
        for choice in ("game_changer", "promising", "too_early", "overhyped"):
            assert getattr(tally, choice) == counted[(tally.article_id, choice)]
    assert ReadTally.objects.count() == len({article for article, _ in counted})


def test_topic_interest_equals_a_rebuild_from_the_reads(synthetic):
    stored = dict(Topic.objects.values_list("pk", "reader_interest"))
    services.rebuild_topic_interest()
    rebuilt = dict(Topic.objects.values_list("pk", "reader_interest"))
    assert any(stored.values())
    for pk, value in rebuilt.items():
        # The generator sums in SQL, the service in Python: only the rounding differs.
        assert math.isclose(stored[pk], value, rel_tol=1e-9), pk


def test_every_question_stores_the_aggregate_of_its_standing_forecasts(synthetic):
    questions = Question.objects.filter(slug__startswith="synthetic-")
    assert questions.count() > TINY["stories"] * 0.9  # one per published story
    for question in questions:
        standing = question.forecasts.current().order_by("made_at", "pk")
        expected = aggregation.aggregate(standing.values_list("probability", flat=True))
        assert question.forecasters == expected.forecasters
        assert question.median == expected.median
        assert question.lower_quartile == expected.lower_quartile
        assert question.upper_quartile == expected.upper_quartile
        assert question.histogram == expected.histogram


def test_history_and_scores_are_what_the_services_would_store(synthetic):
    busiest = Question.objects.order_by("-forecasters").first()
    stored = list(AggregatePoint.objects.filter(question=busiest).values_list(*POINT_FIELDS))
    services.replay_history(question=busiest)
    assert list(AggregatePoint.objects.filter(question=busiest).values_list(*POINT_FIELDS)) == (
        stored
    )
    assert stored[-1][1:] == (
        busiest.forecasters,
        busiest.median,
        busiest.lower_quartile,
        busiest.upper_quartile,
    )

    resolved = Question.objects.resolved().filter(forecasts__isnull=False).distinct()
    assert resolved.exists()
    for question in resolved:
        before = sorted(Score.objects.filter(question=question).values_list(*SCORE_FIELDS))
        services.resolve_question(
            question=question, resolution=question.resolution, note="Rescored by the test."
        )
        after = sorted(Score.objects.filter(question=question).values_list(*SCORE_FIELDS))
        assert after == before


def test_one_standing_forecast_per_reader_and_question(synthetic):
    standing = Counter(
        Forecast.objects.filter(superseded_at__isnull=True).values_list("question", "reader_id")
    )
    assert max(standing.values()) == 1
    assert Forecast.objects.filter(superseded_at__isnull=False).exists()


def test_trust_and_reality_scores_are_what_rescoring_gives(synthetic):
    for source in Source.objects.filter(slug__startswith="synthetic-"):
        met = source.results.filter(met=True).select_related("criterion")
        assert source.trust_score == sum(result.criterion.weight for result in met)
    for assessment in Assessment.objects.select_related("article")[:10]:
        assert assessment.score == trust_services.rescore_article(article=assessment.article)


def test_article_page_of_a_synthetic_story_shows_the_evidence(synthetic, client):
    question = Question.objects.open_now().order_by("-forecasters").first()
    response = client.get(question.article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Synthetic study" in page  # the source list
    assert question.text in page


def test_generator_refuses_a_database_that_already_has_the_data_set(synthetic):
    with pytest.raises(CommandError, match="already holds synthetic stories"):
        generate()


@pytest.mark.skipif(
    shutil.which("wrk") is None,
    reason="wrk is not installed (apt-get install wrk, or make system-deps); CI installs it",
)
def test_bench_script_runs_end_to_end_on_a_tiny_data_set(tmp_path):
    # Its own databases, so that two test runs on one server do not collide.
    database = f"newsroom_bench_smoke{os.environ.get('TEST_DB_SUFFIX', '')}_{os.getpid()}"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "tools/bench.py", "--smoke", "--output", str(tmp_path)]
        + ["--database", database.lower()],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [results_file] = tmp_path.glob("results-*.json")
    results = json.loads(results_file.read_text())
    pages = {page["name"]: page for page in results["pages"]}
    assert set(pages) == {
        "front",
        "article",
        "article-fixture-large",
        "article-fixture-small",
        "topic",
        "search",
        "post-read",
        "post-read-spread",
        "post-forecast",
        "article-while-voting",
    }
    for page in pages.values():
        assert page["rps"] > 0, page
        assert page["errors"] == 0, page
        assert page["queries"], page
    assert results["baseline"]["rps"] > 0
    assert {"what", "value", "pass"} <= set(results["targets"][0])
    assert "| page |" in (tmp_path / "latest.md").read_text()
    assert databases_named(database.lower()) == [], "the smoke run drops its databases"


def databases_named(prefix):
    """Databases on the server whose names start with ``prefix``."""
    import psycopg

    sys.path.insert(0, str(REPO / "tools"))
    import bench

    with psycopg.connect(bench.database_url("postgres"), autocommit=True) as server:
        rows = server.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"]
        ).fetchall()
    return [name for (name,) in rows]
