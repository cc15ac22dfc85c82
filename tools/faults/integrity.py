"""What the run found: every acknowledged write stored once, aggregates equal to raw rows.

Writes whose answer was lost (5xx, a dropped connection) may or may not have been
stored; both are accepted. Django is imported inside check_integrity, once the
caller has configured it.
"""

import collections
import functools


def allowed_final_reads(attempts):
    """The states a reader's read of a story may be in: the last acknowledged write, or any
    write sent after it whose answer was lost (it may have been stored)."""
    allowed = {None}
    for attempt in attempts:
        if attempt.outcome == "acked":
            allowed = {attempt.value}
        elif attempt.outcome == "unknown":
            allowed.add(attempt.value)
    return allowed


def forecasts_match(attempts, stored):
    """Stored rows are exactly the acknowledged forecasts, in order, plus possibly some whose
    answer was lost: each acknowledged one exactly once, nothing that was not sent."""
    sent = [attempt for attempt in attempts if attempt.outcome != "refused"]

    @functools.cache
    def match(i, j):
        if i == len(sent):
            return j == len(stored)
        if j < len(stored) and stored[j] == sent[i].value and match(i + 1, j + 1):
            return True
        return sent[i].outcome == "unknown" and match(i + 1, j)

    return match(0, 0)


def check_integrity(traffic):
    """Every finding as (ok, message)."""
    from django.db.models import Count

    from predictions import consistency as predictions_consistency
    from predictions.models import Forecast, Read
    from predictions.services import settling
    from trust import consistency as trust_consistency

    findings = []
    attempts = [a for a in traffic.attempts if a.outcome != "refused"]
    acked = [a for a in attempts if a.outcome == "acked"]

    by_pair = collections.defaultdict(list)
    for attempt in traffic.attempts:
        by_pair[(attempt.kind, attempt.reader, attempt.target)].append(attempt)

    stored_reads = {
        (reader, slug): choice
        for reader, slug, choice in Read.objects.values_list("reader_id", "article__slug", "choice")
    }
    duplicates = (
        Read.objects.values("article", "reader_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    read_pairs = [key for key in by_pair if key[0] == "read"]
    wrong_reads = [
        (reader, slug)
        for _, reader, slug in read_pairs
        if stored_reads.get((reader, slug))
        not in allowed_final_reads(by_pair[("read", reader, slug)])
    ]
    readers = {reader for _, reader, _ in read_pairs}
    phantom = [key for key in stored_reads if key[0] in readers and ("read", *key) not in by_pair]
    acked_reads = sum(1 for a in acked if a.kind == "read")
    findings.append(
        (
            not wrong_reads and not duplicates and not phantom,
            f"reads: {acked_reads} acknowledged writes over {len(read_pairs)} reader/story pairs;"
            f" {len(wrong_reads)} pairs whose stored read is not the last acknowledged one,"
            f" {duplicates} duplicated, {len(phantom)} never sent",
        )
    )

    stored_forecasts = collections.defaultdict(list)
    for reader, slug, probability in Forecast.objects.order_by("made_at", "pk").values_list(
        "reader_id", "question__slug", "probability"
    ):
        stored_forecasts[(reader, slug)].append(probability)
    forecast_pairs = [key for key in by_pair if key[0] == "forecast"]
    mismatched = [
        key
        for key in forecast_pairs
        if not forecasts_match(by_pair[key], stored_forecasts[key[1:]])
    ]
    forecasters = {reader for _, reader, _ in forecast_pairs}
    extra = [
        key
        for key in stored_forecasts
        if key[0] in forecasters and ("forecast", *key) not in by_pair
    ]
    acked_forecasts = sum(1 for a in acked if a.kind == "forecast")
    findings.append(
        (
            not mismatched and not extra,
            f"forecasts: {acked_forecasts} acknowledged over {len(forecast_pairs)} reader/question"
            f" pairs; {len(mismatched)} pairs lost or duplicated a forecast,"
            f" {len(extra)} with rows never sent",
        )
    )

    # Once writes settle: what the app servers had not folded in yet is folded in first.
    settling.settle()
    differences = predictions_consistency.differences() + trust_consistency.differences()
    findings.append(
        (
            not differences,
            "stored aggregates (read tallies, topic interest, community forecasts and their"
            f" history, scores, trust) equal those recomputed from raw rows: {len(differences)}"
            " differ" + "".join(f"\n       {line}" for line in differences[:10]),
        )
    )
    return findings


def summarise_statuses(traffic):
    by_label = collections.defaultdict(collections.Counter)
    for (label, status), count in traffic.statuses.items():
        by_label[label][status if status is not None else "no answer"] += count
    lines = []
    for label in sorted(by_label):
        counts = by_label[label]
        detail = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items(), key=str))
        lines.append(f"  {label:<14} {sum(counts.values()):>6}  ({detail})")
    return lines
