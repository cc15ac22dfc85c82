"""History in the admin: every tracked save listed in editors' words, any two versions
compared (long text block by block, core/history_diff.py), and an old version restored
as a new one, with a reason.

A restore brings back only the fields a ModelAdmin names in ``restore_fields`` (a
story's words, say), never what decides who sees the object (its status, its publish
time): those stay as they are now, and the page says so before anything is saved. It is
a save like any other: its own version in the history, with "Restored …" and the
editor's reason as the change reason; the admin's log names the fields it changed; the
object's signals run (a story's pages are purged once it commits). And it is checked
like any other: the restore page carries the version of the object it was opened on
(core/admin_concurrency/), and a restore over a change saved since is refused, naming
who changed what.
"""

import copy

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange

from core.admin_concurrency import edits
from core.admin_concurrency.refused_forms import VersionField, own_data
from core.admin_concurrency.versions import Version, changed_fields, edited_fields, lock
from core.history_diff import field_changes

# simple-history keeps a change reason in 100 characters: "Restored the version of
# 17 Dec 2026 14:03: " takes 40 of them.
RESTORE_REASON_LENGTH = 60


def changes_between(newer, older):
    delta = newer.diff_against(older, foreign_keys_are_objs=True)
    return field_changes(newer.instance_type, delta.changes)


def version_label(version):
    return date_format(timezone.localtime(version.history_date), "j M Y H:i")


def fields_changed(changes, *, tense="changed"):
    """ "2 fields changed", for a table of changes' caption."""
    count = len(changes)
    return ngettext("%(count)d field %(tense)s", "%(count)d fields %(tense)s", count) % {
        "count": count,
        "tense": tense,
    }


class RestoreForm(forms.Form):
    reason = forms.CharField(
        label="Why restore this version",
        max_length=RESTORE_REASON_LENGTH,
        help_text="Kept in the history beside the restore, for the next editor who wonders.",
    )
    loaded_version = VersionField()


def _value(instance, field):
    """``field``'s value on ``instance`` (an object or one of its historical records), a
    related object as the object itself (None if it has been deleted since)."""
    value = getattr(instance, field.attname)
    if field.is_relation and value is not None:
        return field.related_model._base_manager.filter(pk=value).first()
    return value


def restore_changes(obj, version, fields):
    """What restoring ``fields`` of ``version`` would change of ``obj``, in editors' words."""
    model = type(obj)
    changes = [
        ModelChange(name, _value(obj, field), _value(version, field))
        for name in fields
        for field in [model._meta.get_field(name)]
    ]
    return field_changes(model, changes)


def with_version(obj, version, fields):
    """``obj`` with ``fields`` as they stood in ``version``, not saved."""
    for name in fields:
        attname = obj._meta.get_field(name).attname
        setattr(obj, attname, getattr(version, attname))
    return obj


def restore_version(*, obj, version, fields, reason, user):
    """Save ``obj`` with ``fields`` as they stood in ``version`` (one of its historical
    records): a new version, whose history says which one it restored and why."""
    with_version(obj, version, fields)
    obj._change_reason = f"Restored the version of {version_label(version)}: {reason}"
    obj._history_user = user
    obj.save()
    return obj


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's history page, a page comparing two versions, and one
    restoring a version (when ``restore_fields`` names what a restore brings back).

    An old version can be looked at, never saved back from its own page: that page's
    form would write over whatever was saved since, past the version check every other
    save makes (core/admin_concurrency/), and would bring back every field, publication
    included. SIMPLE_HISTORY_REVERT_DISABLED hides its button; ``history_form_view``
    refuses the post itself; its "Restore this version" leads to ``restore_view``.
    """

    object_history_template = "admin/history_with_compare.html"
    object_history_list_template = "admin/history_list.html"
    object_history_form_template = "admin/history_version.html"
    restore_fields = ()
    restore_keeps = ""  # what else a restore leaves alone, beyond the form's other fields

    def restore_problems(self, obj):
        """What stops ``obj``, holding a version's values, from being saved (sentences)."""
        return []

    def _url_name(self, view):
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="{}_{}_history_compare".format(*info),
        )
        restore = path(
            "<path:object_id>/history/<int:version_id>/restore/",
            self.admin_site.admin_view(self.restore_view),
            name="{}_{}_history_restore".format(*info),
        )
        return [compare, restore, *super().get_urls()]

    def can_restore(self, request, obj):
        return bool(self.restore_fields) and self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("An old version cannot be saved back from its own page.")
        obj = self.get_object(request, unquote(object_id))
        version = restore_url = None
        if obj is not None and str(version_id).isdigit():
            version = obj.history.filter(pk=version_id).first()
        if version is not None and self.can_restore(request, obj):
            restore_url = reverse(self._url_name("history_restore"), args=[obj.pk, version_id])
        context = {"version": version, "restore_url": restore_url, **(extra_context or {})}
        return super().history_form_view(request, object_id, version_id, context)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {
            "compare_url": reverse(self._url_name("history_compare"), args=[object_id]),
            "version_url_name": self._url_name("simple_history"),
            "restore_url_name": (
                self._url_name("history_restore")
                if obj is not None and self.can_restore(request, obj)
                else None
            ),
        }
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each entry's changes from the entry before it, with labels and short values."""
        records = list(historical_records)
        for newer, older in zip(records, records[1:], strict=False):
            newer.field_changes = changes_between(newer, older)
        if records:
            # None: nothing earlier to compare with (on this page, or at all).
            records[-1].field_changes = None

    def compare_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = list(obj.history.select_related("history_user").order_by("-history_date"))
        by_id = {str(version.history_id): version for version in versions}
        newer = by_id.get(request.GET.get("new")) or (versions[0] if versions else None)
        older = by_id.get(request.GET.get("old")) or self.latest_different(versions, newer)
        changes = changes_between(newer, older) if newer and older else []
        restore_url = None
        if older is not None and older != versions[0] and self.can_restore(request, obj):
            restore_url = reverse(
                self._url_name("history_restore"), args=[obj.pk, older.history_id]
            )
        return TemplateResponse(
            request,
            "admin/history_compare.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Compare versions of “{obj}”",
                "opts": self.opts,
                "object": obj,
                "versions": versions,
                "older": older,
                "newer": newer,
                "changes": changes,
                "caption": (
                    f"{fields_changed(changes)} between {version_label(older)} and "
                    f"{version_label(newer)}"
                    if changes
                    else ""
                ),
                "restore_url": restore_url,
            },
        )

    @staticmethod
    def latest_different(versions, newer):
        """The newest version before ``newer`` that differs from it as an editor reads it:
        saves that change nothing shown (a re-render after the story's terms are saved,
        a time saved without its microseconds) are not worth comparing."""
        earlier = [version for version in versions if version.history_date < newer.history_date]
        for version in earlier:
            if changes_between(newer, version):
                return version
        return earlier[0] if earlier else None

    def restore_view(self, request, object_id, version_id):
        """Restore one version's ``restore_fields``: the page says what would change and
        what stays, and asks for a reason; the post saves, or refuses (see the module)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404("No such object.")
        if not self.can_restore(request, obj):
            raise PermissionDenied
        version = get_object_or_404(obj.history.select_related("history_user"), pk=version_id)
        form_class = self.get_form(request, obj, change=True)
        labels = edited_fields(form_class, self.model)
        fields = {name: labels[name] for name in self.restore_fields}
        with transaction.atomic(using=router.db_for_write(self.model)):
            if request.method == "POST":
                lock(self.model._base_manager.filter(pk=obj.pk))
                obj.refresh_from_db()
            current = Version.read(obj, fields, [], lock=False)
            form = RestoreForm(
                request.POST if request.method == "POST" else None,
                initial={"loaded_version": current.token()},
            )
            changes = restore_changes(obj, version, fields)
            if request.method == "POST" and form.is_valid():
                refusal = self._restore_refusal(request, obj, version, current, form, fields)
                if refusal:
                    form.add_error(None, refusal)
                    own_data(form)["loaded_version"] = current.token()
                else:
                    restore_version(
                        obj=obj,
                        version=version,
                        fields=list(fields),
                        reason=form.cleaned_data["reason"],
                        user=request.user,
                    )
                    changed = [change.label for change in changes]
                    self.log_change(request, obj, [{"changed": {"fields": changed}}])
                    self.message_user(
                        request,
                        f"Restored the version of {version_label(version)}: "
                        f"{', '.join(changed)}. Everything else stays as it was.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse(self._url_name("change"), args=[obj.pk]))
        kept = [label for name, label in labels.items() if name not in fields]
        return TemplateResponse(
            request,
            "admin/history_restore.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Restore the version of {version_label(version)}",
                "opts": self.opts,
                "object": obj,
                "version": version,
                "changes": changes,
                "caption": f"{fields_changed(changes, tense='would change')}: before is now, "
                "after is as restored",
                "restored": list(fields.values()),
                "kept": kept,
                "restore_keeps": self.restore_keeps,
                "form": form,
            },
        )

    def _restore_refusal(self, request, obj, version, current, form, fields):
        """Why the restore posted with ``form`` cannot be saved, or "" if it can."""
        loaded = Version.from_token(form.cleaned_data["loaded_version"])
        changed = changed_fields(loaded.fields, current.fields) if loaded else []
        if loaded is None or changed:
            since = loaded.taken_at if loaded else timezone.now()
            model, pk = type(obj), obj.pk
            recorded = edits.logged_edits(model, [pk], fields, since)
            recorded += edits.recorded_edits(model, {model._meta.pk.attname: pk}, fields, since)
            described = [edits.Changed(fields[name], name=name) for name in changed]
            return edits.refusal(str(self.opts.verbose_name), described, recorded, request)
        if not restore_changes(obj, version, fields):
            return "This version reads as the current one does: there is nothing to restore."
        gone = [
            label
            for name, label in fields.items()
            for field in [obj._meta.get_field(name)]
            if field.is_relation
            and getattr(version, field.attname) is not None
            and _value(version, field) is None
        ]
        if gone:
            return (
                f"This version's {', '.join(gone).lower()} has been deleted since, so it "
                "cannot be restored as it was: change the fields you need by hand instead."
            )
        return " ".join(self.restore_problems(with_version(copy.copy(obj), version, fields)))
