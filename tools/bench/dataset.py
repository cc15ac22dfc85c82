"""The benchmark's large data set: clearly synthetic, made by PostgreSQL, true to its rows.

Stories are "Synthetic story 00001" (slugs ``synthetic-…``), readers ``bench-…``. The raw
rows (topics, glossary terms, stories, sources and their verdicts, citations, meters,
reads, questions, forecasts) go in with ``INSERT … SELECT generate_series``; then every
stored aggregate (tallies, topic interest, community forecasts and their history, scores,
trust and reality scores) is computed from them by the functions the services use, so
the site shows what it would had readers done all this and ``manage.py
check_consistency`` finds nothing to report. tools/bench/databases.py runs
``generate()`` in the database to fill, with Django set up for it.
"""

import json
import random
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from itertools import groupby
from operator import attrgetter, itemgetter

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article, GlossaryTerm, Topic
from articles.rendering import WORDS_PER_MINUTE
from predictions import aggregation, scoring
from predictions import models as predictions
from predictions.services import crowd, editorial, settling
from trust import models as trust
from trust import rubric
from trust import services as trust_services

DEFAULTS = {
    "stories": 20_000,
    "topics": 200,
    "terms": 2_000,
    "sources": 200,
    "reads": 2_000_000,
    "forecasts": 500_000,
}
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
    "and manufacturing remain the main obstacles to wider use over the next decade"
).split()
# Tables that get many rows: their indexes are built once, after loading.
BULK_TABLES = (
    "articles_article articles_article_topics articles_article_glossary_terms trust_citation "
    "trust_componentscore predictions_read predictions_readtally predictions_forecast "
    "predictions_aggregatepoint predictions_score"
).split()
POINT = attrgetter(*crowd.POINT_COLUMNS)


class AlreadyGenerated(Exception):
    """The database already holds a synthetic data set."""


def sql(statements, **params):
    """Run ``statements``, separated by ";" at the end of a line. Without ``params`` the
    text goes as it is: an index's definition may hold a literal "%" (LIKE 'demo-%')."""
    with connection.cursor() as cursor:
        for statement in statements.split(";\n"):
            if statement.strip():
                cursor.execute(statement, params or None)


def insert(model, columns, select, **params):
    """INSERT INTO ``model``'s table (``columns``) the rows of ``select``; every other NOT
    NULL column takes the model's default, which Django keeps in Python, not in the
    database."""
    named = {column.strip() for column in columns.split(",")}
    left = [
        field
        for field in model._meta.concrete_fields
        if field.column not in named and not (field.primary_key or field.null or field.generated)
    ]
    defaults = {
        f"default_{field.column}": field.get_db_prep_save(field.get_default(), connection)
        for field in left
    }
    sql(
        f"INSERT INTO {model._meta.db_table} ({', '.join([columns, *(f.column for f in left)])})"
        f" SELECT *{''.join(f', %({name})s' for name in defaults)} FROM ({select}) made",
        **params,
        **defaults,
    )


@contextmanager
def step(label):
    started = time.monotonic()
    yield
    sys.stdout.write(f"  {label}: {time.monotonic() - started:.1f} s\n")


def generate(*, scale=1.0, seed=2026, **sizes):
    """Add the synthetic data set to the database: DEFAULTS times ``scale``, but for the
    sizes given outright."""
    if Article.objects.filter(slug__startswith="synthetic-").exists():
        raise AlreadyGenerated(
            "This database already holds synthetic stories; use a fresh database "
            "(python -m tools.bench --rebuild makes one)."
        )
    sizes = {name: sizes.get(name) or max(1, round(n * scale)) for name, n in DEFAULTS.items()}
    started = time.monotonic()
    params = {**sizes, "now": timezone.now(), "prefix": READER_PREFIX}
    with transaction.atomic():
        # Nothing here needs to survive a crash: a failed run is rolled back and redone.
        sql("SET LOCAL synchronous_commit = off;\nSET LOCAL maintenance_work_mem = '256MB'")
        sql("SELECT setseed(%(seed)s)", seed=(seed % 1000) / 1000)
        indexes = drop_indexes()
        with step("topics, glossary terms, stories"):
            stories(params, random.Random(seed))
        with step("sources, citations, meters"):
            evidence(params)
        with step(f"{sizes['reads']:,} reads, {sizes['forecasts']:,} forecasts"):
            reads_and_forecasts(params)
        with step("indexes and constraints"):
            sql("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE refuses pending checks
            sql(";\n".join(create for _, create in indexes))
        with step("aggregates, with the services' functions"):
            aggregates()
    with step("planner statistics"):
        # Outside a transaction VACUUM also marks the pages all-visible.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        sql(";\n".join(f"{command} {table}" for table in BULK_TABLES))
    sys.stdout.write(f"Synthetic data set ready in {time.monotonic() - started:.1f} s: {sizes}\n")


def drop_indexes():
    """Drop the bulk-loaded tables' secondary indexes and unique constraints; return how to
    make each again. Building an index once over all rows is several times faster than
    updating it row by row (the search index most of all)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT 'ALTER TABLE ' || conrelid::regclass || ' DROP CONSTRAINT ' || conname,
                   'ALTER TABLE ' || conrelid::regclass || ' ADD CONSTRAINT ' || conname
                   || ' ' || pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = ANY(%(tables)s::regclass[]) AND contype = 'u'
            UNION ALL
            SELECT 'DROP INDEX ' || indexrelid::regclass, pg_get_indexdef(indexrelid)
            FROM pg_index WHERE indrelid = ANY(%(tables)s::regclass[]) AND NOT indisprimary
            AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)
            """,
            {"tables": BULK_TABLES},
        )
        saved = cursor.fetchall()
    sql(";\n".join(drop for drop, _ in saved))
    return saved


def stories(params, rng):
    """Topics, terms, and stories about one theme word each (1 % of them drafts), the
    newest an hour old, one every few hours before it. A story's 3 to 8 terms are its
    search terms, the first two named in its explanation, the others in its technical
    part; it joins 1 to 3 topics, fixture ones among them, the n-th most popular picked in
    proportion to about 1/n. Its parts are filler paragraphs, written already rendered as
    the Markdown pipeline renders them: rendering 20,000 stories would take longer than
    everything else."""
    insert(
        Topic,
        "name, slug, description",
        """SELECT 'Synthetic topic ' || lpad(n::text, 3, '0'),
                  'synthetic-topic-' || lpad(n::text, 3, '0'),
                  'A made-up topic, number ' || n || ', in the benchmark''s synthetic data set.'
           FROM generate_series(1, %(topics)s) n""",
        **params,
    )
    insert(
        GlossaryTerm,
        "term, slug, definition, definition_html",
        """SELECT 'Synthetic term ' || lpad(n::text, 4, '0'),
                  'synthetic-term-' || lpad(n::text, 4, '0'),
                  'A made-up term for the benchmark.', '<p>A made-up term for the benchmark.</p>'
           FROM generate_series(1, %(terms)s) n""",
        **params,
    )
    paragraphs = [
        " ".join(
            " ".join(rng.choices(VOCABULARY, k=rng.randint(9, 15))).capitalize() + "."
            for _ in range(rng.randint(5, 8))
        )
        for _ in range(400)
    ]
    sql(
        """
        CREATE TEMPORARY TABLE bench_story ON COMMIT DROP AS
        SELECT n, nextval(pg_get_serial_sequence('articles_article', 'id')) AS id,
               (%(themes)s::text[])[1 + n %% cardinality(%(themes)s::text[])] AS theme,
               CASE WHEN random() >= 0.01 THEN %(now)s - interval '1 hour'
                    - interval '3 years' * (%(stories)s - n) / %(stories)s END AS published_at,
               ARRAY(SELECT (%(pool)s::text[])[1 + floor(random() * 400)::int]
                     FROM generate_series(1, 14) WHERE n > 0) AS paragraphs
        FROM generate_series(1, %(stories)s) n;
        CREATE TEMPORARY TABLE bench_topic ON COMMIT DROP AS
        SELECT id, row_number() OVER (ORDER BY random()) - 1 AS rank FROM articles_topic;
        INSERT INTO articles_article_topics (article_id, topic_id)
        SELECT DISTINCT picked.id, bench_topic.id FROM (
            SELECT id, floor((SELECT count(*) FROM bench_topic) * random() ^ 2)::bigint AS rank
            FROM bench_story, generate_series(1, 1 + floor(random() * 3)::int + 0 * n)
            OFFSET 0  -- a fence: each row draws its random values once
        ) picked JOIN bench_topic USING (rank);
        CREATE TEMPORARY TABLE bench_term ON COMMIT DROP AS
        SELECT DISTINCT picked.id AS story, term.id, term.term, term.slug FROM (
            SELECT id, 'synthetic-term-' || lpad((1 + floor(random() * %(terms)s))::text, 4, '0')
                   AS slug
            FROM bench_story, generate_series(1, 3 + floor(random() * 6)::int + 0 * n)
            OFFSET 0
        ) picked JOIN articles_glossaryterm term USING (slug);
        INSERT INTO articles_article_glossary_terms (article_id, glossaryterm_id)
        SELECT story, id FROM bench_term
        """,
        **params,
        themes=THEMES,
        pool=paragraphs,
    )
    explanation = section("explanation", "'This synthetic report on ' || theme", "first", 1, 5)
    technical = section("technical", "'Its mechanism'", "rest", 6, 14)
    insert(
        Article,
        "id, slug, headline, dek, byline, status, published_at, created_at, updated_at,"
        " explanation, explanation_html, technical, technical_html, search_terms,"
        " reading_time_minutes",
        f"""
        SELECT *, greatest(1, ceil((length(explanation || technical)
                              - length(replace(explanation || technical, ' ', ''))) / %(wpm)s))
        FROM (
            SELECT id, 'synthetic-story-' || lpad(n::text, 5, '0'),
                   'Synthetic story ' || lpad(n::text, 5, '0') || ': ' || theme,
                   'A synthetic standfirst about ' || theme || ' for the benchmark''s data set.',
                   'Bench Generator',
                   CASE WHEN published_at IS NULL THEN %(draft)s ELSE %(published)s END,
                   published_at, coalesce(published_at, %(now)s) - interval '1 day',
                   coalesce(published_at, %(now)s), {explanation}, {technical},
                   -- as articles.signals.collect_search_terms writes them: a line per term
                   coalesce(terms, '')
            FROM bench_story s LEFT JOIN (
                SELECT story, string_agg(term, e'\\n' ORDER BY term) AS terms,
                       string_agg(term, ' and ' ORDER BY term) FILTER (WHERE k <= 2) AS first,
                       string_agg(link, ' and ' ORDER BY term) FILTER (WHERE k <= 2) AS first_html,
                       string_agg(term, ' and ' ORDER BY term) FILTER (WHERE k > 2) AS rest,
                       string_agg(link, ' and ' ORDER BY term) FILTER (WHERE k > 2) AS rest_html
                FROM (
                    SELECT story, term, row_number() OVER (PARTITION BY story ORDER BY term) AS k,
                           '<a class="term" href="#term-' || slug || '">' || term || '</a>' AS link
                    FROM bench_term
                ) mentioned GROUP BY story
            ) named ON named.story = s.id
        ) story
        """,
        **params,
        wpm=float(WORDS_PER_MINUTE),
        draft=Article.Status.DRAFT,
        published=Article.Status.PUBLISHED,
    )


def section(name, lead, terms, first, last):
    """A story's part as Markdown and as its HTML: a lead naming its ``terms``, then the
    story's paragraphs ``first`` to ``last`` with a heading halfway."""
    heading = {"explanation": "Why it matters", "technical": "Mechanism"}[name]
    middle = (first + last) // 2
    before, after = f"paragraphs[{first}:{middle}]", f"paragraphs[{middle + 1}:{last}]"
    markdown = (
        f"{lead} || ' turns on ' || coalesce({terms}, 'nothing') || e'.\\n\\n'"
        f" || array_to_string({before}, e'\\n\\n') || e'\\n\\n### {heading}\\n\\n'"
        f" || array_to_string({after}, e'\\n\\n')"
    )
    html = (
        f"'<p>' || {lead} || ' turns on ' || coalesce({terms}_html, 'nothing') || e'.</p>\\n<p>'"
        f" || array_to_string({before}, e'</p>\\n<p>') || e'</p>\\n<h3>{heading}</h3>\\n<p>'"
        f" || array_to_string({after}, e'</p>\\n<p>') || '</p>'"
    )
    return f"{markdown} AS {name}, {html} AS {name}_html"


def evidence(params):
    """Sources with a verdict on each criterion, 1 to 4 citations and a meter per story
    (with made-up criteria and components when the database has none, as the suite's)."""
    insert(
        trust.Criterion,
        "name, slug, description, weight, position",
        """SELECT 'Synthetic criterion ' || n, 'synthetic-criterion-' || n, 'Made up.', weight, n
           FROM unnest('{25,15,5,15,15,10,15}'::int[]) WITH ORDINALITY AS made(weight, n)
           WHERE NOT EXISTS (SELECT FROM trust_criterion)""",
    )
    insert(
        trust.MeterComponent,
        "name, slug, description, default_weight, from_sources, position",
        """SELECT 'Synthetic component ' || n, 'synthetic-component-' || n, 'Made up.', weight,
                  from_sources, n
           FROM unnest('{30,15,20,20,15}'::int[], '{f,t,f,f,f}'::bool[])
                WITH ORDINALITY AS made(weight, from_sources, n)
           WHERE NOT EXISTS (SELECT FROM trust_metercomponent)""",
    )
    insert(
        trust.Source,
        "name, slug, kind, home_url, description",
        """SELECT 'Synthetic source ' || lpad(n::text, 3, '0'),
                  'synthetic-source-' || lpad(n::text, 3, '0'),
                  (%(kinds)s::text[])[1 + n %% cardinality(%(kinds)s::text[])],
                  'https://example.org/synthetic/source-' || n,
                  'A made-up publisher in the benchmark''s synthetic data set.'
           FROM generate_series(1, %(sources)s) n""",
        **params,
        kinds=trust.Source.Kind.values,
    )
    sql(
        """
        CREATE TEMPORARY TABLE bench_source ON COMMIT DROP AS
        SELECT id, row_number() OVER (ORDER BY id) AS rank FROM trust_source
        WHERE slug LIKE 'synthetic-source-%%'
        """
    )
    insert(
        trust.CriterionResult,
        "source_id, criterion_id, met, note",
        """SELECT source.id, criterion.id, random() < 0.6, 'Synthetic verdict.'
           FROM bench_source source, trust_criterion criterion""",
    )
    insert(
        trust.Citation,
        "article_id, source_id, position, title, url, doi, published_on, kind",
        """SELECT story, source.id, position, 'Synthetic study ' || story || '-' || position,
                  'https://example.org/synthetic/study-' || story || '-' || position,
                  '10.5555/synthetic.' || story || '.' || position,
                  (%(now)s - interval '1 day' * (30 + floor(random() * 1970)))::date,
                  (%(kinds)s::text[])[1 + (story + position) %% cardinality(%(kinds)s::text[])]
           FROM (
               SELECT id AS story, position, 1 + floor(random() * %(sources)s)::bigint AS rank
               FROM bench_story, generate_series(0, floor(random() * 4)::int + 0 * n) position
               OFFSET 0
           ) cited JOIN bench_source source USING (rank)""",
        **params,
        kinds=trust.Citation.Kind.values,
    )
    insert(
        trust.Assessment,
        "article_id, stage, horizon, horizon_note",
        """SELECT id, (%(stages)s::int[])[1 + floor(random() * cardinality(%(stages)s::int[]))],
                  (%(horizons)s::text[])[1 + n %% cardinality(%(horizons)s::text[])],
                  'Synthetic horizon note.'
           FROM bench_story""",
        stages=trust.Assessment.Stage.values,
        horizons=trust.Assessment.Horizon.values,
    )
    insert(
        trust.ComponentScore,
        "article_id, component_id, value, weight, rationale, concerns",
        """SELECT story.id, component.id, 5 + floor(random() * 91), component.default_weight,
                  'Synthetic rationale.',
                  CASE WHEN random() < 0.3 THEN ARRAY[(%(concerns)s::text[])
                       [1 + floor(random() * cardinality(%(concerns)s::text[]))]] ELSE '{}' END
           FROM bench_story story, trust_metercomponent component""",
        concerns=trust.ComponentScore.Concern.values,
    )


def reads_and_forecasts(params):
    """Reads, and a question per published story with forecasts. A story's popularity
    (the n-th most popular in proportion to n^-0.6: at full size the top one draws about
    0.8 %) sets both its reads and its forecasts, so the most read story is the most
    forecast. Readers of a story are distinct; forecasts come in bursts on a dozen days,
    mostly soon after the story appeared, and readers come back to update, now and then
    to withdraw. Every 20th question old enough is resolved, its forecasts from a small
    pool of readers who so build track records."""
    readers, forecasters = max(1_000, params["reads"] // 4), max(1_000, params["forecasts"] // 5)
    choices = " ".join(
        f"WHEN x < {share} THEN '{choice}'"
        for choice, share in zip(predictions.ReadChoice.values, (0.15, 0.55, 0.85, 1), strict=True)
    )
    sql(
        f"""
        CREATE TEMPORARY TABLE bench_share ON COMMIT DROP AS
        WITH popular AS (
            SELECT id, n, published_at, (row_number() OVER (ORDER BY random())) ^ -0.6 AS weight
            FROM bench_story WHERE published_at IS NOT NULL
        ), exact AS (
            SELECT *, %(reads)s * weight / sum(weight) OVER () AS reads,
                   %(forecasts)s * weight / sum(weight) OVER () AS forecasts
            FROM popular
        )  -- whole numbers that add up to the totals: the largest remainders get one more
        SELECT id, n, published_at,
               floor(reads)::int + (row_number() OVER (ORDER BY reads - floor(reads) DESC)
                   <= %(reads)s - sum(floor(reads)) OVER ())::int AS reads,
               floor(forecasts)::int + (row_number() OVER (ORDER BY forecasts - floor(forecasts)
                   DESC) <= %(forecasts)s - sum(floor(forecasts)) OVER ())::int AS forecasts
        FROM exact;
        INSERT INTO predictions_read (article_id, reader_id, choice, cast_at, changed_at)
        SELECT id, reader_id, CASE {choices} END, cast_at, cast_at FROM (
            SELECT id, random() AS x, published_at + (%(now)s - published_at) * random() AS cast_at,
                   %(prefix)s || lpad(((id * 7919 + j) %% {readers})::text, 7, '0') AS reader_id
            FROM bench_share, generate_series(0, reads - 1) j
            OFFSET 0
        ) reads;
        CREATE TEMPORARY TABLE bench_question ON COMMIT DROP AS
        SELECT *, CASE WHEN resolved THEN opens + interval '90 days'
                       ELSE %(now)s + interval '1 day' * (180 + floor(random() * 1320))
                  END AS closes,
               CASE WHEN resolved THEN opens + interval '90 days' ELSE %(now)s END
                   - interval '1 minute' AS window_end,
               CASE WHEN resolved THEN {max(50, forecasters // 50)} ELSE {forecasters} END AS pool
        FROM (
            SELECT nextval(pg_get_serial_sequence('predictions_question', 'id')) AS id,
                   id AS article, n, published_at AS opens, forecasts,
                   n %% 20 = 0 AND published_at < %(now)s - interval '120 days' AS resolved,
                   5 + floor(random() * 91) AS lean
            FROM bench_share OFFSET 0
        ) planned
        """,
        **params,
    )
    insert(
        predictions.Question,
        "id, article_id, slug, text, criteria, criteria_html, opens_at, closes_at, resolve_by,"
        " resolution, resolution_note, resolved_at",
        """SELECT id, article, 'synthetic-question-' || lpad(n::text, 5, '0'),
                  'Will synthetic claim ' || lpad(n::text, 5, '0') || ' hold up by '
                  || extract(year FROM closes) || '?',
                  'Synthetic criteria: resolves yes if the made-up claim holds.',
                  '<p>Synthetic criteria: resolves yes if the made-up claim holds.</p>',
                  opens, closes, (closes + interval '30 days')::date,
                  CASE WHEN NOT resolved THEN '' WHEN random() * 100 < lean THEN 'yes'
                       ELSE 'no' END,
                  CASE WHEN resolved THEN 'Synthetic resolution.' ELSE '' END,
                  CASE WHEN resolved THEN closes + interval '7 days' END
           FROM bench_question""",
    )
    insert(
        predictions.Forecast,
        "question_id, reader_id, probability, withdrawn, made_at, superseded_at",
        """
        SELECT id, reader_id, CASE WHEN NOT withdrawn THEN least(99, greatest(1, round(
                   lean + 15 * sqrt(-2 * ln(1 - y)) * cos(2 * pi() * z)))) END,  -- Box-Muller
               withdrawn, made_at, superseded_at
        FROM (
            SELECT *, k %% 2 = 0 AND x < 0.2 AS withdrawn FROM (
                SELECT *, row_number() OVER reader AS k, lead(made_at) OVER reader AS superseded_at
                FROM (
                    SELECT id, lean, random() AS x, random() AS y, random() AS z,
                           least(window_end, bursts[1 + floor(random() * 12)::int]
                                 + interval '6 hours' * random()) AS made_at,
                           %(prefix)s || lpad(((id * 7919 + floor(random() * greatest(1, forecasts
                               * 0.8))::int) %% pool)::text, 7, '0') AS reader_id
                    FROM (
                        SELECT *, ARRAY(SELECT opens + (window_end - opens) * random() ^ 2
                                        FROM generate_series(1, 12) WHERE id > 0) AS bursts
                        FROM bench_question OFFSET 0
                    ) question, generate_series(1, forecasts)
                    OFFSET 0
                ) made
                WINDOW reader AS (PARTITION BY id, reader_id ORDER BY made_at)
            ) ordered
        ) forecast
        ORDER BY id, made_at  -- primary keys follow made_at, as in real use
        """,
        **params,
    )


def update(model, fields, rows):
    """Set ``fields`` from rows of (value, …, primary key): one statement, pipelined."""
    columns = ", ".join(f"{model._meta.get_field(name).column} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {model._meta.db_table} SET {columns} WHERE {model._meta.pk.column} = %s", rows
        )


def aggregates():
    """Every stored aggregate from the raw rows: tallies and topic interest by their
    service; each question's community forecast, daily history and scores as
    services.replay_history and resolve_question compute them; trust and reality scores
    as trust.services does (a service call per question or story would take minutes)."""
    editorial.rebuild_topic_interest()
    synthetic = predictions.Question.objects.filter(slug__startswith="synthetic-")
    questions = {question.pk: question for question in synthetic}
    forecasts = (
        predictions.Forecast.objects.filter(question__in=synthetic)
        .order_by("question", "made_at", "pk")
        .values_list("question", "reader_id", "probability", "made_at", "superseded_at")
        .iterator(chunk_size=10_000)
    )
    stored, points, scores = [], [], []
    for pk, group in groupby(forecasts, key=itemgetter(0)):
        rows, question = [row[1:] for row in group], questions[pk]
        by_day = aggregation.replay(
            (reader, crowd.origin_key("", reader), probability, timezone.localdate(made_at))
            for reader, probability, made_at, _ in rows
        )
        result = aggregation.latest(by_day)
        stored.append((*POINT(result), json.dumps(result.histogram), pk))
        points += [settling.aggregate_point(question, day, point) for day, point in by_day.items()]
        if question.is_scored:
            happened = question.resolution == predictions.Question.Resolution.YES
            scores += [
                predictions.Score(question=question, reader_id=reader, **vars(score))
                for reader, score in scoring.score_readers(
                    rows,
                    opens_at=question.opens_at,
                    closes_at=question.closes_at,
                    happened=happened,
                ).items()
            ]
    update(predictions.Question, [*crowd.POINT_COLUMNS, "histogram"], stored)
    predictions.AggregatePoint.objects.bulk_create(points, batch_size=10_000)
    predictions.Score.objects.bulk_create(scores, batch_size=10_000)

    for source in trust.Source.objects.filter(slug__startswith="synthetic-"):
        trust_services.rescore_source(
            source=source, reason="Synthetic data set for the benchmark", rescore_stories=False
        )
    lent = defaultdict(list)
    for article, *citation in trust.Citation.objects.filter(
        article__slug__startswith="synthetic-"
    ).values_list("article", "source", "source__trust_score", "status"):
        lent[article].append(citation)
    components, meters = [], defaultdict(list)
    for pk, article, value, weight, from_sources in trust.ComponentScore.objects.filter(
        article__in=lent
    ).values_list("pk", "article", "value", "weight", "component__from_sources"):
        if from_sources:
            value = rubric.sources_component(rubric.lent_trusts(lent[article]))
            components.append((value, pk))
        meters[article].append((value, weight))
    update(trust.ComponentScore, ["value"], components)
    now = timezone.now()
    update(
        trust.Assessment,
        ["score", "scored_at"],
        [(rubric.story_score(meters[article]), now, article) for article in meters],
    )
