"""In the served database: choose the pages to load, count their queries, sign cookies.

``inspect()`` picks the busiest synthetic story and question, a fixture story and
the biggest topic; counts each page's SQL queries with Django's test client; and
writes the posting scripts with reader cookies signed as the site signs them.
``count_small_page()`` counts the fixture story's queries on the small data set.
Both write JSON for tools/bench/run.py; tools/bench/indb.py runs them, with Django
set up for the database at hand.
"""

import json
import secrets
from pathlib import Path

from django.db import connection
from django.db.models import Count, Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Topic
from core import readers
from predictions.models import Question
from tools.bench import load
from tools.bench.stories import READER_PREFIX, SEARCH_WORD, SLUG_PREFIX


def inspect(out, cookies, wrk_threads):
    """In the served database: choose the pages, count queries, write the Lua scripts."""
    question = (
        Question.objects.public()
        .open_now()
        .filter(slug__startswith=SLUG_PREFIX)
        .select_related("article")
        .order_by("-forecasters", "pk")
        .first()
    )
    fixture = Article.objects.published().exclude(slug__startswith=SLUG_PREFIX).first()
    topic = (
        Topic.objects.filter(slug__startswith=SLUG_PREFIX)
        .annotate(
            stories=Count(
                "articles",
                filter=Q(articles__in=Article.objects.published()),
            )
        )
        .order_by("-stories", "pk")
        .first()
    )
    pages = {
        "front": "/",
        "article": question.article.get_absolute_url(),
        "fixture": fixture.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "search": f"/search/?q={SEARCH_WORD}",
        "read": f"{question.article.get_absolute_url()}read/",
        "forecast": f"{question.get_absolute_url()}forecast/",
    }
    run = secrets.token_hex(4)

    def signed(kind, number):
        return readers.signed_reader_cookie(f"{READER_PREFIX}{run}-{kind}{number:06d}")

    queries = {}
    client = Client()

    def count(name, method, path, expect, **kwargs):
        observed = []
        for attempt in range(2):
            if method == "post":
                client.cookies["reader"] = signed("q", attempt)
            with CaptureQueriesContext(connection) as captured:
                response = getattr(client, method)(path, **kwargs)
            if response.status_code != expect:
                raise SystemExit(f"bench: {method.upper()} {path} gave {response.status_code}")
            observed.append(len(captured))
        # A page: first request / repeat (what caching saves). A post: each new reader's.
        queries[name] = f"{observed[0]}/{observed[1]}" if method == "get" else str(observed[0])

    for name in ("front", "article", "fixture", "topic", "search"):
        key = {"fixture": "article-fixture-large"}.get(name, name)
        count(key, "get", pages[name], 200)
    count("post-read", "post", pages["read"], 302, data={"choice": "promising"})
    # Reads spread over many stories: the same work without one story's row lock.
    spread = list(
        Article.objects.published()
        .filter(slug__startswith=SLUG_PREFIX)
        .order_by("pk")
        .values_list("slug", flat=True)[:1000]
    )
    count(
        "post-read-spread",
        "post",
        f"/articles/{spread[-1]}/read/",
        302,
        data={"choice": "promising"},
    )
    count("post-forecast", "post", pages["forecast"], 302, data={"probability": "40"})
    # Forecasts spread over many questions, likewise.
    spread_questions = [
        f"{question.get_absolute_url()}forecast/"
        for question in Question.objects.public()
        .open_now()
        .filter(slug__startswith=SLUG_PREFIX)
        .order_by("pk")[:1000]
    ]
    count("post-forecast-spread", "post", spread_questions[-1], 302, data={"probability": "40"})

    scripts = {}
    reads = [f"choice={choice}" for choice in ("promising", "game_changer")]
    forecasts = [f"probability={p}" for p in range(5, 96, 7)]
    for kind, letter, paths, bodies, post_every in (
        ("read", "r", [pages["read"]], reads, 1),
        ("read-spread", "s", [f"/articles/{slug}/read/" for slug in spread], reads, 1),
        ("forecast", "f", [pages["forecast"]], forecasts, 1),
        ("forecast-spread", "g", spread_questions, forecasts, 1),
        # The story going viral: 19 readers look for each one who votes.
        ("mixed", "m", [pages["read"]], reads, load.MIXED_POST_EVERY),
    ):
        scripts[kind] = load.write_post_script(
            Path(out).parent,
            kind,
            cookies=[signed(letter, n) for n in range(cookies)],
            paths=paths,
            bodies=bodies,
            threads=wrk_threads,
            post_every=post_every,
            read_page=pages["article"],
        )

    data_set = {
        "counts": {
            "stories": Article.objects.count(),
            "topics": Topic.objects.count(),
            "reads": _count_rows("predictions_read"),
            "forecasts": _count_rows("predictions_forecast"),
        },
        "article_forecasters": question.forecasters,
        "topic_stories": topic.stories,
    }
    # Last: importing the baseline points this process's URLconf at its one view.
    with override_settings(ROOT_URLCONF="tools.bench.baseline"):
        count("baseline", "get", "/", 200)
    Path(out).write_text(
        json.dumps({"pages": pages, "queries": queries, "scripts": scripts, "data_set": data_set})
    )


def count_small_page(out, path):
    """The fixture story's queries on the small data set: first request / repeat."""
    client, observed = Client(), []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"bench: GET {path} gave {response.status_code} on the small data set")
        observed.append(len(captured))
    queries = {"article-fixture-small": f"{observed[0]}/{observed[1]}"}
    Path(out).write_text(json.dumps({"queries": queries}))


def _count_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]
