"""A version of what a form edits: a digest of each value, read from the database, and
what changed between two versions."""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.files import File
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator, capfirst

VERSION_FIELD = "loaded_version"
SALT = "core.admin_concurrency"


def _canonical(value):
    """One text per value, the same whether it was read from the database or a form."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, models.QuerySet | list | tuple):
        items = [_canonical(item) for item in value]
        if isinstance(value, models.QuerySet) or all(isinstance(v, models.Model) for v in value):
            items.sort()  # a many-to-many's objects: a set
        return json.dumps(items)
    if isinstance(value, File):
        return value.name or ""
    if isinstance(value, datetime):
        # A form's date and time boxes hold whole seconds.
        return value.astimezone(UTC).replace(microsecond=0).isoformat()
    if isinstance(value, str):
        # Browsers send a text box's lines with \r\n; forms strip the ends.
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def fingerprint(value):
    digest = hashlib.blake2b(_canonical(value).encode(), digest_size=6).digest()
    return base64.urlsafe_b64encode(digest).decode()


def fingerprints(obj, fields):
    return {name: fingerprint(obj._meta.get_field(name).value_from_object(obj)) for name in fields}


def edited_fields(form_class, model, *, exclude=()):
    """The model fields ``form_class`` edits, as {name: label}."""
    edited = {}
    for name, form_field in form_class.base_fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if name in exclude or model_field.primary_key:
            continue
        if model_field.concrete or model_field.many_to_many:
            edited[name] = str(form_field.label or capfirst(model_field.verbose_name))
    return edited


@dataclass(frozen=True)
class Rows:
    """What a form edits of one table's rows: an inline's rows of the object, or a list's."""

    prefix: str
    title: str  # one row's name: "citation"
    fields: dict  # name: label
    queryset: models.QuerySet
    fk: models.ForeignKey | None = None


@dataclass(frozen=True)
class Version:
    """What a form showed of the stored data when it was read, as digests."""

    taken_at: datetime
    fields: dict  # name: digest, of the object itself
    rows: dict  # prefix: {pk: {name: digest}}
    row_names: dict  # prefix: {pk: text}, to name a row that has been removed since

    @classmethod
    def read(cls, obj, fields, parts, *, lock):
        """``obj``'s ``fields`` and the rows of ``parts``, these locked if ``lock``."""
        taken_at = timezone.now()
        rows, row_names = {}, {}
        for part in parts:
            queryset = part.queryset
            if lock:
                queryset = queryset.select_for_update(no_key=True, of=("self",)).order_by("pk")
            found = {str(row.pk): row for row in queryset}
            rows[part.prefix] = {pk: fingerprints(row, part.fields) for pk, row in found.items()}
            row_names[part.prefix] = {pk: Truncator(row).chars(60) for pk, row in found.items()}
        own = fingerprints(obj, fields) if obj is not None else {}
        return cls(taken_at, own, rows, row_names)

    def content_digest(self):
        """What this version says of the stored data, whenever it was read, as a digest."""
        said = json.dumps([self.fields, self.rows], sort_keys=True).encode()
        return base64.urlsafe_b64encode(hashlib.blake2b(said, digest_size=9).digest()).decode()

    def token(self):
        payload = {"at": self.taken_at.isoformat(), "f": self.fields, "r": self.rows}
        return signing.dumps(payload | {"n": self.row_names}, salt=SALT, compress=True)

    @classmethod
    def from_token(cls, token):
        """The version a form was loaded from, or None if it carries none (or a forged one)."""
        try:
            data = signing.loads(token or "", salt=SALT)
            return cls(datetime.fromisoformat(data["at"]), data["f"], data["r"], data["n"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None


def changed_fields(then, now):
    return [name for name, digest in now.items() if then.get(name) != digest]


@dataclass(frozen=True)
class RowChanges:
    changed: dict  # pk: [names]
    added: list
    removed: list


def changed_rows(then, now):
    """How rows changed from ``then`` to ``now`` (both {pk: {name: digest}}), or None."""
    changed = {pk: changed_fields(then[pk], values) for pk, values in now.items() if pk in then}
    changes = RowChanges(
        {pk: names for pk, names in changed.items() if names},
        [pk for pk in now if pk not in then],
        [pk for pk in then if pk not in now],
    )
    return changes if changes.changed or changes.added or changes.removed else None


def lock(queryset):
    """Lock the rows of ``queryset`` until the transaction ends, in a fixed order."""
    list(queryset.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
