"""The benchmark's report: ratios to the baseline, the targets, JSON and Markdown.

The targets (tools/bench/targets.py) are the site's performance goals: each page's
requests per second as a share of the baseline's, its tail latency, how little the
data set's size costs, what the HTTP cache in front adds and how soon changes show.
"""

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from tools.bench import plan, targets

STARTED = time.monotonic()


def say(message):
    """A line of progress, with the seconds since the benchmark started."""
    sys.stdout.write(f"==> [{time.monotonic() - STARTED:5.1f} s] {message}\n")
    sys.stdout.flush()


def write_report(results, output):
    """Fill in the ratios and targets, print the Markdown, write the JSON and latest.md."""
    pages = results["pages"]
    runs = results["baseline_runs"]
    results["baseline"] = {
        "rps": round(sum(run["rps"] for run in runs) / len(runs), 1),
        "rps_min": min(run["rps"] for run in runs),
        "rps_max": max(run["rps"] for run in runs),
        "p50_ms": round(sorted(run["p50_ms"] for run in runs)[len(runs) // 2], 3),
        "p99_ms": round(sorted(run["p99_ms"] for run in runs)[len(runs) // 2], 3),
        "queries": results["queries"].get("baseline"),
    }
    by_name = {page["name"]: page for page in pages}
    for page in pages:
        baseline = page["baseline_rps"]
        page["ratio"] = round(page["rps"] / baseline, 3) if baseline else 0.0
        p50, p99 = page["p50_ms"], page["p99_ms"]
        page["tail"] = round(p99 / p50, 2) if p50 and p99 is not None else None
        page["queries"] = results["queries"].get(page["name"])
    queries = results["queries"]
    for name in ("article-while-voting", "article-while-voting-cache"):
        by_name[name]["queries"] = f"{queries.get('article')} and {queries.get('post-read')}"
    first, *later = plan.SIZE_ROWS
    for rows in later:
        for name, of in zip(rows, first, strict=True):
            by_name[name]["queries"] = queries.get(of)
    results["targets"] = targets.evaluate(results)
    results["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    markdown = render_markdown(results)
    sys.stdout.write(f"\n{markdown}\n")
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"results-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
    (out / "latest.md").write_text(markdown)
    return out / f"results-{stamp}.json"


def render_markdown(results):
    settings = results["settings"]
    data = results["data_set"]
    baseline = results["baseline"]
    generated = data.get("generation_seconds")
    load = " → ".join(
        f"{results[key][0]:.1f}" for key in ("load_average_before", "load_average_after")
    )
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
        *(
            [
                f"**The machine was busy** (load average {load} on {settings['cpus']} CPUs from "
                "other work): ratios are to the interleaved baseline, but tails and absolute "
                "numbers carry that noise.",
                "",
            ]
            # The load test itself keeps about three processes busy (wrk and gunicorn).
            if max(results["load_average_before"][0], results["load_average_after"][0] - 3)
            > settings["cpus"]
            else []
        ),
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
            f"{_number(page['p50_ms'])} | {_number(page['p99_ms'])} | {page['ratio']:.2f} | "
            f"{_number(page['tail'])} | {page['queries'] or '–'} |"
        )
    fresh = results["freshness"]
    vote = fresh["vote"]
    lines += [
        "",
        f"The baseline ran {len(results['baseline_runs'])} times, between the pages, from "
        f"{baseline['rps_min']:.0f} to {baseline['rps_max']:.0f} req/s; each page's ratio is "
        "to the mean of the runs just before and after it. Queries: first request / repeat "
        "(Django caches no pages; the HTTP cache in front does); for a post, one new reader's. "
        "Rows marked *cache* go through Varnish (newsroom/deploy/varnish.vcl) in front of the "
        "large data set's gunicorn; the others go to gunicorn directly. "
        f"Uncached fixture story, large ÷ small data set: {results['size_ratio']:.2f}; "
        f"story through the cache ÷ nginx serving its bytes: {results['nginx_ratio']:.2f}; "
        "readers and voters through the cache ÷ the blend of the two rates "
        f"({results['mixed_cache_blend_rps']:.0f} req/s): {results['mixed_cache_ratio']:.2f}. "
        f"Slow clients: {_slow_clients(results['slow_clients'])}.",
        "",
        "Freshness through the cache: an editor's headline change showed after "
        f"{_number(fresh['edit_seconds'], 2)} s; a vote (POST {vote['post_status']}) showed in "
        f"the voter's own panels {'at once' if vote['mine_shows_it'] else '**not at once**'} "
        f"({vote['mine_seconds']:.2f} s) and in the shared page's tally after "
        f"{_number(vote['tally_seconds'], 2)} s.",
        "",
        "| target | value | result |",
        "|---|---:|---|",
    ]
    for target in results["targets"]:
        verdict = {True: "PASS", False: "**MISS**", None: "info"}[target["pass"]]
        lines.append(f"| {target['what']} | {target['value']} | {verdict} |")
    return "\n".join(lines) + "\n"


def _slow_clients(runs):
    return "; ".join(
        f"{server}: {run['clients']} sockets sending a header line every {run['interval_s']:g} s, "
        f"{run['reopened']} dropped by the server and opened again"
        for server, run in runs.items()
    )


def _number(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"
