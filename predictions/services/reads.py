"""A reader's read: the rules (a known choice, a public story) and the SQL that stores it.

Each write is one statement, so no lock outlives it. A new read inserts the read,
appends its topics' interest (PendingInterest) and adds one to the tally in one
statement; a changed read, once the reader's own read is locked, moves one count from
the old column to the new in another; a withdrawal removes the read, its count and its
interest in one. The shared aggregates follow from predictions/services/settling.py.
Table and column names come from the models; every value is a parameter.

Identities without an account cost nothing, so a story's reads from one origin (a
keyed hash of the network address, core/origins.py) count as one: the first of them is
``counted`` (in the tally and its topics' interest), the others are kept, so that each
reader sees and can change their own, and the oldest of them takes the place of the
counted one if it is withdrawn. An account's reads carry no origin and count one per
account: the statement looks the reader up among accounts itself. A read counts as it
was cast: one cast before its reader had an account keeps its origin. A unique index
holds one counted read per story and origin; the insert locks that read (FOR KEY SHARE),
so that its withdrawal waits for the insert and then finds the new read to count.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import Account
from articles.models import story_cache_key
from core import activity_purges, personal_answers
from predictions import cache_keys, interest
from predictions.models import PendingInterest, Read, ReadChoice, ReadTally
from predictions.services import settling

ARTICLE_TOPICS = Read._meta.get_field("article").related_model.topics.through._meta.db_table
READS = Read._meta.db_table
TALLIES = ReadTally._meta.db_table
# A read meets the one-counted-read-per-origin index only when another read from its
# origin was counted in the same instant; the next try sees that one and stands beside it.
STORE_ATTEMPTS = 3


def _tally_columns():
    return ReadTally.count_fields()


def _delta(choice_parameter, sign):
    """Per tally column: sign × 1 where the column counts the given choice, else 0."""
    return {
        column: f"{sign} (CASE WHEN {choice_parameter} = %({name})s THEN 1 ELSE 0 END)"
        for name, column in _choice_parameters().items()
    }


def _choice_parameters():
    return {f"choice_{index}": column for index, column in enumerate(_tally_columns().values())}


def _choice_values():
    return {f"choice_{index}": value for index, value in enumerate(_tally_columns())}


# A new read, counted unless a read from its origin counts already: one statement.
INSERT_READ = f"""
WITH grouped AS (
    SELECT CASE WHEN EXISTS (
        SELECT 1 FROM {Account._meta.db_table} WHERE reader_id = %(reader)s
    ) THEN '' ELSE %(origin)s END AS origin
), counting AS (
    SELECT counted_read.id FROM {READS} AS counted_read, grouped
    WHERE counted_read.article_id = %(article)s AND grouped.origin <> ''
        AND counted_read.origin = grouped.origin AND counted_read.counted
    FOR KEY SHARE OF counted_read
), inserted AS (
    INSERT INTO {READS} (article_id, reader_id, choice, cast_at, changed_at, origin, counted)
    SELECT %(article)s, %(reader)s, %(choice)s, %(now)s, %(now)s, grouped.origin,
        NOT EXISTS (SELECT 1 FROM counting)
    FROM grouped
    ON CONFLICT (article_id, reader_id) DO NOTHING
    RETURNING id, choice, cast_at, counted
), interest AS (
    INSERT INTO {PendingInterest._meta.db_table} (topic_id, amount)
    SELECT topic_id, %(interest)s FROM {ARTICLE_TOPICS}
    WHERE article_id = %(article)s AND EXISTS (SELECT 1 FROM inserted WHERE counted)
), tally AS (
    INSERT INTO {TALLIES} (article_id, {", ".join(_tally_columns().values())})
    SELECT %(article)s, {", ".join(_delta("choice", "+").values())} FROM inserted WHERE counted
    ON CONFLICT (article_id) DO UPDATE SET {
    ", ".join(
        f"{column} = {TALLIES}.{column} + EXCLUDED.{column}" for column in _tally_columns().values()
    )
}
)
SELECT id, cast_at FROM inserted
"""

# Run after locking the reader's read (SELECT … FOR UPDATE) and reading its choice: %(old)s.
CHANGE_READ = f"""
WITH changed AS (
    UPDATE {READS} SET choice = %(choice)s, changed_at = %(now)s
    WHERE article_id = %(article)s AND reader_id = %(reader)s
    RETURNING id, cast_at, counted
), tally AS (
    UPDATE {TALLIES} SET {
    ", ".join(
        f"{column} = {column} {new} {old}"
        for column, new, old in zip(
            _tally_columns().values(),
            _delta("%(choice)s", "+").values(),
            _delta("%(old)s", "-").values(),
            strict=True,
        )
    )
}
    FROM changed WHERE article_id = %(article)s AND changed.counted
)
SELECT id, cast_at FROM changed
"""

# The withdrawn read's count and interest go with it, if it counted; it answers its origin
# and whether another read from there is to count in its place (NEXT_IN_LINE, run as a
# statement of its own so that it sees a read stored while this one waited for its lock).
WITHDRAW_READ = f"""
WITH removed AS (
    DELETE FROM {READS}
    WHERE article_id = %(article)s AND reader_id = %(reader)s AND cast_at = %(cast_at)s
    RETURNING choice, cast_at, counted, origin
), interest AS (
    INSERT INTO {PendingInterest._meta.db_table} (topic_id, amount)
    SELECT topic_id, -%(interest)s::float FROM {ARTICLE_TOPICS}, removed
    WHERE article_id = %(article)s AND removed.counted
), tally AS (
    UPDATE {TALLIES} SET {
    ", ".join(
        f"{column} = {column} {delta}" for column, delta in _delta("removed.choice", "-").items()
    )
}
    FROM removed WHERE article_id = %(article)s AND removed.counted
)
SELECT origin, counted AND origin <> '' FROM removed
"""

# The oldest uncounted read from an origin, which takes the place of a withdrawn one.
NEXT_IN_LINE = f"""
SELECT id, cast_at FROM {READS}
WHERE article_id = %(article)s AND origin = %(origin)s AND NOT counted
ORDER BY cast_at, id LIMIT 1
"""

# That read counts now: its count and its interest join the story's.
COUNT_READ = f"""
WITH promoted AS (
    UPDATE {READS} SET counted = true WHERE id = %(read)s AND NOT counted
    RETURNING choice
), interest AS (
    INSERT INTO {PendingInterest._meta.db_table} (topic_id, amount)
    SELECT topic_id, %(interest)s FROM {ARTICLE_TOPICS}
    WHERE article_id = %(article)s AND EXISTS (SELECT 1 FROM promoted)
), tally AS (
    UPDATE {TALLIES} SET {
    ", ".join(
        f"{column} = {column} {delta}" for column, delta in _delta("promoted.choice", "+").items()
    )
}
    FROM promoted WHERE article_id = %(article)s
)
SELECT count(*) FROM promoted
"""


def execute(statement, **parameters):
    """Run one statement: the row it returns (the read's id and cast time), or None when
    it changed nothing."""
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters | _choice_values())
        return cursor.fetchone()


def _check_public(article):
    if not article.is_public:
        raise ValidationError("Reads are only open on published stories.")


def _insert(values):
    """Store a new read (counted or not, see above): its id and cast time, or None when
    the reader has a read of the story already."""
    for _ in range(STORE_ATTEMPTS - 1):
        try:
            return execute(INSERT_READ, **values)
        except IntegrityError:
            continue
    return execute(INSERT_READ, **values)


def cast_read(*, article, reader_id, choice, origin="", now=None):
    """Record or change a reader's read. A change moves one count and adds no interest.

    One statement for a new read, one more for a change (predictions/services/reads.py):
    the tally's row is locked only while its statement runs. ``origin`` is where it came
    from (core/origins.py); the site's own reads have none.
    """
    if choice not in ReadChoice.values:
        raise ValidationError(f"“{choice}” is not one of the reads.")
    _check_public(article)
    now = now or timezone.now()
    values = {"article": article.pk, "reader": reader_id, "choice": choice, "now": now}
    row = _insert(
        values | {"origin": origin, "interest": interest.read_interest(now)}
    ) or _change_read(values)
    settling.settler.wake()
    _read_moved(article)
    personal_answers.renew_reader(reader_id)
    if row is None:  # the reader's read was this already
        return Read.objects.get(article=article, reader_id=reader_id)
    read_id, cast_at = row
    return Read(
        pk=read_id, article=article, reader_id=reader_id, choice=choice, cast_at=cast_at,
        changed_at=now,
    )  # fmt: skip


@transaction.atomic
def _change_read(values):
    """The reader already has a read: lock it (so that two of their changes at once take
    turns), then move its count. None when the read was this choice already."""
    old = (
        Read.objects.select_for_update()
        .filter(article_id=values["article"], reader_id=values["reader"])
        .values_list("choice", flat=True)
        .first()
    )
    if old is None or old == values["choice"]:
        return None
    return execute(CHANGE_READ, **values, old=old)


def withdraw_read(*, article, reader_id):
    """Take a read back: its count and the interest it added go with it (one statement),
    and the oldest other read from its origin, if any, counts in its place."""
    cast_at = (
        Read.objects.filter(article=article, reader_id=reader_id)
        .values_list("cast_at", flat=True)
        .first()
    )
    removed = cast_at is not None and execute(
        WITHDRAW_READ,
        article=article.pk,
        reader=reader_id,
        cast_at=cast_at,
        interest=interest.read_interest(cast_at),
    )
    if not removed:
        raise ValidationError("You have no read on this story to withdraw.")
    origin, shared = removed
    if shared:
        _count_next_in_line(article.pk, origin)
    settling.settler.wake()
    _read_moved(article)
    personal_answers.renew_reader(reader_id)


def _count_next_in_line(article_id, origin):
    """Count the oldest uncounted read from ``origin`` on the story, if there is one and
    no other read from there counts already."""
    while (waiting := execute(NEXT_IN_LINE, article=article_id, origin=origin)) is not None:
        read_id, cast_at = waiting
        try:
            # Atomic, so that the refusal below leaves a surrounding transaction usable
            # (the joining of a browser's reads to an account withdraws reads inside one).
            with transaction.atomic():
                promoted = execute(
                    COUNT_READ,
                    article=article_id,
                    read=read_id,
                    interest=interest.read_interest(cast_at),
                )
        except IntegrityError:  # a new read from there was counted meanwhile
            return
        if promoted[0]:
            return
        # That read was withdrawn meanwhile: the next one, if any.


# The rule from scratch: of a story's reads from one origin, the oldest counts.
RECOUNT_ORIGINS = [
    f"""
    WITH ranked AS (
        SELECT id, origin = '' OR row_number() OVER (
            PARTITION BY article_id, origin ORDER BY cast_at, id
        ) = 1 AS counts
        FROM {READS}
    )
    UPDATE {READS} AS read SET counted = ranked.counts
    FROM ranked WHERE read.id = ranked.id AND read.counted <> ranked.counts
        AND ranked.counts = {value}
    """
    # Those that stop counting first, so that one origin never holds two counted reads.
    for value in ("false", "true")
]


def recount_origins():
    """Mark which reads count by the rule (the oldest of each story and origin), as
    services.rebuild_topic_interest does before it sums the counted reads."""
    with connection.cursor() as cursor:
        for statement in RECOUNT_ORIGINS:
            cursor.execute(statement)


def _read_moved(article):
    """The story's tallies and its topics' interest moved: their pages follow soon."""
    activity_purges.purge_soon(story_cache_key(article.slug), cache_keys.INTEREST)
