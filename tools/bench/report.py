"""The benchmark's targets (the site's performance goals) and its report: JSON and Markdown.

Each target is {"what", "value", "pass"}; "pass" is None for a figure reported as
information only (gunicorn facing slow clients directly, which it never does).
"""

import json
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

from tools.bench.load import MIXED_POST_EVERY

# The uncached fixture story on the large and the small data set (tools/bench/__main__.py:
# PLAN), three rounds.
SIZE_ROWS = tuple(
    (f"article-fixture-large{suffix}", f"article-fixture-small{suffix}")
    for suffix in ("", "-again", "-third")
)
# Requests per second as a share of the baseline's (a Django hello-world, same gunicorn):
# a story rendered uncached, the other shared pages uncached, a known reader's panels, and
# pages through the cache.
RATIO_TARGETS = {
    "front": 0.05,
    "article": 0.1,
    **dict.fromkeys(sum(SIZE_ROWS, ()), 0.1),
    "topic": 0.05,
    "search": 0.05,
    "mine": 0.3,
    "front-cache": 5.0,
    "article-cache": 5.0,
}
# Posts as a share of the floor of any acknowledged write: one durable INSERT behind the
# same gunicorn (tools/bench/apps.py).
WRITE_FLOOR = "baseline-write"
WRITE_TARGETS = {
    "post-read": 0.8,
    "post-read-spread": 0.8,
    "post-forecast": 0.6,
    "post-forecast-spread": 0.6,
}
TAIL_TARGET = 5.0  # p99 under 5 x p50, on gunicorn's pages
SIZE_TARGET = 0.85  # the uncached fixture story on the large data set within 15 % of the small
MIXED_TARGET = 0.8  # readers and voters through the cache, as a share of the blend's rate
P99_MS = 100  # readers and voters (also during a crawl), and slow clients, through the cache
CRAWL_HITS = 0.99  # the crawl's second pass: hits among the stories its first pass fetched
EDIT_SECONDS, VOTE_SECONDS = 2, 10
# The story through the cache and nginx serving its bytes, at the run's connections and at
# twice as many (information: the ceiling of a cache hit).
NGINX_PAIRS = [("article-cache", "article-nginx"), ("article-cache-wide", "article-nginx-wide")]


def target(what, value, passed):
    return {"what": what, "value": value, "pass": passed}


def at_least(what, value, minimum):
    return target(f"{what} ≥ {minimum:g}", value, value is not None and value >= minimum)


def under(what, value, maximum):
    return target(f"{what} < {maximum:g}", value, value is not None and value < maximum)


def size_ratio(pages):
    """The uncached fixture story's req/s on the large data set ÷ on the small: the median
    of the rounds' ratios, so that one row that fell by half does not decide it."""
    ratios = [
        pages[large]["rps"] / pages[small]["rps"]
        for large, small in SIZE_ROWS
        if pages[small]["rps"]
    ]
    return round(statistics.median(ratios), 3) if ratios else 0.0


def evaluate(results):
    """The targets, in the order the report lists them; fills in results' derived figures."""
    pages = {page["name"]: page for page in results["pages"]}

    def share(name, of):
        return round(pages[name]["rps"] / pages[of]["rps"], 3) if pages[of]["rps"] else 0.0

    targets = [
        at_least(f"{pages[name]['label']}: req/s ÷ baseline", pages[name]["ratio"], minimum)
        for name, minimum in RATIO_TARGETS.items()
    ]
    targets += [
        under(f"{page['label']}: p99 ÷ p50", page["tail"], TAIL_TARGET)
        for page in results["pages"]
        # A cache hit's p50 is a fraction of a millisecond, where the scheduler of a
        # shared machine sets the p99.
        if page["server"] in {"large", "small"} and not page["reference"]
    ]
    floor = pages[WRITE_FLOOR]["label"]
    targets += [
        at_least(f"{pages[name]['label']}: req/s ÷ {floor}", share(name, WRITE_FLOOR), minimum)
        for name, minimum in WRITE_TARGETS.items()
    ]
    targets += [
        target(
            f"{pages[name]['label']}: req/s ÷ {floor} (information: the most any way of "
            f"storing them allows, against a target of {WRITE_TARGETS[stored]:g})",
            share(name, WRITE_FLOOR),
            None,
        )
        for name, stored in [
            ("post-read-unwritten", "post-read"),
            ("post-forecast-unwritten", "post-forecast"),
        ]
    ]
    results["size_ratio"] = size_ratio(pages)
    results["nginx_ratios"] = {
        pages[story]["connections"]: share(story, nginx) for story, nginx in NGINX_PAIRS
    }
    targets += [
        target(
            f"story through the cache ÷ nginx serving the same bytes by name, {connections} "
            "connections (information: the ceiling of a cache hit)",
            ratio,
            None,
        )
        for connections, ratio in results["nginx_ratios"].items()
    ]
    # Requests/s of a load where one request in MIXED_POST_EVERY posts, if each kind took
    # the time it takes alone: the weighted harmonic mean of the two rates.
    story, post = pages["article-cache"]["rps"], pages["post-read"]["rps"]
    every = MIXED_POST_EVERY
    blend = every / ((every - 1) / story + 1 / post) if story and post else 0.0
    mixed = pages["article-while-voting-cache"]
    results["mixed_cache_blend_rps"] = round(blend, 1)
    results["mixed_cache_ratio"] = round(mixed["rps"] / blend, 3) if blend else 0.0
    slow, fresh, crawl = pages["slow-cache"], results["freshness"], results["crawl"]
    vote = fresh["vote"]
    return targets + [
        at_least(
            "uncached fixture story (gunicorn), 20,000 ÷ 10 stories req/s",
            results["size_ratio"],
            SIZE_TARGET,
        ),
        at_least(
            f"{mixed['label']}: req/s ÷ blend of story-through-cache and post-a-read rates "
            f"({blend:.0f})",
            results["mixed_cache_ratio"],
            MIXED_TARGET,
        ),
        under(f"{mixed['label']}: p99 ms", mixed["p99_ms"], P99_MS),
        under(f"{pages['crawl']['label']}: readers' p99 ms", pages["crawl"]["p99_ms"], P99_MS),
        at_least(
            f"the crawl's second pass: hits ÷ the {crawl['fetched_first_pass']:,} stories its "
            "first pass fetched",
            crawl["second_pass_hit_rate"],
            CRAWL_HITS,
        ),
        target(
            f"the crawl's first pass: stories answered 429 by the edge's throttle, of "
            f"{crawl['stories']:,} (information)",
            crawl["throttled_first_pass"],
            None,
        ),
        under(f"{slow['label']}: p99 ms", slow["p99_ms"], P99_MS),
        target(
            f"{pages['slow-gunicorn']['label']}: p99 ms (information: gunicorn never faces "
            "clients)",
            pages["slow-gunicorn"]["p99_ms"],
            None,
        ),
        under(
            "editor's headline change through the cache: seconds",
            fresh["edit_seconds"],
            EDIT_SECONDS,
        ),
        target(
            "a vote shows in the voter's own panels at once",
            vote["mine_shows_it"],
            vote["mine_shows_it"],
        ),
        under(
            "a vote shows in the shared page's tally: seconds", vote["tally_seconds"], VOTE_SECONDS
        ),
    ]


def write(results, output):
    """Fill in the ratios and targets, print the Markdown, write the JSON and latest.md."""
    runs, queries = results["baseline_runs"], results["queries"]
    results["baseline"] = {
        "rps": round(statistics.mean(run["rps"] for run in runs), 1),
        "rps_min": min(run["rps"] for run in runs),
        "rps_max": max(run["rps"] for run in runs),
        "p50_ms": statistics.median_high(run["p50_ms"] for run in runs),
        "p99_ms": statistics.median_high(run["p99_ms"] for run in runs),
        "queries": queries.get("baseline"),
    }
    # A row repeated, or loaded with posts beside, shares the queries of the row it repeats.
    queries |= {
        later: queries.get(first)
        for rounds in SIZE_ROWS[1:]
        for later, first in zip(rounds, SIZE_ROWS[0], strict=True)
    }
    queries |= dict.fromkeys(
        ["article-while-voting", "article-while-voting-cache", "crawl"],
        f"{queries.get('article')} and {queries.get('post-read')}",
    )
    for page in results["pages"]:
        baseline, p50, p99 = page["baseline_rps"], page["p50_ms"], page["p99_ms"]
        page["ratio"] = round(page["rps"] / baseline, 3) if baseline else 0.0
        page["tail"] = round(p99 / p50, 2) if p50 and p99 is not None else None
        page["queries"] = queries.get(page["name"])
    results["targets"] = evaluate(results)
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    markdown = render(results)
    sys.stdout.write(f"\n{markdown}\n")
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    written = out / f"results-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    written.write_text(json.dumps(results, indent=2) + "\n")
    (out / "latest.md").write_text(markdown)
    return written


VERDICTS = {True: "PASS", False: "**MISS**", None: "info"}


def number(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def render(results):
    settings, data, baseline = results["settings"], results["data_set"], results["baseline"]
    fresh = results["freshness"]
    before, after = results["load_average_before"], results["load_average_after"]
    vote, generated = fresh["vote"], data.get("generation_seconds")
    load = f"{before[0]:.1f} → {after[0]:.1f}"
    lines = [
        f"Command: `{results['command']}` — finished {results['finished']} in "
        f"{results['seconds']:.0f} s.  ",
        f"Machine: {settings['cpus']} CPUs, {settings['machine']}, Python {settings['python']}; "
        f"load average {load}.  ",
        f"gunicorn {settings['gunicorn_workers']} workers × {settings['gunicorn_threads']} "
        f"threads ({settings['gunicorn_worker_class']}), production settings; wrk "
        f"{settings['wrk_threads']} threads, {settings['connections']} connections, "
        f"{settings['duration_s']} s per page after a warm-up.  ",
        "Large data set: "
        + ", ".join(f"{count:,} {name}" for name, count in data["counts"].items())
        + (f" (generated in {generated:.0f} s)" if generated else "")
        + f"; the most read story's question has {data['article_forecasters']:,} forecasters, "
        f"the biggest topic {data['topic_stories']:,} stories.",
        "",
    ]
    # The load test itself keeps about three processes busy (wrk and gunicorn).
    if max(before[0], after[0] - 3) > settings["cpus"]:
        lines += [
            f"**The machine was busy** (load average {load} on {settings['cpus']} CPUs from "
            "other work): ratios are to the interleaved baseline, but tails and absolute "
            "numbers carry that noise.",
            "",
        ]
    lines += [
        "| page | req/s | p50 ms | p99 ms | × baseline | p99/p50 | queries |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| baseline (one-view Django app) | {baseline['rps']:.0f} | {baseline['p50_ms']:.1f} | "
        f"{baseline['p99_ms']:.1f} | 1.00 | {baseline['p99_ms'] / baseline['p50_ms']:.1f} | "
        f"{baseline['queries'] or '–'} |",
    ]
    for page in results["pages"]:
        errors = f" ({page['errors']} errors)" if page["errors"] else ""
        lines.append(
            f"| {page['label']}{errors} `{page['path']}` | {page['rps']:.0f} | "
            f"{number(page['p50_ms'])} | {number(page['p99_ms'])} | {page['ratio']:.2f} | "
            f"{number(page['tail'])} | {page['queries'] or '–'} |"
        )
    slow = "; ".join(
        f"{server}: {run['clients']} sockets sending a header line every {run['interval_s']:g} s, "
        f"{run['reopened']} dropped by the server and opened again"
        for server, run in results["slow_clients"].items()
    )
    nginx = ", ".join(
        f"{ratio:.2f} at {connections} connections"
        for connections, ratio in results["nginx_ratios"].items()
    )
    crawl = results["crawl"]
    passes = "; ".join(
        f"pass {number}: {run['requests']:,} requests in {run['seconds']:.1f} s "
        f"({run['rps']:.0f}/s), "
        + ", ".join(f"{count:,} × {status}" for status, count in sorted(run["statuses"].items()))
        + f", {run['hits']:,} hits"
        for number, run in enumerate(crawl["passes"], start=1)
    )
    lines += [
        "",
        f"The baseline ran {len(results['baseline_runs'])} times, between the pages, from "
        f"{baseline['rps_min']:.0f} to {baseline['rps_max']:.0f} req/s; each page's ratio is "
        "to the mean of the runs just before and after it. Queries: first request / repeat "
        "(Django caches no pages; the HTTP cache in front does); for a post, one new reader's. "
        "Rows marked *cache* go through Varnish (newsroom/deploy/varnish.vcl) in front of the "
        "large data set's gunicorn; the others go to gunicorn directly. The uncached rows "
        "render *kept* pages: the app keeps the parts of a shared page rendered in Redis from "
        "its second drawing on (core/fragments.py), and the warm-up draws each row's page "
        "many times, so these rows measure a miss of a page drawn before; the crawl's first "
        "pass draws each story once, whole. "
        f"Uncached fixture story, large ÷ small data set: {results['size_ratio']:.2f}; "
        f"story through the cache ÷ nginx serving its bytes by name: {nginx}; "
        "readers and voters through the cache ÷ the blend of the two rates "
        f"({results['mixed_cache_blend_rps']:.0f} req/s): {results['mixed_cache_ratio']:.2f}. "
        f"Slow clients: {slow}.",
        "",
        f"The crawl: one client on {crawl['address']} (the readers' load comes from "
        f"127.0.0.1) with {crawl['connections']} connections walked all {crawl['stories']:,} "
        "stories through the cache, pass after pass, while readers read and voted; "
        f"{passes}. The edge's throttle answered {crawl['throttled_first_pass']:,} of the "
        f"first pass's requests with 429; the second pass hit the cache on "
        f"{crawl['second_pass_hits']:,} of the {crawl['fetched_first_pass']:,} stories the "
        "first fetched.",
        "",
        "Freshness through the cache: an editor's headline change showed after "
        f"{number(fresh['edit_seconds'], 2)} s; a vote (POST {vote['post_status']}) showed in "
        f"the voter's own panels {'at once' if vote['mine_shows_it'] else '**not at once**'} "
        f"({vote['mine_seconds']:.2f} s) and in the shared page's tally after "
        f"{number(vote['tally_seconds'], 2)} s.",
        "",
        "| target | value | result |",
        "|---|---:|---|",
        *(f"| {t['what']} | {t['value']} | {VERDICTS[t['pass']]} |" for t in results["targets"]),
    ]
    return "\n".join(lines) + "\n"
