"""The benchmark's report: ratios to the baseline, the targets, JSON and Markdown.

The targets are the site's performance goals: each page's requests per second as a
share of the baseline's, its tail latency, and how little the data set's size costs.
"""

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

# Requests per second as a share of the baseline's.
RATIO_TARGETS = {
    "front": 0.5,
    "article": 0.5,
    "topic": 0.4,
    "search": 0.2,
    "post-read": 0.25,
    "post-forecast": 0.25,
}
TAIL_TARGET = 5.0  # p99 under 5 x p50
SIZE_TARGET = 0.85  # the fixture story on the large data set within 15 % of the small


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
        page["tail"] = round(page["p99_ms"] / page["p50_ms"], 2) if page["p50_ms"] else None
        page["queries"] = results["queries"].get(page["name"])
    queries = results["queries"]
    if "article-while-voting" in by_name:
        by_name["article-while-voting"]["queries"] = (
            f"{queries.get('article')} and {queries.get('post-read')}"
        )
    targets = results["targets"]
    for name, target in RATIO_TARGETS.items():
        ratio = by_name[name]["ratio"]
        targets.append(
            {
                "what": f"{by_name[name]['label']}: req/s ≥ {target} × baseline",
                "value": ratio,
                "pass": ratio >= target,
            }
        )
    for page in pages:
        targets.append(
            {
                "what": f"{page['label']}: p99 < {TAIL_TARGET:g} × p50",
                "value": page["tail"],
                "pass": page["tail"] is not None and page["tail"] < TAIL_TARGET,
            }
        )
    small = by_name["article-fixture-small"]["rps"]
    size_ratio = round(by_name["article-fixture-large"]["rps"] / small, 3) if small else 0.0
    results["size_ratio"] = size_ratio
    targets.append(
        {
            "what": f"fixture story, large ÷ small req/s ≥ {SIZE_TARGET}",
            "value": size_ratio,
            "pass": size_ratio >= SIZE_TARGET,
        }
    )
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
            f"{page['p50_ms']:.1f} | {page['p99_ms']:.1f} | {page['ratio']:.2f} | "
            f"{page['tail']:.1f} | {page['queries'] or '–'} |"
        )
    lines += [
        "",
        f"The baseline ran {len(results['baseline_runs'])} times, between the pages, from "
        f"{baseline['rps_min']:.0f} to {baseline['rps_max']:.0f} req/s; each page's ratio is "
        "to the mean of the runs just before and after it. Queries: first request / repeat "
        "(a page cache shows as 0 on the repeat); for a post, one new reader's. "
        f"Fixture story, large ÷ small data set: {results['size_ratio']:.2f}.",
        "",
        "| target | value | result |",
        "|---|---:|---|",
    ]
    for target in results["targets"]:
        verdict = "PASS" if target["pass"] else "**MISS**"
        lines.append(f"| {target['what']} | {target['value']} | {verdict} |")
    return "\n".join(lines) + "\n"
