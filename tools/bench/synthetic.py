"""A large, clearly synthetic data set for the benchmark (tools/bench/run.py builds it).

Stories are "Synthetic story 00001" (slugs ``synthetic-…``), readers are
``bench-…``. Rows go in with PostgreSQL COPY and ``INSERT … SELECT
generate_series``, not ORM saves. Every stored aggregate is computed from the raw
rows written here with the functions the services use (predictions.aggregation,
predictions.scoring, predictions.interest, trust.rubric), so the site shows what
it would show had readers really done all this, and ``manage.py check_consistency``
finds nothing to report.

    python -m tools.bench.indb generate [--scale 0.001] [--stories N] …
"""

import random
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, GlossaryTerm, Topic
from predictions import interest
from predictions import models as predictions
from tools.bench.bulk import apportion
from tools.bench.evidence import Evidence
from tools.bench.forecasts import Forecasts
from tools.bench.stories import READER_PREFIX, SLUG_PREFIX, Stories
from trust.models import Assessment, Citation, ComponentScore, CriterionResult, Source

DEFAULTS = {
    "stories": 20_000,
    "topics": 200,
    "terms": 2_000,
    "sources": 200,
    "reads": 2_000_000,
    "forecasts": 500_000,
}

READ_SHARES = [  # (choice, cumulative share): readers lean towards "promising"
    (predictions.ReadChoice.GAME_CHANGER, 0.15),
    (predictions.ReadChoice.PROMISING, 0.55),
    (predictions.ReadChoice.TOO_EARLY, 0.85),
    (predictions.ReadChoice.OVERHYPED, 1.0),
]

# Tables that get many rows: their indexes are built once, after loading.
BULK_MODELS = [
    Article,
    Article.topics.through,
    Article.glossary_terms.through,
    Citation,
    ComponentScore,
    predictions.Read,
    predictions.ReadTally,
    predictions.Forecast,
    predictions.AggregatePoint,
    predictions.Score,
]
ANALYZED_MODELS = [
    *(Topic, GlossaryTerm, Source, CriterionResult, Assessment, predictions.Question),
    *BULK_MODELS,
]


class AlreadyGenerated(Exception):
    """The database already holds a synthetic data set."""


def sizes_for(scale=1.0, **overrides):
    """The default sizes times ``scale``, with any size given outright instead."""
    return {
        name: overrides[name] if overrides.get(name) is not None else max(1, round(default * scale))
        for name, default in DEFAULTS.items()
    }


def generate(*, seed=2026, verbose=False, out=None, **sizes):
    """Add the synthetic data set (``sizes`` as sizes_for gives them) to the database."""
    SyntheticDataSet(seed=seed, verbose=verbose, out=out).generate(sizes_for(**sizes))


class SyntheticDataSet(Stories, Evidence, Forecasts):
    def __init__(self, *, seed, verbose, out):
        self.seed, self.verbose, self.stdout = seed, verbose, out
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)

    def generate(self, sizes):
        if Article.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise AlreadyGenerated(
                "This database already holds synthetic stories; use a fresh database "
                "(python -m tools.bench --rebuild makes one)."
            )
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            self.cursor = cursor
            # Nothing here needs to survive a crash: a failed run is rolled back and redone.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            indexes = self._drop_indexes(BULK_MODELS)
            self._step("topics, glossary terms", self._topics_and_terms, sizes)
            self._plan_stories(sizes)
            question_ids = self._new_ids(predictions.Question, len(self.published))
            # Forecasts and their aggregates are pure Python: plan them on a thread while
            # PostgreSQL spends its core indexing story text for search.
            with ThreadPoolExecutor(max_workers=1) as planner:
                forecasts = planner.submit(
                    self._plan_forecasts, sizes["forecasts"], question_ids, self.seed
                )
                self._step("stories", self._stories)
                self._step("sources and criteria", self._sources, sizes)
                self._step("citations, reality meter", self._evidence)
                self._step(f"{sizes['reads']:,} reads, tallies, topic interest", self._reads, sizes)
                self._step(
                    f"{sizes['forecasts']:,} forecasts, aggregates, history, scores",
                    self._write_forecasts,
                    forecasts,
                )
            self._step("indexes and constraints", self._restore_indexes, indexes)
        self._step("statistics (ANALYZE)", self._analyze, ANALYZED_MODELS)
        self._say(
            f"Synthetic data set ready in {time.monotonic() - started:.1f} s: "
            + ", ".join(f"{count:,} {name}" for name, count in sizes.items())
        )

    def _reads(self, sizes):
        """Reads are made in the database: 2 million rows never pass through Python."""
        total = sizes["reads"]
        readers = max(1_000, total // 4)
        plan = [
            (pk, min(count, readers), published)
            for (pk, published), count in zip(
                self.published, apportion(total, self.popularity), strict=True
            )
            if count
        ]
        cursor = self.cursor
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_read_plan "
            "(article_id bigint, reads integer, published_at timestamptz) ON COMMIT DROP"
        )
        with cursor.copy("COPY bench_read_plan FROM STDIN") as copy:
            for row in plan:
                copy.write_row(row)
        cursor.execute("SELECT setseed(%s)", [(self.seed % 1000) / 1000])
        choice = " ".join(f"WHEN r.x < {share} THEN '{value}'" for value, share in READ_SHARES)
        read = self._table(predictions.Read)
        # Readers per story are distinct: (story x 7919 + j) mod readers, for j < readers.
        cursor.execute(
            f"""
            INSERT INTO {read} (article_id, reader_id, choice, cast_at, changed_at)
            SELECT article_id, reader_id, CASE {choice} END, cast_time, cast_time
            FROM (
                SELECT p.article_id,
                       %(prefix)s
                       || lpad(((p.article_id * 7919 + g.j) %% %(readers)s)::text, 7, '0')
                       AS reader_id,
                       random() AS x,
                       p.published_at + (%(now)s - p.published_at) * random() AS cast_time
                FROM bench_read_plan p
                CROSS JOIN LATERAL generate_series(0, p.reads - 1) AS g(j)
                OFFSET 0  -- a fence: each row draws its random values once
            ) AS r
            """,
            {"prefix": READER_PREFIX, "readers": readers, "now": self.now},
        )
        counts = ", ".join(
            f"count(*) FILTER (WHERE choice = '{value}')" for value in predictions.ReadChoice.values
        )
        columns = ", ".join(predictions.ReadChoice.values)
        cursor.execute(
            f"INSERT INTO {self._table(predictions.ReadTally)} (article_id, {columns}) "
            f"SELECT r.article_id, {counts} FROM {read} r "
            "JOIN bench_read_plan p ON p.article_id = r.article_id GROUP BY r.article_id"
        )
        self._topic_interest()

    def _topic_interest(self):
        """Every topic's interest from all raw reads, as services.rebuild_topic_interest sums it."""
        totals = interest.topic_interest(
            predictions.Read.objects.filter(article__topics__isnull=False)
            .values_list("article__topics", "cast_at")
            .iterator(chunk_size=50_000)
        )
        table = self._table(predictions.TopicInterest)
        self.cursor.execute(f"DELETE FROM {table}")
        self.cursor.executemany(
            f"INSERT INTO {table} (topic_id, amount) VALUES (%s, %s)", list(totals.items())
        )
