"""What the benchmark loads, in order: each page on gunicorn directly, then through the
HTTP cache (with nginx serving the same bytes beside it), then with slow clients.

tools/bench/run.py loads each row with wrk and the baseline between rows.
"""

import contextlib
from dataclasses import dataclass
from typing import Any

from tools.bench import cache
from tools.bench.load import MIXED_POST_EVERY

SLOW_CLIENTS = 200
# The uncached fixture story on the large and the small data set: (large, small) rows,
# three rounds in turn, with the label each round's rows carry.
SIZE_ROUNDS = (("", ""), ("-again", ", again"), ("-third", ", a third time"))
SIZE_ROWS = tuple(
    (f"article-fixture-large{suffix}", f"article-fixture-small{suffix}")
    for suffix, _ in SIZE_ROUNDS
)


@dataclass(frozen=True)
class Load:
    """One row of the report: ``path`` on ``server`` (a key of the run's servers)."""

    name: str
    label: str
    server: str
    path: str
    script: str | None = None
    warmup: bool = True
    # A context manager held while the page is loaded; what it yields, if anything, is
    # the base URL to load instead of the server's.
    during: Any = None
    probe: str = "/healthz"  # answers 200 once the warm-up's requests are done
    # A yardstick or information, not one of the site's pages: no tail target.
    reference: bool = False


def pages(pages, scripts, bases):
    """The pages, gunicorn directly and then through the cache (``bases["cache"]``)."""
    mixed = f"1 in {MIXED_POST_EVERY} posts a read"
    return [
        Load("front", "front page", "large", pages["front"]),
        Load("article", "article (most read)", "large", pages["article"]),
        # Django caches no pages: these are the uncached story, 20,000 stories vs 10, in
        # turn and three times (SIZE_ROWS), since one 10 s row of a slow page can fall by
        # half on a shared machine, on either data set.
        *(
            Load(name, f"fixture story, {size}{label}", server, pages["fixture"])
            for pair, (_, label) in zip(SIZE_ROWS, SIZE_ROUNDS, strict=True)
            for name, size, server in zip(pair, ("20,000", "10"), ("large", "small"), strict=True)
        ),
        Load("topic", "topic (biggest)", "large", pages["topic"]),
        Load("search", "search", "large", pages["search"]),
        Load(
            "baseline-write",
            "baseline with one durable insert",
            "baseline",
            "/write/",
            probe="/",
            reference=True,
        ),
        Load("post-read", "post a read", "large", pages["read"], scripts["read"]),
        Load(
            "post-read-spread",
            "post a read, 1,000 stories",
            "large",
            "/articles/…/read/",
            scripts["read-spread"],
        ),
        Load("post-forecast", "post a forecast", "large", pages["forecast"], scripts["forecast"]),
        Load(
            "post-forecast-spread",
            "post a forecast, 1,000 questions",
            "large",
            "/predictions/…/forecast/",
            scripts["forecast-spread"],
        ),
        # The same posts on a server that stores none of them (tools/bench/unwritten.py).
        Load(
            "post-read-unwritten",
            "post a read, storing nothing",
            "unwritten",
            "/articles/…/read/",
            scripts["read-spread"],
            reference=True,
        ),
        Load(
            "post-forecast-unwritten",
            "post a forecast, storing nothing",
            "unwritten",
            "/predictions/…/forecast/",
            scripts["forecast-spread"],
            reference=True,
        ),
        Load(
            "article-while-voting", f"article, {mixed}", "large", pages["article"], scripts["mixed"]
        ),
        Load("front-cache", "front page, cache", "cache", pages["front"]),
        Load("article-cache", "article, cache", "cache", pages["article"]),
        Load(
            "article-nginx",
            "article's bytes, nginx static file",
            "nginx",
            "/",
            probe="/",
            # The story as the cache serves it now, written to a file for nginx.
            during=lambda: cache.static_nginx(cache.page_bytes(bases["cache"] + pages["article"])),
            reference=True,
        ),
        Load(
            "article-while-voting-cache",
            f"article, cache, {mixed}",
            "cache",
            pages["article"],
            scripts["mixed"],
        ),
    ]


def slow_clients(pages, bases, count, record):
    """An ordinary page while ``count`` slow clients hold sockets: through the cache, and
    (for information) to gunicorn directly, which is why gunicorn never faces clients.
    Each server's slow-client figures go into ``record``."""
    rows = []
    for server, base, label, reference in (
        ("cache", "cache", "cache", False),
        ("gunicorn", "large", "gunicorn directly", True),
    ):
        port = int(bases[base].rsplit(":", 1)[1])

        @contextlib.contextmanager
        def during(port=port, server=server):
            with cache.slow_clients(port, count=count) as stats:
                yield None
            record[server] = stats

        label = f"front page, {label}, {count} slow clients"
        rows.append(
            Load(
                f"slow-{server}",
                label,
                base,
                pages["front"],
                warmup=False,
                during=during,
                reference=reference,
            )
        )
    return rows
