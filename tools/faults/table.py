"""What one fault did: the readers' writes held against the primary's rows, as a table row.

A write the readers were told was stored (acknowledged) must be stored exactly
once; one whose answer was lost (5xx, no answer) may or may not be
(tools/faults/report.py says how each is judged).
"""

import collections
from dataclasses import dataclass

from tools.faults.integrity import allowed_final_reads, forecasts_match

COLUMNS = [
    ("fault", "fault"),
    ("requests", "requests"),
    ("5xx", "errors"),
    ("acknowledged writes", "acknowledged"),
    ("stored", "stored"),
    ("lost", "lost"),
    ("duplicated", "duplicated"),
    ("recovery s", "recovery"),
]


@dataclass
class Row:
    fault: str
    requests: int
    errors: int  # 5xx answers and requests that got no answer
    acknowledged: int
    stored: int
    lost: int
    duplicated: int
    recovery: float  # from the fault until the part was back and no request failed
    page_errors: int  # of the errors, page reads (writes that fail may be resent by readers)
    passed: bool  # what the fault promises besides the writes (see faults.py)
    notes: str

    @property
    def ok(self):
        return self.lost == 0 and self.duplicated == 0 and self.passed


def stored_rows(primary, readers):
    """The primary's reads and forecasts of ``readers``: two dicts by (reader, slug)."""
    reads, forecasts = collections.defaultdict(list), collections.defaultdict(list)
    if not readers:
        return reads, forecasts
    ids = ", ".join(f"'{reader}'" for reader in sorted(readers))  # uuid4 hex: no quoting
    for line in primary.query(
        "SELECT r.reader_id, a.slug, r.choice FROM predictions_read r"
        f" JOIN articles_article a ON a.id = r.article_id WHERE r.reader_id IN ({ids})"
    ).splitlines():
        reader, slug, choice = line.split("|")
        reads[(reader, slug)].append(choice)
    for line in primary.query(
        "SELECT f.reader_id, q.slug, f.probability FROM predictions_forecast f"
        " JOIN predictions_question q ON q.id = f.question_id"
        f" WHERE f.reader_id IN ({ids}) ORDER BY f.made_at, f.id"
    ).splitlines():
        reader, slug, probability = line.split("|")
        forecasts[(reader, slug)].append(int(probability))
    return reads, forecasts


def row(fault, traffic, primary, *, struck, restored, notes, passed):
    attempts = collections.defaultdict(list)
    for attempt in traffic.attempts:
        if attempt.outcome != "refused":
            attempts[(attempt.kind, attempt.reader, attempt.target)].append(attempt)
    readers = {attempt.reader for attempt in traffic.attempts}
    reads, forecasts = stored_rows(primary, readers)
    lost = duplicated = 0
    for (kind, reader, target), sent in attempts.items():
        stored = reads.get((reader, target), []) if kind == "read" else forecasts[(reader, target)]
        acked = sum(1 for attempt in sent if attempt.outcome == "acked")
        if kind == "read":
            duplicated += max(0, len(stored) - 1)
            if (stored[0] if stored else None) not in allowed_final_reads(sent):
                lost += 1
        elif not forecasts_match(sent, stored):
            lost += max(1, acked - len(stored)) if len(stored) <= len(sent) else 0
            duplicated += max(0, len(stored) - len(sent))
    # Rows for pairs that were never sent count as duplicates: stored more than was sent.
    duplicated += sum(
        len(rows)
        for kind, stored in (("read", reads), ("forecast", forecasts))
        for (reader, target), rows in stored.items()
        if (kind, reader, target) not in attempts
    )
    failures_after = [moment for moment in traffic.failures if moment >= struck]
    return Row(
        fault=fault,
        requests=sum(traffic.statuses.values()),
        errors=len(traffic.failures),
        acknowledged=sum(1 for attempt in traffic.attempts if attempt.outcome == "acked"),
        stored=sum(len(rows) for rows in reads.values()) + sum(map(len, forecasts.values())),
        lost=lost,
        duplicated=duplicated,
        recovery=max([restored, *failures_after]) - struck,
        page_errors=sum(
            count
            for (label, status), count in traffic.statuses.items()
            if label == "GET page" and (status is None or status >= 500)
        ),
        passed=passed,
        notes=notes,
    )


def render(rows):
    """The rows as a Markdown table."""
    header = "| " + " | ".join(title for title, _ in COLUMNS) + " |"
    rule = "|" + "|".join("---" if name == "fault" else "---:" for _, name in COLUMNS) + "|"
    lines = [header, rule]
    for entry in rows:
        cells = [getattr(entry, name) for _, name in COLUMNS]
        text = [f"{cell:.1f}" if isinstance(cell, float) else str(cell) for cell in cells]
        lines.append("| " + " | ".join(text) + " |")
    return "\n".join(lines)
