"""Fill the database with a large, clearly synthetic data set for `make bench`.

Stories are "Synthetic story 00001" (slugs ``synthetic-…``), readers are
``bench-…``. Rows go in with PostgreSQL COPY and ``INSERT … SELECT
generate_series``, not ORM saves, and bodies are written already rendered:
rendering Markdown 20,000 times would take longer than everything else.
Every stored aggregate is computed from the raw rows written here, with the
functions the services use (predictions.aggregation, predictions.scoring,
trust.rubric, the read_interest formula), so the site shows what it would
show had readers really done all this: read tallies, topic interest, each
question's community forecast and daily history, resolved questions' scores,
source trust and reality scores.
"""

import json
import math
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from articles.models import WORDS_PER_MINUTE, Article, GlossaryTerm, Topic
from predictions import aggregation, interest, scoring
from predictions.models import (
    AggregatePoint,
    Forecast,
    Question,
    Read,
    ReadChoice,
    ReadTally,
    Score,
)
from trust import rubric
from trust.models import (
    Assessment,
    Citation,
    ComponentScore,
    Criterion,
    CriterionResult,
    MeterComponent,
    Source,
    TrustScoreChange,
)

DEFAULTS = {
    "stories": 20_000,
    "topics": 200,
    "terms": 2_000,
    "sources": 200,
    "reads": 2_000_000,
    "forecasts": 500_000,
}
SLUG_PREFIX = "synthetic-"
READER_PREFIX = "bench-"
# One theme word per story, each used by 1 % of stories: searching for one finds a
# realistic few hundred matches. The benchmark searches for SEARCH_WORD.
THEMES = (
    "graphene neutrino microbiome exoplanet perovskite tokamak prion metamaterial "
    "superconductor ribozyme organoid quasar antibiotic photonics biofilm magnetar "
    "spintronics retrovirus zeolite aerogel chemokine pulsar gravitino lidar fungicide "
    "polymerase skyrmion tardigrade isotope glacier monsoon coral permafrost aquifer "
    "mitochondria axon cochlea retina enzyme antibody vaccine telomere ribosome plasmid "
    "catalyst electrolyte anode cathode hydrogel nanotube qubit photon laser lens "
    "satellite asteroid comet nebula galaxy supernova volcano earthquake tsunami aerosol "
    "ozone methane biochar algae seaweed wheat rice cassava pollinator beetle mosquito "
    "bacteriophage malaria tuberculosis dengue influenza measles insulin dopamine "
    "serotonin melatonin cortisol collagen keratin cartilage tendon marrow plasma "
    "platelet stemcell genome proteome epigenome transposon chromatin histone codon "
    "allele haplotype speciation fossil dinosaur mammoth"
).split()
SEARCH_WORD = THEMES[0]
VOCABULARY = (
    "researchers measured samples across several sites and found that the effect held "
    "under most conditions while the uncertainty remained wide because the study was "
    "small and the follow-up short independent groups have not yet repeated the work "
    "which means the result should be read as an early signal rather than a settled "
    "finding the team used a controlled design with careful blinding and reported both "
    "benefits and harms in absolute numbers that readers can weigh funding came from "
    "public grants and the authors declared no conflicts the data are available in a "
    "public repository so others can check the analysis engineers estimate that cost "
    "and manufacturing remain the main obstacles to wider use over the next decade "
    "models suggest the mechanism involves a change in structure that alters how energy "
    "moves through the system although direct evidence is limited experts not involved "
    "said the approach is promising but cautioned that laboratory results often fail "
    "to carry over into practice"
).split()
ARTICLE_FIELDS = (
    "id slug headline dek byline explanation explanation_html technical technical_html "
    "status published_at created_at updated_at reading_time_minutes search_terms"
).split()
QUESTION_FIELDS = (
    "id article slug text criteria criteria_html opens_at closes_at resolve_by resolution "
    "resolution_note resolved_at forecasters median lower_quartile upper_quartile histogram"
).split()
SYNTHETIC_CRITERIA = [25, 15, 5, 15, 15, 10, 15]
# (weight, computed from the cited sources?) for a database without the fixture rubric.
SYNTHETIC_COMPONENTS = [(30, False), (15, True), (20, False), (20, False), (15, False)]
READ_SHARES = [  # (choice, cumulative share): readers lean towards "promising"
    (ReadChoice.GAME_CHANGER, 0.15),
    (ReadChoice.PROMISING, 0.55),
    (ReadChoice.TOO_EARLY, 0.85),
    (ReadChoice.OVERHYPED, 1.0),
]
# Popularity of the n-th most popular story is proportional to n^-POPULARITY_SKEW: at
# full size the top story draws about 0.8 % of reads and forecasts, the median 0.003 %.
POPULARITY_SKEW = 0.6
# Tables that get many rows: their indexes are built once, after loading.
BULK_MODELS = [
    Article,
    Article.topics.through,
    Article.glossary_terms.through,
    Citation,
    ComponentScore,
    Read,
    ReadTally,
    Forecast,
    AggregatePoint,
    Score,
]
RESOLVED_SHARE = 0.05
DRAFT_SHARE = 0.01
YEARS_OF_STORIES = 3


def apportion(total, weights):
    """Whole numbers proportional to ``weights`` that add up to ``total`` (largest remainder)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    shares = [int(part) for part in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - shares[i], reverse=True)
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


class Command(BaseCommand):
    help = (
        "Fill the database with a large synthetic data set (stories 'Synthetic story …', "
        "readers 'bench-…') for the benchmark. Refuses a database that already has one."
    )

    def add_arguments(self, parser):
        for name, default in DEFAULTS.items():
            parser.add_argument(
                f"--{name}", type=int, default=None, help=f"How many (default {default:,} × scale)."
            )
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every default size (0.001: tiny)."
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale, seed, verbosity, **options):
        sizes = {
            name: options[name] if options[name] is not None else max(1, round(default * scale))
            for name, default in DEFAULTS.items()
        }
        if Article.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise CommandError(
                "This database already holds synthetic stories; use a fresh database "
                "(scripts/bench.py --rebuild makes one)."
            )
        self.verbose = verbosity > 0
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = timezone.now().replace(microsecond=0)
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            self.cursor = cursor
            # Nothing here needs to survive a crash: a failed run is rolled back and redone.
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            indexes = self._drop_indexes(BULK_MODELS)
            self._step("topics, glossary terms", self._topics_and_terms, sizes)
            self._plan_stories(sizes)
            question_ids = self._new_ids(Question, len(self.published))
            # Forecasts and their aggregates are pure Python: plan them on a thread while
            # PostgreSQL spends its core indexing story text for search.
            with ThreadPoolExecutor(max_workers=1) as planner:
                forecasts = planner.submit(
                    self._plan_forecasts, sizes["forecasts"], question_ids, seed
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
        self._step("statistics (ANALYZE)", self._analyze)
        self._say(
            f"Synthetic data set ready in {time.monotonic() - started:.1f} s: "
            + ", ".join(f"{count:,} {name}" for name, count in sizes.items())
        )

    # ------------------------------------------------------------------ plumbing

    def _say(self, message):
        if self.verbose:
            self.stdout.write(message)

    def _step(self, label, function, *args):
        started, cpu = time.monotonic(), time.process_time()
        function(*args)
        wall, cpu = time.monotonic() - started, time.process_time() - cpu
        self._say(f"  {label}: {wall:.1f} s ({cpu:.1f} s CPU here)")

    def _drop_indexes(self, models):
        """Drop the secondary indexes and unique constraints of the bulk-loaded tables.

        Building an index once over all rows is several times faster than updating it
        row by row (the search index most of all); _restore_indexes rebuilds them from
        the definitions saved here, in the same transaction.
        """
        saved = []
        for model in models:
            self.cursor.execute(
                "SELECT 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT '"
                "       || quote_ident(conname),"
                "       'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT '"
                "       || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)"
                " FROM pg_constraint WHERE conrelid = %(table)s::regclass AND contype = 'u' "
                "UNION ALL "
                "SELECT 'DROP INDEX ' || indexrelid::regclass, pg_get_indexdef(indexrelid)"
                " FROM pg_index WHERE indrelid = %(table)s::regclass AND NOT indisprimary"
                " AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)",
                {"table": model._meta.db_table},
            )
            saved += self.cursor.fetchall()
        for drop, _ in saved:
            self.cursor.execute(drop)
        return saved

    def _restore_indexes(self, saved):
        # Check the deferred foreign keys now: ALTER TABLE refuses a table with pending checks.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _, create in saved:
            self.cursor.execute(create)

    def _table(self, model):
        return connection.ops.quote_name(model._meta.db_table)

    def _copy(self, model, fields, rows):
        columns = ", ".join(
            connection.ops.quote_name(model._meta.get_field(name).column) for name in fields
        )
        with self.cursor.copy(f"COPY {self._table(model)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def _new_ids(self, model, count):
        """Primary keys for rows written with explicit ids; the sequence is moved past them."""
        table = self._table(model)
        self.cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        start = self.cursor.fetchone()[0] + 1
        self.cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
            [model._meta.db_table, start + count - 1],
        )
        return list(range(start, start + count))

    # ------------------------------------------------------------------ content

    def _topics_and_terms(self, sizes):
        existing = list(Topic.objects.values_list("pk", flat=True))
        self.topic_ids = self._new_ids(Topic, sizes["topics"])
        self._copy(
            Topic,
            ["id", "name", "slug", "description", "reader_interest"],
            (
                (
                    pk,
                    f"Synthetic topic {n:03d}",
                    f"{SLUG_PREFIX}topic-{n:03d}",
                    f"A made-up topic, number {n}, in the benchmark's synthetic data set.",
                    0.0,
                )
                for n, pk in enumerate(self.topic_ids, start=1)
            ),
        )
        # Synthetic stories join existing topics too, so the fixture stories sit among them.
        self.topic_pool = self.topic_ids + existing
        self.terms = []  # (pk, term, slug)
        for n, pk in enumerate(self._new_ids(GlossaryTerm, sizes["terms"]), start=1):
            self.terms.append((pk, f"Synthetic term {n:04d}", f"{SLUG_PREFIX}term-{n:04d}"))
        self._copy(
            GlossaryTerm,
            ["id", "term", "slug", "aliases", "definition", "definition_html"],
            (
                (
                    pk,
                    term,
                    slug,
                    "",
                    f"A made-up term for the benchmark ({term}).",
                    f"<p>A made-up term for the benchmark ({term}).</p>",
                )
                for pk, term, slug in self.terms
            ),
        )

    def _paragraphs(self, count):
        """A pool of filler paragraphs, as (Markdown, HTML): stories are assembled from it."""
        pool = []
        for _ in range(count):
            sentences = []
            for _ in range(self.rng.randint(5, 8)):
                words = self.rng.choices(VOCABULARY, k=self.rng.randint(9, 15))
                sentences.append(" ".join(words).capitalize() + ".")
            text = " ".join(sentences)
            pool.append((text, f"<p>{text}</p>"))
        return pool

    def _section(self, pool, paragraphs, theme, terms, heading):
        mentions_md = " and ".join(term for _, term, _ in terms)
        mentions_html = " and ".join(
            f'<a class="term" href="#term-{slug}">{term}</a>' for _, term, slug in terms
        )
        lead = f"This synthetic report on {theme} turns on {{}}, as the benchmark requires."
        chosen = self.rng.sample(pool, paragraphs)
        middle = len(chosen) // 2
        markdown = [lead.format(mentions_md), *(md for md, _ in chosen[:middle])]
        markdown += [f"### {heading}", *(md for md, _ in chosen[middle:])]
        html = [f"<p>{lead.format(mentions_html)}</p>", *(h for _, h in chosen[:middle])]
        html += [f"<h3>{heading}</h3>", *(h for _, h in chosen[middle:])]
        return "\n\n".join(markdown), "\n".join(html)

    def _plan_stories(self, sizes):
        """Ids, publish times and popularity: what reads and forecasts are planned from."""
        count = sizes["stories"]
        span = timedelta(days=365 * YEARS_OF_STORIES)
        self.stories = []  # (pk, published_at, or None for a draft), oldest first
        for n, pk in enumerate(self._new_ids(Article, count), start=1):
            # One every few hours, the newest an hour ago.
            published = self.now - timedelta(hours=1) - span * (count - n) / count
            self.stories.append((pk, None if self.rng.random() < DRAFT_SHARE else published))
        self.published = [(pk, at) for pk, at in self.stories if at is not None]
        # Popularity drives both reads and forecasts, so the most-read story is also the
        # most-forecast one: the "viral story" the benchmark loads.
        weights = [1 / (rank + 1) ** POPULARITY_SKEW for rank in range(len(self.published))]
        self.rng.shuffle(weights)
        self.popularity = weights

    def _stories(self):
        pool = self._paragraphs(min(400, max(20, len(self.stories))))
        topic_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(self.topic_pool))]
        self.rng.shuffle(topic_weights)
        rows, topic_rows, term_rows = [], [], []
        for n, (pk, published) in enumerate(self.stories, start=1):
            theme = THEMES[n % len(THEMES)]
            terms = sorted(
                self.rng.sample(self.terms, min(len(self.terms), self.rng.randint(3, 8)))
            )
            topics = set(self.rng.choices(self.topic_pool, topic_weights, k=self.rng.randint(1, 3)))
            explanation, explanation_html = self._section(
                pool, 5, theme, terms[:2], "Why it matters"
            )
            technical, technical_html = self._section(pool, 9, theme, terms[2:], "Mechanism")
            words = len(explanation.split()) + len(technical.split())
            written = published or self.now - timedelta(days=1)
            rows.append(
                (
                    pk,
                    f"{SLUG_PREFIX}story-{n:05d}",
                    f"Synthetic story {n:05d}: {theme}",
                    f"A synthetic standfirst about {theme} for the benchmark's data set.",
                    "Bench Generator",
                    explanation,
                    explanation_html,
                    technical,
                    technical_html,
                    Article.Status.PUBLISHED if published else Article.Status.DRAFT,
                    published,
                    written - timedelta(days=1),
                    written,
                    max(1, math.ceil(words / WORDS_PER_MINUTE)),
                    # As articles.signals.collect_search_terms writes it: a line per term.
                    "\n".join(term for _, term, _ in terms),
                )
            )
            topic_rows += [(pk, topic) for topic in sorted(topics)]
            term_rows += [(pk, term_pk) for term_pk, _, _ in terms]
        self._copy(Article, ARTICLE_FIELDS, rows)
        self._copy(Article.topics.through, ["article", "topic"], topic_rows)
        self._copy(Article.glossary_terms.through, ["article", "glossaryterm"], term_rows)

    # ------------------------------------------------------------------ evidence

    def _sources(self, sizes):
        criteria = list(Criterion.objects.values_list("pk", "weight"))
        if not criteria:
            ids = self._new_ids(Criterion, len(SYNTHETIC_CRITERIA))
            self._copy(
                Criterion,
                ["id", "name", "slug", "description", "weight", "position"],
                (
                    (
                        pk,
                        f"Synthetic criterion {n}",
                        f"{SLUG_PREFIX}criterion-{n}",
                        "Made up.",
                        w,
                        n,
                    )
                    for n, (pk, w) in enumerate(zip(ids, SYNTHETIC_CRITERIA, strict=True), 1)
                ),
            )
            criteria = list(zip(ids, SYNTHETIC_CRITERIA, strict=True))
        self.components = list(
            MeterComponent.objects.values_list("pk", "default_weight", "from_sources")
        )
        if not self.components:
            ids = self._new_ids(MeterComponent, len(SYNTHETIC_COMPONENTS))
            self._copy(
                MeterComponent,
                ["id", "name", "slug", "description", "default_weight", "from_sources", "position"],
                (
                    (
                        pk,
                        f"Synthetic component {n}",
                        f"{SLUG_PREFIX}component-{n}",
                        "Made up.",
                        w,
                        f,
                        n,
                    )
                    for n, (pk, (w, f)) in enumerate(zip(ids, SYNTHETIC_COMPONENTS, strict=True), 1)
                ),
            )
            self.components = [
                (pk, w, f) for pk, (w, f) in zip(ids, SYNTHETIC_COMPONENTS, strict=True)
            ]
        kinds = list(Source.Kind.values)
        self.source_trust = {}
        source_rows, result_rows = [], []
        for n, pk in enumerate(self._new_ids(Source, sizes["sources"]), start=1):
            met = [(criterion, weight, self.rng.random() < 0.6) for criterion, weight in criteria]
            self.source_trust[pk] = sum(weight for _, weight, ok in met if ok)
            source_rows.append(
                (
                    pk,
                    f"Synthetic source {n:03d}",
                    f"{SLUG_PREFIX}source-{n:03d}",
                    self.rng.choice(kinds),
                    f"https://example.org/synthetic/source-{n:03d}",
                    "A made-up publisher in the benchmark's synthetic data set.",
                    self.source_trust[pk],
                )
            )
            result_rows += [(pk, criterion, ok, "Synthetic verdict.") for criterion, _, ok in met]
        self._copy(
            Source,
            ["id", "name", "slug", "kind", "home_url", "description", "trust_score"],
            source_rows,
        )
        self._copy(CriterionResult, ["source", "criterion", "met", "note"], result_rows)
        self._copy(
            TrustScoreChange,
            ["source", "changed_at", "old_score", "new_score", "reason"],
            (
                (pk, self.now, None, trust, "Synthetic data set for the benchmark")
                for pk, trust in self.source_trust.items()
            ),
        )

    def _evidence(self):
        sources = list(self.source_trust)
        stages = list(Assessment.Stage.values)
        horizons = list(Assessment.Horizon.values)
        concerns = list(ComponentScore.Concern.values)
        kinds = list(Citation.Kind.values)
        citations, assessments, scores = [], [], []
        for pk, _ in self.stories:
            cited = [self.rng.choice(sources) for _ in range(self.rng.randint(1, 4))]
            for position, source in enumerate(cited):
                citations.append(
                    (
                        pk,
                        source,
                        f"Synthetic study {pk}-{position}",
                        f"https://example.org/synthetic/study-{pk}-{position}",
                        f"10.5555/synthetic.{pk}.{position}",
                        (self.now - timedelta(days=self.rng.randint(30, 2000))).date(),
                        self.rng.choice(kinds),
                        "",
                        position,
                    )
                )
            trust = rubric.mean(self.source_trust[source] for source in set(cited))
            rows = []
            for component, weight, from_sources in self.components:
                value = rubric.round_half_up(trust) if from_sources else self.rng.randint(5, 95)
                rows.append((value, weight))
                picked = self.rng.sample(concerns, self.rng.randint(0, 2))
                scores.append((pk, component, value, weight, "Synthetic rationale.", picked))
            assessments.append(
                (
                    pk,
                    self.rng.choice(stages),
                    self.rng.choice(horizons),
                    "Synthetic horizon note.",
                    rubric.weighted_contributions(rows)[0],
                    self.now,
                )
            )
        self._copy(
            Citation,
            [
                "article",
                "source",
                "title",
                "url",
                "doi",
                "published_on",
                "kind",
                "note",
                "position",
            ],
            citations,
        )
        self._copy(
            Assessment,
            ["article", "stage", "horizon", "horizon_note", "score", "scored_at"],
            assessments,
        )
        self._copy(
            ComponentScore,
            ["article", "component", "value", "weight", "rationale", "concerns"],
            scores,
        )

    # ------------------------------------------------------------------ reads

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
        read = self._table(Read)
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
            f"count(*) FILTER (WHERE choice = '{value}')" for value in ReadChoice.values
        )
        columns = ", ".join(ReadChoice.values)
        cursor.execute(
            f"INSERT INTO {self._table(ReadTally)} (article_id, {columns}) "
            f"SELECT r.article_id, {counts} FROM {read} r "
            "JOIN bench_read_plan p ON p.article_id = r.article_id GROUP BY r.article_id"
        )
        self._rebuild_topic_interest()

    def _rebuild_topic_interest(self):
        """Every topic's interest from all raw reads: predictions.interest.read_interest, in SQL.

        The same sum as services.rebuild_topic_interest, in seconds rather than a minute.
        """
        half_life = settings.TOPIC_INTEREST_HALF_LIFE_DAYS * interest.SECONDS_PER_DAY
        topic, read = self._table(Topic), self._table(Read)
        through = self._table(Article.topics.through)
        self.cursor.execute(
            f"""
            UPDATE {topic} t SET reader_interest = coalesce(w.total, 0)
            FROM {topic} t2 LEFT JOIN (
                SELECT at.topic_id,
                       sum(power(2::float8, extract(epoch FROM r.cast_at - %(epoch)s)::float8
                                            / %(half_life)s)) AS total
                FROM {read} r JOIN {through} at ON at.article_id = r.article_id
                GROUP BY at.topic_id
            ) w ON w.topic_id = t2.id
            WHERE t.id = t2.id
            """,
            {"epoch": interest.EPOCH, "half_life": half_life},
        )

    # ------------------------------------------------------------------ forecasts

    def _plan_forecasts(self, total, question_ids, seed):
        """Every question with its forecasts, aggregate, daily history and scores, as rows."""
        started = time.monotonic()
        rng = random.Random(seed + 1)  # its own: this runs beside the main thread
        readers = max(1_000, total // 5)
        # Resolved questions draw on a small pool, so that readers have track records.
        resolved_readers = max(50, readers // 50)
        old_enough = self.now - timedelta(days=120)
        questions, forecasts, points, scores = [], [], [], []
        counts = apportion(total, self.popularity)
        for n, ((article, opens), pk, count) in enumerate(
            zip(self.published, question_ids, counts, strict=True), start=1
        ):
            resolved = opens < old_enough and rng.random() < RESOLVED_SHARE
            if resolved:
                closes = opens + timedelta(days=90)
                window, pool = (opens, closes - timedelta(minutes=1)), resolved_readers
            else:
                closes = self.now + timedelta(days=rng.randint(180, 1500))
                window, pool = (opens, self.now - timedelta(minutes=1)), readers
            lean = rng.randint(5, 95)
            rows = _question_forecasts(rng, pk, count, window, pool, lean)
            result, history = _replay(rows)
            outcome = ""
            if resolved:
                outcome = "yes" if rng.random() * 100 < lean else "no"
                scores += _scores(pk, rows, opens, closes, outcome == "yes")
            forecasts += rows
            points += [(pk, day, *point) for day, point in history]
            questions.append(
                (
                    pk,
                    article,
                    f"{SLUG_PREFIX}question-{n:05d}",
                    f"Will synthetic claim {n:05d} hold up by {closes.year}?",
                    "Synthetic criteria: resolves yes if the made-up claim holds.",
                    "<p>Synthetic criteria: resolves yes if the made-up claim holds.</p>",
                    opens,
                    closes,
                    (closes + timedelta(days=30)).date(),
                    outcome,
                    "Synthetic resolution." if resolved else "",
                    closes + timedelta(days=7) if resolved else None,
                    result.forecasters,
                    result.median,
                    result.lower_quartile,
                    result.upper_quartile,
                    json.dumps(result.histogram),
                )
            )
        return questions, forecasts, points, scores, time.monotonic() - started

    def _write_forecasts(self, planned):
        questions, forecasts, points, scores, seconds = planned.result()
        self._say(f"    (planned in {seconds:.1f} s on a thread)")
        self._copy(Question, QUESTION_FIELDS, questions)
        # Oldest first per question, so that primary keys follow made_at as in real use.
        self._copy(
            Forecast,
            ["question", "reader_id", "probability", "withdrawn", "made_at", "superseded_at"],
            forecasts,
        )
        self._copy(
            AggregatePoint,
            ["question", "day", "forecasters", "median", "lower_quartile", "upper_quartile"],
            points,
        )
        self._copy(
            Score, ["question", "reader_id", "brier", "log_score", "final_probability"], scores
        )

    # ------------------------------------------------------------------ statistics

    def _analyze(self):
        """Fresh planner statistics; outside a transaction VACUUM also marks pages all-visible."""
        models = [
            Topic,
            GlossaryTerm,
            Article,
            Article.topics.through,
            Article.glossary_terms.through,
            Source,
            CriterionResult,
            Citation,
            Assessment,
            ComponentScore,
            Read,
            ReadTally,
            Question,
            Forecast,
            AggregatePoint,
            Score,
        ]
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"{command} {self._table(model)}")


def _question_forecasts(rng, question, count, window, pool, lean):
    """One question's forecasts as rows, oldest first; a reader's newer one ends the older.

    Readers come in bursts on a dozen or so days, mostly soon after the story appears,
    which keeps the daily history short; a quarter are updates, a few of them withdrawals.
    """
    opens, window_end = window
    if count == 0 or window_end <= opens:
        return []
    span = window_end - opens
    bursts = sorted(opens + span * rng.random() ** 2 for _ in range(min(count, 12)))
    times = sorted(
        min(window_end, rng.choice(bursts) + timedelta(hours=6) * rng.random())
        for _ in range(count)
    )
    for index in range(1, count):  # strictly increasing: ties would blur the order
        times[index] = max(times[index], times[index - 1] + timedelta(microseconds=1))
    fresh = iter(rng.sample(range(pool), min(pool, count)))
    rows, last_row, acted = [], {}, []
    for made_at in times:
        reader = next(fresh, None) if not acted or rng.random() >= 0.25 else None
        if reader is None:
            reader = rng.choice(acted)
        else:
            acted.append(reader)
        reader_id = f"{READER_PREFIX}{reader:07d}"
        previous = last_row.get(reader_id)
        withdraw = previous is not None and not rows[previous][3] and rng.random() < 0.1
        if previous is not None:
            rows[previous][5] = made_at
        probability = None if withdraw else min(99, max(1, round(rng.gauss(lean, 15))))
        last_row[reader_id] = len(rows)
        rows.append([question, reader_id, probability, withdraw, made_at, None])
    return rows


def _replay(rows):
    """The stored aggregate and its daily history, as services.replay_history makes them."""
    standing, history = {}, []
    for index, (_, reader_id, probability, withdrawn, made_at, _) in enumerate(rows):
        standing.pop(reader_id, None)
        if not withdrawn:
            standing[reader_id] = probability  # newest last, as the service orders them
        day = timezone.localdate(made_at)
        if index + 1 == len(rows) or timezone.localdate(rows[index + 1][4]) != day:
            result = aggregation.aggregate(standing.values())
            point = (
                result.forecasters,
                result.median,
                result.lower_quartile,
                result.upper_quartile,
            )
            history.append((day, point))
    return aggregation.aggregate(standing.values()), history


def _scores(question, rows, opens, closes, happened):
    """Each reader's time-averaged score, as services.resolve_question computes it."""
    by_reader = {}
    for _, reader_id, probability, _, made_at, superseded_at in rows:
        by_reader.setdefault(reader_id, []).append(
            scoring.Standing(probability, made_at, superseded_at)
        )
    scores = []
    for reader_id, standings in by_reader.items():
        result = scoring.time_averaged(
            standings, opens_at=opens, closes_at=closes, happened=happened
        )
        if result is not None:
            scores.append(
                (question, reader_id, result.brier, result.log_score, result.final_probability)
            )
    return scores
