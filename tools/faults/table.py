"""What one fault did: the readers' writes held against the database's rows, as a table row.

A write the readers were told was stored (acknowledged) must be stored exactly once,
and nothing that was never sent may be; one whose answer was lost (5xx, no answer) may
or may not have been stored, and both are accepted.
"""

import collections
import functools
import subprocess
import sys
from dataclasses import dataclass

from tools import servers

COLUMNS = {
    "fault": "fault",
    "requests": "requests",
    "5xx": "errors",
    "acknowledged writes": "acknowledged",
    "stored": "stored",
    "lost": "lost",
    "duplicated": "duplicated",
    "recovery s": "recovery",
}


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
    passed: bool  # what the fault promises besides the writes
    notes: str

    @property
    def ok(self):
        return self.lost == 0 and self.duplicated == 0 and self.passed


def stored_rows(database, readers):
    """The database's reads and forecasts of ``readers``: two dicts by (reader, slug)."""
    reads, forecasts = collections.defaultdict(list), collections.defaultdict(list)
    ids = ", ".join(f"'{reader}'" for reader in sorted(readers)) or "''"  # uuid4 hex: no quoting
    for line in database.query(
        "SELECT r.reader_id, a.slug, r.choice FROM predictions_read r"
        f" JOIN articles_article a ON a.id = r.article_id WHERE r.reader_id IN ({ids})"
    ).splitlines():
        reader, slug, choice = line.split("|")
        reads[(reader, slug)].append(choice)
    for line in database.query(
        "SELECT f.reader_id, q.slug, f.probability FROM predictions_forecast f"
        " JOIN predictions_question q ON q.id = f.question_id"
        f" WHERE f.reader_id IN ({ids}) ORDER BY f.made_at, f.id"
    ).splitlines():
        reader, slug, probability = line.split("|")
        forecasts[(reader, slug)].append(int(probability))
    return reads, forecasts


def row(fault, traffic, database, *, struck, restored, notes, passed):
    attempts = collections.defaultdict(list)
    for attempt in traffic.attempts:
        if attempt.outcome != "refused":
            attempts[(attempt.kind, attempt.reader, attempt.target)].append(attempt)
    reads, forecasts = stored_rows(database, {attempt.reader for attempt in traffic.attempts})
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
    lines = ["| " + " | ".join(COLUMNS) + " |", "|---" + "|---:" * (len(COLUMNS) - 1) + "|"]
    for entry in rows:
        cells = [getattr(entry, name) for name in COLUMNS.values()]
        text = [f"{cell:.1f}" if isinstance(cell, float) else str(cell) for cell in cells]
        lines.append("| " + " | ".join(text) + " |")
    return "\n".join(lines)


def consistent(env):
    """`manage.py check_consistency` with the site's settings: (whether every stored
    aggregate equals the one recomputed from its raw rows, what it said)."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check_consistency"],
        cwd=servers.CHECKOUT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0, (result.stdout + result.stderr).strip()


def report(rows, env):
    """Print the table, each fault's notes and the consistency of the aggregates; return the
    exit status: 1 when a write was lost or duplicated, a fault broke its promise or an
    aggregate differs from its raw rows."""
    ok, consistency = consistent(env)
    sys.stdout.write(render(rows) + "\n" + "".join(f"  {r.fault}: {r.notes}\n" for r in rows))
    servers.say(f"chaos: stored aggregates against raw rows: {consistency}")
    if ok and all(row.ok for row in rows):
        servers.say("chaos: no lost or duplicated writes; aggregates match the raw rows")
        return 0
    servers.say("chaos: FAILED")
    return 1
