"""A reader's read: the rules (a known choice, a public story) and the SQL that stores it.

Each write is one statement, so no lock outlives it. A new read inserts the read,
appends its topics' interest (PendingInterest) and adds one to the tally in one
statement; a changed read, once the reader's own read is locked, moves one count from
the old column to the new in another; a withdrawal removes the read, its count and its
interest in one. The shared aggregates follow from predictions/services/settling.py.
Table and column names come from the models; every value is a parameter.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from articles.models import story_cache_key
from core import activity_purges
from predictions import cache_keys, interest
from predictions.models import PendingInterest, Read, ReadChoice, ReadTally
from predictions.services import settling

ARTICLE_TOPICS = Read._meta.get_field("article").related_model.topics.through._meta.db_table


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


INSERT_READ = f"""
WITH inserted AS (
    INSERT INTO {Read._meta.db_table} (article_id, reader_id, choice, cast_at, changed_at)
    VALUES (%(article)s, %(reader)s, %(choice)s, %(now)s, %(now)s)
    ON CONFLICT (article_id, reader_id) DO NOTHING
    RETURNING id, choice, cast_at
), interest AS (
    INSERT INTO {PendingInterest._meta.db_table} (topic_id, amount)
    SELECT topic_id, %(interest)s FROM {ARTICLE_TOPICS}
    WHERE article_id = %(article)s AND EXISTS (SELECT 1 FROM inserted)
)
INSERT INTO {ReadTally._meta.db_table} (article_id, {", ".join(_tally_columns().values())})
SELECT %(article)s, {", ".join(_delta("choice", "+").values())} FROM inserted
ON CONFLICT (article_id) DO UPDATE SET {
    ", ".join(
        f"{column} = {ReadTally._meta.db_table}.{column} + EXCLUDED.{column}"
        for column in _tally_columns().values()
    )
}
RETURNING (SELECT id FROM inserted), (SELECT cast_at FROM inserted)
"""

# Run after locking the reader's read (SELECT … FOR UPDATE) and reading its choice: %(old)s.
CHANGE_READ = f"""
WITH changed AS (
    UPDATE {Read._meta.db_table} SET choice = %(choice)s, changed_at = %(now)s
    WHERE article_id = %(article)s AND reader_id = %(reader)s
    RETURNING id, cast_at
)
UPDATE {ReadTally._meta.db_table} SET {
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
FROM changed WHERE article_id = %(article)s
RETURNING changed.id, changed.cast_at
"""

WITHDRAW_READ = f"""
WITH removed AS (
    DELETE FROM {Read._meta.db_table}
    WHERE article_id = %(article)s AND reader_id = %(reader)s AND cast_at = %(cast_at)s
    RETURNING choice, cast_at
), interest AS (
    INSERT INTO {PendingInterest._meta.db_table} (topic_id, amount)
    SELECT topic_id, -%(interest)s::float FROM {ARTICLE_TOPICS}, removed
    WHERE article_id = %(article)s
)
UPDATE {ReadTally._meta.db_table} SET {
    ", ".join(
        f"{column} = {column} {delta}" for column, delta in _delta("removed.choice", "-").items()
    )
}
FROM removed WHERE article_id = %(article)s
RETURNING removed.cast_at
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


def cast_read(*, article, reader_id, choice, now=None):
    """Record or change a reader's read. A change moves one count and adds no interest.

    One statement for a new read, one more for a change (predictions/services/reads.py):
    the tally's row is locked only while its statement runs.
    """
    if choice not in ReadChoice.values:
        raise ValidationError(f"“{choice}” is not one of the reads.")
    _check_public(article)
    now = now or timezone.now()
    values = {"article": article.pk, "reader": reader_id, "choice": choice, "now": now}
    row = execute(INSERT_READ, **values, interest=interest.read_interest(now)) or _change_read(
        values
    )
    settling.settler.wake()
    _read_moved(article)
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
    """Take a read back: its count and the interest it added go with it (one statement)."""
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
    settling.settler.wake()
    _read_moved(article)


def _read_moved(article):
    """The story's tallies and its topics' interest moved: their pages follow soon."""
    activity_purges.purge_soon(story_cache_key(article.slug), cache_keys.INTEREST)
