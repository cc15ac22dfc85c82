"""In a served database: which pages the benchmark loads, their SQL queries, the posters.

tools/bench/__main__.py runs these through ``manage.py shell`` with the settings of
the servers it starts, so that the reader cookies signed here are the site's. Each
writes JSON to ``out``. Queries are counted with Django's test client: a page's first
request / its repeat (what caching saves), a post's for one new reader.
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
from predictions import services
from predictions.models import Forecast, Question, Read
from tools.bench import load
from tools.bench.dataset import READER_PREFIX, SEARCH_WORD

SYNTHETIC = "synthetic-"


def queries(client, path, *, data=None):
    """The queries of one request: a GET (200), or a POST of ``data`` (302)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, data) if data else client.get(path)
    if response.status_code != (302 if data else 200):
        raise SystemExit(f"bench: {path} gave {response.status_code}")
    return len(captured)


def page_queries(client, path):
    return f"{queries(client, path)}/{queries(client, path)}"


def known_reader(question, reader_id):
    """The cookies of a reader who has read ``question``'s story and forecast on it, made
    through the site's services: what a returning reader's browser sends for its panels."""
    services.cast_read(article=question.article, reader_id=reader_id, choice="promising")
    services.submit_forecast(question=question, reader_id=reader_id, probability=40)
    return (
        f"{readers.COOKIE_NAME}={readers.signed_reader_cookie(reader_id)}; "
        f"{readers.MARKER_COOKIE_NAME}=1"
    )


def inspect(out, *, cookies, wrk_threads):
    """The busiest synthetic story and its question, a fixture story and the biggest topic;
    a reader known on that story and the cookies their browser sends; every published
    story's path, for the crawl; every page's queries; the Lua scripts that post as
    ``cookies`` new readers each."""
    open_questions = Question.objects.public().open_now().filter(slug__startswith=SYNTHETIC)
    question = open_questions.select_related("article").order_by("-forecasters", "pk").first()
    published = Article.objects.published()
    topic = (
        Topic.objects.filter(slug__startswith=SYNTHETIC)
        .annotate(stories=Count("articles", filter=Q(articles__in=published)))
        .order_by("-stories", "pk")
        .first()
    )
    story = question.article.get_absolute_url()
    pages = {
        "front": "/",
        "article": story,
        "fixture": published.exclude(slug__startswith=SYNTHETIC).first().get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "search": f"/search/?q={SEARCH_WORD}",
        "mine": f"{story}mine/",
        "read": f"{story}read/",
        "forecast": f"{question.get_absolute_url()}forecast/",
        "reads": "/articles/…/read/",
        "forecasts": "/predictions/…/forecast/",
    }
    # Posts spread over many stories or questions: the same work without one row's lock.
    synthetic = published.filter(slug__startswith=SYNTHETIC).order_by("pk")
    spread_reads = [f"{story.get_absolute_url()}read/" for story in synthetic[:1000]]
    spread_forecasts = [
        f"{q.get_absolute_url()}forecast/" for q in open_questions.order_by("pk")[:1000]
    ]
    run, client = secrets.token_hex(4), Client()

    def signed(kind, number):
        return readers.signed_reader_cookie(f"{READER_PREFIX}{run}-{kind}{number:06d}")

    known = known_reader(question, f"{READER_PREFIX}{run}-known")
    counted = {
        name: page_queries(client, pages[page])
        for name, page in [
            ("front", "front"),
            ("article", "article"),
            ("article-fixture-large", "fixture"),
            ("topic", "topic"),
            ("search", "search"),
        ]
    }
    reader = Client(headers={"Cookie": known})
    if not reader.get(pages["mine"]).json()["panels"]:
        raise SystemExit(f"bench: {pages['mine']} shows the known reader no panels")
    counted["mine"] = page_queries(reader, pages["mine"])
    read, forecast = {"choice": "promising"}, {"probability": "40"}
    for number, (name, path, data) in enumerate(
        [
            ("post-read", pages["read"], read),
            ("post-read-spread", spread_reads[-1], read),
            ("post-forecast", pages["forecast"], forecast),
            ("post-forecast-spread", spread_forecasts[-1], forecast),
        ]
    ):
        client.cookies["reader"] = signed("q", number)
        counted[name] = str(queries(client, path, data=data))
    with override_settings(ROOT_URLCONF="tools.bench.apps"):
        counted["baseline"] = page_queries(Client(), "/")

    reads = [f"choice={choice}" for choice in ("promising", "game_changer")]
    forecasts = [f"probability={p}" for p in range(5, 96, 7)]
    scripts = {
        kind: load.write_post_script(
            Path(out).parent,
            kind,
            cookies=[signed(letter, n) for n in range(cookies)],
            paths=paths,
            bodies=bodies,
            threads=wrk_threads,
            post_every=every,
            read_page=pages["article"],
        )
        for kind, letter, paths, bodies, every in [
            ("read", "r", [pages["read"]], reads, 1),
            ("reads", "s", spread_reads, reads, 1),
            ("forecast", "f", [pages["forecast"]], forecasts, 1),
            ("forecasts", "g", spread_forecasts, forecasts, 1),
            # The story going viral: readers look, and one request in so many votes.
            ("mixed", "m", [pages["read"]], reads, load.MIXED_POST_EVERY),
        ]
    }
    data_set = {
        "counts": {
            "stories": Article.objects.count(),
            "topics": Topic.objects.count(),
            "reads": Read.objects.count(),
            "forecasts": Forecast.objects.count(),
        },
        "article_forecasters": question.forecasters,
        "topic_stories": topic.stories,
    }
    inspected = {
        "pages": pages,
        "headers": {"mine": {"Cookie": known}},
        "crawl": [story.get_absolute_url() for story in published.order_by("pk").iterator()],
        "queries": counted,
        "scripts": scripts,
        "data_set": data_set,
    }
    Path(out).write_text(json.dumps(inspected))


def inspect_small(out, path):
    """The fixture story's queries on the small data set."""
    Path(out).write_text(json.dumps({"article-fixture-small": page_queries(Client(), path)}))
