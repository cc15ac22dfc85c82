"""A refused form, shown again: the fields someone else changed are marked, and those the
editor had not changed show the stored value, as if typed there."""

from datetime import datetime

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import Truncator

from core.admin_concurrency.versions import Version, fingerprint
from core.history_diff import display


class UnlabelledBoundField(forms.BoundField):
    def label_tag(self, *args, **kwargs):
        return ""  # a label may not name a hidden input


class VersionInput(forms.HiddenInput):
    """The version's signed token, and a digest of what it says (``data-content``): two
    forms loaded from the same stored data carry the same digest, whenever they were
    loaded, so that a draft kept in the browser (js/admin_drafts.js) knows whether the
    form has been saved since the draft was made."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        loaded = Version.from_token(value) if value else None
        if loaded is not None:
            context["widget"]["attrs"]["data-content"] = loaded.content_digest()
        return context


class VersionField(forms.CharField):
    """The version a form was loaded from: a hidden input, and never a change the form
    makes (the admin's log of changes leaves it out)."""

    widget = VersionInput
    bound_field_class = UnlabelledBoundField

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        return False


def _posted(widget, name, value):
    """What a browser sends for ``value`` shown in ``widget``, as {key: [values]}."""
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    if isinstance(widget, forms.MultiWidget):  # a date and a time, say
        parts = value if isinstance(value, list | tuple) else widget.decompress(value)
        sent = {}
        for suffix, part_widget, part in zip(
            widget.widgets_names, widget.widgets, parts, strict=True
        ):
            sent |= _posted(part_widget, name + suffix, part)
        return sent
    if isinstance(widget, forms.CheckboxInput):
        return {name: ["on"] if widget.check_test(value) else []}
    formatted = widget.format_value(value)
    if isinstance(formatted, list | tuple):  # a choice widget: the values chosen
        return {name: [str(item) for item in formatted if item != ""]}
    return {name: ["" if formatted is None else str(formatted)]}


def own_data(form):
    """The bound ``form``'s data, copied once so that it can be changed."""
    if not getattr(form, "_owns_data", False):
        form.data, form.files, form._owns_data = form.data.copy(), form.files.copy(), True
    return form.data


def show_stored(form, name):
    """Put the stored value of field ``name`` in the bound ``form``, as if typed there."""
    data = own_data(form)
    field, key = form.fields[name], form.add_prefix(name)
    if isinstance(field.widget, forms.FileInput):  # no upload and no "clear": the stored file
        form.files.pop(key, None)
        data.pop(field.widget.clear_checkbox_name(key), None)
        return
    stored = field.prepare_value(form[name].initial)
    for posted_key, values in _posted(field.widget, key, stored).items():
        data.setlist(posted_key, values)


def stored_text(form, name):
    """The stored value of field ``name``, as an editor reads it."""
    model_field = form._meta.model._meta.get_field(name)
    value = form[name].initial
    if model_field.many_to_many:
        text = ", ".join(str(item) for item in value or [])
    elif model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        text = str(related) if related else ""
    elif isinstance(value, datetime):
        text = date_format(timezone.localtime(value), "j M Y, H:i")
    else:
        text = display(model_field, value)
    return Truncator(text).chars(200) or "(empty)"


def mark_changed_fields(form, names, loaded, who_changed):
    """On a refused ``form``: each field in ``names``, which someone else changed, shows
    the stored value if the editor had not changed it (``loaded`` has the digests of what
    the form showed), or else keeps the editor's, with the stored one named under it."""
    cleaned = getattr(form, "cleaned_data", {})
    for name in names:
        if name not in form.fields:
            continue
        by = who_changed(name) or "someone else"
        if name in cleaned and fingerprint(cleaned[name]) == loaded.get(name):
            show_stored(form, name)
            form.add_error(
                name,
                f"Changed by {by} after you opened the form. You had not changed it, so it "
                "now shows the stored version.",
            )
        else:
            form.add_error(
                name,
                f"Also changed by {by} after you opened the form, to: “{stored_text(form, name)}”."
                " Your version is still here: keep it, or merge the two, and save again.",
            )


def mark_changed_rows(formset, changes, loaded_rows, who_changed):
    """On a refused formset: mark each of its rows that someone else changed or removed.
    ``who_changed(pk, name)`` says who changed field ``name`` of row ``pk``."""
    pk_name = formset.model._meta.pk.name
    for form in formset.initial_forms:
        pk = str(formset.data.get(form.add_prefix(pk_name), ""))
        if pk in changes.changed:
            loaded = loaded_rows.get(pk, {})
            mark_changed_fields(
                form, changes.changed[pk], loaded, lambda name, pk=pk: who_changed(pk, name)
            )
        elif pk in changes.removed:
            by = who_changed(pk, None) or "someone else"
            delete = form.add_prefix("DELETE")
            if formset.can_delete and delete not in formset.data:
                own_data(form)[delete] = "on"
                form.add_error(None, f"Removed by {by} after you opened the form: marked here too.")
            else:
                form.add_error(None, f"Removed by {by} after you opened the form.")
