"""The admin's side: the change form's and the list's checks, and the ModelAdmin mixin
that installs them (see this package's docstring)."""

import re
from functools import cached_property, wraps

from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.db import router, transaction
from django.utils.text import capfirst

from core.admin_concurrency import edits
from core.admin_concurrency.refused_forms import (
    VersionField,
    mark_changed_fields,
    mark_changed_rows,
    own_data,
)
from core.admin_concurrency.versions import (
    VERSION_FIELD,
    RowChanges,
    Rows,
    Version,
    changed_fields,
    changed_rows,
    edited_fields,
    lock,
)

# Set on the request by the change form's view: the form's check, once its form is built.
CHECK_ATTRIBUTE = "_edit_version_check"


class ChangeFormCheck:
    """One change form's version: read when the form is built and, when the form is
    saved, compared under lock with the version the form was loaded from."""

    def __init__(self, request, obj, form_class, parts, noun, *, lock=None):
        """``lock``: whether to lock the rows read; by default, when the form is saved (an
        open form asking whether it is out of date reads without)."""
        self.request, self.obj, self.parts, self.noun = request, obj, parts, noun
        self.fields = edited_fields(form_class, type(obj))
        posted = request.method == "POST"
        self.current = Version.read(obj, self.fields, parts, lock=posted if lock is None else lock)
        self.loaded = self.current
        if posted:
            self.loaded = Version.from_token(request.POST.get(VERSION_FIELD))
        self.row_changes = {}
        self.changes = self._changes() if self.loaded is not None else []
        self.refused = self.loaded is None or bool(self.changes)

    def _changes(self):
        then, now = self.loaded, self.current
        changes = [
            edits.Changed(self.fields[name], name=name)
            for name in changed_fields(then.fields, now.fields)
        ]
        for part in self.parts:
            rows = changed_rows(then.rows.get(part.prefix, {}), now.rows[part.prefix])
            if rows is None:
                continue
            self.row_changes[part.prefix] = rows
            title, prefix = capfirst(part.title), part.prefix
            named_now, named_then = now.row_names[prefix], then.row_names.get(prefix, {})
            for pk, names in rows.changed.items():
                labels = ", ".join(part.fields[name] for name in names)
                changes.append(edits.Changed(f"{title} “{named_now[pk]}”: {labels}", prefix, pk))
            for pk in rows.added:
                changes.append(edits.Changed(f"{title} “{named_now[pk]}” added", prefix, pk))
            for pk in rows.removed:
                named = named_then.get(pk, pk)
                changes.append(edits.Changed(f"{title} “{named}” removed", prefix, pk))
        return changes

    @cached_property
    def recorded(self):
        """Who saved the object or its rows since the form was loaded, and what."""
        model, pk, since = type(self.obj), self.obj.pk, self.loaded.taken_at
        found = edits.logged_edits(model, [pk], self.fields, since, inline_parts=self.parts)
        found += edits.recorded_edits(model, {model._meta.pk.attname: pk}, self.fields, since)
        for part in self.parts:
            rows_model, filters = part.queryset.model, {part.fk.attname: pk}
            found += edits.recorded_edits(rows_model, filters, part.fields, since, part=part.prefix)
        return found or edits.latest_logged(model, pk)

    def who_changed(self, part, row, name):
        return edits.who(edits.edits_of(self.recorded, part, row, name), self.request)

    def review_form(self, form):
        """Refuse the bound form: say why, give it the current version, mark its fields."""
        recorded = self.recorded if self.changes else []
        form.add_error(None, edits.refusal(self.noun, self.changes, recorded, self.request))
        own_data(form)[form.add_prefix(VERSION_FIELD)] = self.current.token()
        if self.loaded is not None:
            names = changed_fields(self.loaded.fields, self.current.fields)
            mark_changed_fields(
                form, names, self.loaded.fields, lambda name: self.who_changed("", None, name)
            )

    def review_formset(self, formset):
        changes = self.row_changes.get(formset.prefix)
        if changes is not None:
            loaded_rows = self.loaded.rows.get(formset.prefix, {})
            mark_changed_rows(
                formset,
                changes,
                loaded_rows,
                lambda row, name: self.who_changed(formset.prefix, row, name),
            )


def versioned_form(form_class, check):
    class VersionedForm(form_class):
        loaded_version = VersionField(initial=check.current.token())

        def full_clean(self):
            super().full_clean()
            if self.is_bound and check.refused:
                check.review_form(self)

    VersionedForm.__name__ = form_class.__name__
    return VersionedForm


def reviewed_formset(formset_class, check):
    class ReviewedFormSet(formset_class):
        def full_clean(self):
            super().full_clean()
            if self.is_bound and check.refused:
                check.review_formset(self)

    ReviewedFormSet.__name__ = formset_class.__name__
    return ReviewedFormSet


def versioned_list_formset(formset_class, *, request, opts):
    """A list's formset (``list_editable``) whose management form carries the version of
    the rows on the page, and which refuses rows changed since."""
    fields = edited_fields(formset_class.form, formset_class.model)
    noun = f"list of {opts.verbose_name_plural}"

    class VersionedListFormSet(formset_class):
        @cached_property
        def current(self):
            # A copy of the queryset: the formset's own rows take the posted values as it
            # validates them. A save has locked them (OptimisticConcurrencyMixin).
            rows = Rows(self.prefix, str(opts.verbose_name), fields, self.get_queryset().all())
            return Version.read(None, {}, [rows], lock=False)

        @cached_property
        def management_form(self):
            form = super().management_form
            form.fields[VERSION_FIELD] = VersionField()
            if not self.is_bound:
                form.initial[VERSION_FIELD] = self.current.token()
            return form

        def full_clean(self):
            super().full_clean()
            if self.is_bound:
                self.refuse_changed_rows()

        def refuse_changed_rows(self):
            loaded = Version.from_token(self.data.get(f"{self.prefix}-{VERSION_FIELD}"))
            now = self.current.rows[self.prefix]
            then = loaded.rows.get(self.prefix, {}) if loaded else {}
            on_both = now.keys() & then.keys()  # the rows on the page then, and posted now
            changes = changed_rows({pk: then[pk] for pk in on_both}, {k: now[k] for k in on_both})
            if loaded is not None and changes is None:
                return
            changes = changes or RowChanges({}, [], [])
            recorded = self.recorded(loaded.taken_at, list(changes.changed)) if loaded else []
            named = self.current.row_names[self.prefix]
            described = [
                edits.Changed(
                    f"{capfirst(opts.verbose_name)} “{named[pk]}”: "
                    + ", ".join(fields[name] for name in names),
                    self.prefix,
                    pk,
                )
                for pk, names in changes.changed.items()
            ]
            self._non_form_errors.insert(0, edits.refusal(noun, described, recorded, request))
            own_data(self.management_form)[self.management_form.add_prefix(VERSION_FIELD)] = (
                self.current.token()
            )

            def who_changed(row, name):
                return edits.who(edits.edits_of(recorded, self.prefix, row, name), request)

            mark_changed_rows(self, changes, then, who_changed)

        def recorded(self, since, pks):
            model, prefix = self.model, self.prefix
            found = edits.logged_edits(model, pks, fields, since, part=prefix)
            filters = {f"{model._meta.pk.attname}__in": pks}
            return found + edits.recorded_edits(model, filters, fields, since, part=prefix)

    VersionedListFormSet.__name__ = formset_class.__name__
    return VersionedListFormSet


class OptimisticConcurrencyMixin:
    """For a ModelAdmin: its change form carries the version it was loaded from, and a
    save made on a version someone else has changed since is refused (see this package's
    docstring); so are edits of its list's editable columns, and its actions lock the
    rows they act on."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if (
            object_id is None
            or "_saveasnew" in request.POST
            or (to_field and not self.to_field_allowed(request, to_field))
        ):
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic(using=router.db_for_write(self.model)):
            setattr(request, CHECK_ATTRIBUTE, None)
            if request.method == "POST":
                # Locked before the admin reads the object, so that what it saves is read
                # after any save this one had to wait for.
                obj = self.get_object(request, unquote(object_id), to_field)
                if obj is not None:
                    lock(self.model._base_manager.filter(pk=obj.pk))
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _checks_form(self, request, obj):
        return (
            obj is not None
            and hasattr(request, CHECK_ATTRIBUTE)
            and self.has_change_permission(request, obj)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._checks_form(request, obj) or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        fields = kwargs["fields"]
        if fields is None or VERSION_FIELD not in fields:
            return super().get_form(request, obj, change, **kwargs)
        kwargs["fields"] = [name for name in fields if name != VERSION_FIELD]
        form_class = super().get_form(request, obj, change, **kwargs)
        check = getattr(request, CHECK_ATTRIBUTE, None)
        if check is None:
            parts = self._inline_rows(request, obj)
            check = ChangeFormCheck(request, obj, form_class, parts, str(self.opts.verbose_name))
            setattr(request, CHECK_ATTRIBUTE, check)
        return versioned_form(form_class, check)

    def _inline_rows(self, request, obj):
        """Each inline's rows of ``obj``, under the prefix the admin gives its formset."""
        parts, prefixes = [], {}
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            prefix = formset_class.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            fk = formset_class.fk
            fields = edited_fields(formset_class.form, formset_class.model, exclude={fk.name})
            if fields:  # an inline that only shows rows (a score's history) edits nothing
                rows = inline.get_queryset(request).filter(**{fk.name: obj})
                parts.append(Rows(prefix, str(inline.verbose_name), fields, rows, fk))
        return parts

    def get_formsets_with_inlines(self, request, obj=None):
        check = getattr(request, CHECK_ATTRIBUTE, None)
        for formset_class, inline in super().get_formsets_with_inlines(request, obj):
            yield reviewed_formset(formset_class, check) if check else formset_class, inline

    def changelist_view(self, request, extra_context=None):
        if not (request.method == "POST" and self.list_editable and "_save" in request.POST):
            return super().changelist_view(request, extra_context)
        prefix = self.get_changelist_formset(request).get_default_prefix()
        pk_key = re.compile(rf"{re.escape(prefix)}-\d+-{re.escape(self.opts.pk.name)}$")
        pks = [value for key, value in request.POST.items() if pk_key.match(key)]
        with transaction.atomic(using=router.db_for_write(self.model)):
            try:
                lock(self.model._base_manager.filter(pk__in=pks))
            except (TypeError, ValueError):
                pass  # a tampered primary key, which the admin's own checks refuse
            return super().changelist_view(request, extra_context)

    def get_changelist_formset(self, request, **kwargs):
        formset_class = super().get_changelist_formset(request, **kwargs)
        return versioned_list_formset(formset_class, request=request, opts=self.opts)

    def get_actions(self, request):
        return {
            key: (locking_action(func), name, description)
            for key, (func, name, description) in super().get_actions(request).items()
        }


def locking_action(func):
    """An admin action run with the rows it acts on locked, so that it and a form saving
    one of them take turns."""

    @wraps(func)
    def action(modeladmin, request, queryset):
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            lock(queryset.model._base_manager.filter(pk__in=queryset.values("pk")))
            return func(modeladmin, request, queryset)

    return action
