"""Who changed what since a form was loaded: from the admin's log of its saves (which
names the fields each changed) and from django-simple-history, which also records saves
made outside a form (an action, a script) by the user of the request."""

import json
from dataclasses import dataclass
from datetime import datetime

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateformat import format as date_format

AGAIN = "Your changes are still on the form; compare them with the current version and save again."


@dataclass(frozen=True)
class Edit:
    """One recorded save: who, when, and which fields it changed (None: not known)."""

    user: object
    at: datetime
    part: str  # "" for the object itself, else the prefix of its rows
    row: str | None  # the row's primary key; None for the object itself, or any row
    names: frozenset | None


def _from_log(entry, fields, part, row, prefixes):
    """The edits one admin log entry records: its "changed" lists the fields' labels."""
    try:
        said = json.loads(entry.change_message or "[]")
    except ValueError:
        said = None
    if not isinstance(said, list):
        return [Edit(entry.user, entry.action_time, part, row, None)]
    by_label = {label: name for name, label in fields.items()}
    edits = []
    for item in said:
        for action, detail in item.items() if isinstance(item, dict) else ():
            if detail.get("name") in prefixes:  # an inline's row, such as a citation
                prefix = prefixes[detail["name"]]
                edits.append(Edit(entry.user, entry.action_time, prefix, None, None))
            elif action == "changed" and "name" not in detail:
                labels = detail.get("fields", [])
                names = frozenset(by_label[label] for label in labels if label in by_label)
                edits.append(Edit(entry.user, entry.action_time, part, row, names))
    return edits


def logged_edits(model, pks, fields, since, *, part="", inline_parts=()):
    """Admin saves of ``model``'s rows ``pks`` since ``since``, from the admin's log."""
    prefixes = {str(p.queryset.model._meta.verbose_name): p.prefix for p in inline_parts}
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id__in=[str(pk) for pk in pks],
        action_flag=CHANGE,
        action_time__gt=since,
    ).select_related("user")
    edits = []
    for entry in entries:
        edits += _from_log(entry, fields, part, entry.object_id if part else None, prefixes)
    return edits


def latest_logged(model, pk):
    """The last admin save of ``model``'s row ``pk``: for a save that began before a form
    was read but ended after, which no record after the form's time shows."""
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
            object_id=str(pk),
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )
    return [Edit(entry.user, entry.action_time, "", None, None)] if entry else []


def recorded_edits(model, filters, fields, since, *, part=""):
    """Saves of ``model``'s rows matching ``filters`` since ``since``, from its history
    (django-simple-history), each with the fields it changed; none if it keeps none."""
    manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
    if manager_name is None:
        return []
    manager = getattr(model, manager_name)
    tracked = {field.name for field in manager.model.tracked_fields if field.editable}
    included = [name for name in fields if name in tracked]
    edits = []
    records = manager.filter(**filters, history_date__gt=since).select_related("history_user")
    for record in records.order_by("history_date"):
        previous = record.prev_record if record.history_type == "~" else None
        names = None
        if previous is not None:
            delta = record.diff_against(previous, included_fields=included)
            if not delta.changed_fields and len(included) == len(fields):
                continue  # a save that changed nothing this form edits
            # The history cannot say whether it changed a field it does not keep.
            names = frozenset(delta.changed_fields) | (fields.keys() - set(included))
        row = str(getattr(record, model._meta.pk.attname)) if part else None
        edits.append(Edit(record.history_user, record.history_date, part, row, names))
    return edits


def edits_of(recorded, part, row=None, name=None):
    """The recorded saves that changed ``name`` of ``row`` of ``part``; all of them if
    none says so (a save whose record names no fields)."""
    own = [
        edit
        for edit in recorded
        if edit.part == part
        and (edit.row is None or edit.row == row)
        and (edit.names is None or name is None or name in edit.names)
    ]
    return own or recorded


def clock(moment):
    local = timezone.localtime(moment)
    return date_format(local, "H:i" if local.date() == timezone.localdate() else "j M Y, H:i")


def editor_name(user, request):
    if user is None:
        return "a process that records no editor"
    if user.pk == request.user.pk:
        return "you, in another tab or window,"
    return user.get_full_name() or user.get_username()


def who(edits, request):
    """ "alice at 14:03", "alice at 14:03 and bob at 14:05", or "" if none is recorded."""
    latest = {}
    for edit in edits:
        key = getattr(edit.user, "pk", None)
        if key not in latest or latest[key][1] < edit.at:
            latest[key] = (edit.user, edit.at)
    said = [
        f"{editor_name(user, request)} at {clock(at)}"
        for user, at in sorted(latest.values(), key=lambda pair: pair[1])
    ]
    return " and ".join([", ".join(said[:-1]), said[-1]] if len(said) > 1 else said)


@dataclass(frozen=True)
class Changed:
    """One thing changed since the form was loaded, as the refusal names it."""

    text: str
    part: str = ""
    row: str | None = None
    name: str | None = None


def refusal(noun, changes, recorded, request):
    """The message of a refused save: who changed what since the form was loaded."""
    if not changes:
        return (
            f"This form does not say which version of the {noun} it was loaded from (it may "
            "have been opened before the site was updated), so it cannot be checked against "
            f"changes saved since. It does now. {AGAIN}"
        )
    by = {
        change.text: who(edits_of(recorded, change.part, change.row, change.name), request)
        for change in changes
    }
    if len(set(by.values())) == 1:
        named = next(iter(by.values()))
        head = f"This {noun} was changed" + (f" by {named}" if named else "")
        return f"{head} after you opened it: {', '.join(by)}. {AGAIN}"
    each = "; ".join(f"{text} (by {named or 'someone else'})" for text, named in by.items())
    return f"This {noun} was changed after you opened it: {each}. {AGAIN}"
