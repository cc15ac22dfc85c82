"""The benchmark's parts cannot rot: the generator keeps every stored aggregate true to
its raw rows, and `python -m tools.bench` runs end to end on a tiny data set."""

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article, Topic
from predictions import consistency as predictions_consistency
from predictions import services
from predictions.models import AggregatePoint, Forecast, Question, Read, Score
from tests.factories import topic_interests
from tools.bench import databases, report
from tools.bench import dataset as generator
from trust import consistency as trust_consistency

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
    generator.generate(**options)


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


def test_every_stored_aggregate_equals_the_one_recomputed_from_raw_rows(synthetic):
    # Read tallies, topic interest, community forecasts, history, scores, trust, reality.
    assert any(topic_interests().values())
    assert Question.objects.filter(slug__startswith="synthetic-").count() > TINY["stories"] * 0.9
    assert predictions_consistency.differences() == []
    assert trust_consistency.differences() == []


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


def test_article_page_of_a_synthetic_story_shows_the_evidence(synthetic, client):
    question = Question.objects.open_now().order_by("-forecasters").first()
    response = client.get(question.article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Synthetic study" in page  # the source list
    assert question.text in page


def test_generator_refuses_a_database_that_already_has_the_data_set(synthetic):
    with pytest.raises(generator.AlreadyGenerated, match="already holds synthetic stories"):
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
        [sys.executable, "-m", "tools.bench", "--smoke", "--output", str(tmp_path)]
        + ["--database", database.lower()],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=420,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [results_file] = tmp_path.glob("results-*.json")
    results = json.loads(results_file.read_text())
    pages = {page["name"]: page for page in results["pages"]}
    direct = {
        "front",
        "article",
        "article-fixture-large",
        "article-fixture-small",
        "article-fixture-large-again",
        "article-fixture-small-again",
        "article-fixture-large-third",
        "article-fixture-small-third",
        "topic",
        "search",
        "mine",
        "post-read",
        "post-read-spread",
        "post-forecast",
        "post-forecast-spread",
        "article-while-voting",
    }
    through_the_cache = {
        "front-cache",
        "article-cache",
        "article-cache-wide",
        "article-while-voting-cache",
        "crawl",
    }
    assert set(pages) == direct | through_the_cache | {
        "baseline-write",
        "post-read-unwritten",
        "post-forecast-unwritten",
        "article-nginx",
        "article-nginx-wide",
        "slow-cache",
        "slow-gunicorn",
    }
    for name in direct:
        assert pages[name]["queries"], pages[name]
    # gunicorn facing slow clients directly may serve nothing at all: that is its point.
    for page in (pages[name] for name in pages if name != "slow-gunicorn"):
        assert page["rps"] > 0, page
        assert page["errors"] == 0, page
    assert results["baseline"]["rps"] > 0
    assert {"what", "value", "pass"} <= set(results["targets"][0])
    fresh = results["freshness"]
    assert fresh["edit_seconds"] is not None and fresh["vote"]["post_status"] == 302
    assert fresh["vote"]["mine_shows_it"] and fresh["vote"]["tally_seconds"] is not None
    assert set(results["slow_clients"]) == {"cache", "gunicorn"}
    # Side by side at the run's connections and twice as many; nginx by the file's name.
    assert pages["article-nginx-wide"]["connections"] == 2 * pages["article-nginx"]["connections"]
    assert pages["article-nginx"]["path"] == "/story.html"
    assert len(results["nginx_ratios"]) == 2
    # The crawl walked every story twice, all of them fetched on a tiny data set.
    crawl = results["crawl"]
    assert len(crawl["passes"]) >= 2
    assert all(run["requests"] == crawl["stories"] for run in crawl["passes"])
    assert crawl["fetched_first_pass"] + crawl["throttled_first_pass"] == crawl["stories"]
    assert crawl["second_pass_hit_rate"] is not None
    whats = [target["what"] for target in results["targets"]]
    assert any("a known reader's panels: req/s ÷ baseline ≥ 0.3" in what for what in whats)
    assert any("second pass" in what for what in whats)
    assert "| page |" in (tmp_path / "latest.md").read_text()
    assert databases_named(database.lower()) == [], "the smoke run drops its databases"


def databases_named(prefix):
    """Databases on the server whose names start with ``prefix``."""
    import psycopg

    with psycopg.connect(databases.database_url("postgres"), autocommit=True) as server:
        rows = server.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"]
        ).fetchall()
    return [name for (name,) in rows]


@pytest.mark.parametrize(
    ("rounds", "ratio"),
    [
        # One row fell by half, on the large side or on the small: the others decide.
        ([(80, 80), (44, 83), (82, 76)], 1.0),
        ([(71, 52), (84, 93), (90, 90)], 1.0),
        # Slower on the large data set in every round: the miss shows.
        ([(40, 80), (42, 84), (45, 90)], 0.5),
    ],
)
def test_the_size_ratio_is_the_median_of_its_rounds(rounds, ratio):
    pages = {
        name: {"rps": rps}
        for names, values in zip(report.SIZE_ROWS, rounds, strict=True)
        for name, rps in zip(names, values, strict=True)
    }
    assert report.size_ratio(pages) == ratio
