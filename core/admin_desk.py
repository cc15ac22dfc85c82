"""The editors' desk: change forms laid out in named sections, with every error listed
once at the top, linked to its field, and unsaved changes kept in the browser
(js/admin_drafts.js) until they are saved."""

from dataclasses import dataclass, field

from django import forms
from django.contrib.admin.widgets import (
    AdminSplitDateTime,
    AutocompleteSelect,
    RelatedFieldWidgetWrapper,
)


@dataclass(frozen=True)
class Section:
    """One part of a change form, in reading order: its fieldsets and inlines, by name."""

    title: str
    fieldsets: tuple = ()
    inlines: tuple = ()


@dataclass
class RenderedSection:
    title: str
    slug: str
    fieldsets: list = field(default_factory=list)
    inlines: list = field(default_factory=list)


@dataclass(frozen=True)
class ErrorLink:
    where: str
    message: str
    anchor: str


def _field_anchor(form, name):
    if name in form.fields:
        return f"#{form[name].id_for_label or form[name].auto_id}"
    return ""


def form_errors(form, *, where=""):
    """Each error of one form as (where, message, anchor), in the form's field order."""
    links = []
    for name, errors in form.errors.items():
        if name == "__all__":
            label, anchor = where, ""
        else:
            label = form.fields[name].label or name.replace("_", " ").capitalize()
            label = f"{where}: {label}" if where else label
            anchor = _field_anchor(form, name)
        links.extend(ErrorLink(label, message, anchor) for message in errors)
    return links


def formset_errors(formset, *, title):
    """A formset's own errors (such as a weight sum), then each row's, numbered from 1."""
    links = [
        ErrorLink(title, message, f"#{formset.prefix}-group")
        for message in formset.non_form_errors()
    ]
    for index, form in enumerate(formset.forms):
        row = f"#{formset.prefix}-{index}"
        for link in form_errors(form, where=f"{title}, row {index + 1}"):
            links.append(link if link.anchor else ErrorLink(link.where, link.message, row))
    return links


def error_summary(form, inline_admin_formsets):
    links = form_errors(form)
    for inline in inline_admin_formsets:
        title = str(inline.opts.verbose_name_plural).capitalize()
        links.extend(formset_errors(inline.formset, title=title))
    return links


def slugify_title(title):
    return "section-" + "-".join(title.lower().split())


def arrange(sections, adminform, inline_admin_formsets):
    """The form's fieldsets and inlines placed in ``sections``; any left over go last."""
    fieldsets = {fieldset.name or "": fieldset for fieldset in adminform}
    inlines = {inline.formset.prefix: inline for inline in inline_admin_formsets}
    rendered = []
    for section in sections:
        part = RenderedSection(section.title, slugify_title(section.title))
        part.fieldsets = [fieldsets.pop(name) for name in section.fieldsets if name in fieldsets]
        part.inlines = [inlines.pop(prefix) for prefix in section.inlines if prefix in inlines]
        if part.fieldsets or part.inlines:
            rendered.append(part)
    if fieldsets or inlines:
        rest = RenderedSection("More", slugify_title("More"))
        rest.fieldsets, rest.inlines = list(fieldsets.values()), list(inlines.values())
        rendered.append(rest)
    return rendered


class LabelledAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete picker with its empty choice labelled: an empty option with
    no label is not valid HTML."""

    EMPTY_LABEL = "(none)"

    def create_option(self, name, value, label, *args, **kwargs):
        return super().create_option(name, value, label or self.EMPTY_LABEL, *args, **kwargs)


class DeskAdminMixin:
    """For a ModelAdmin: an error summary on every change form, unsaved changes kept in
    the browser, and, when ``desk_sections`` is set, the form in those sections."""

    desk_sections = ()
    change_form_template = "admin/desk_change_form.html"

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin_drafts.js"])

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        adminform = context["adminform"]
        inline_admin_formsets = context.get("inline_admin_formsets", [])
        context["error_summary"] = (
            error_summary(adminform.form, inline_admin_formsets) if context.get("errors") else []
        )
        if context["error_summary"]:
            # One message per problem: the summary lists each, and a field's own error
            # stays beside it; the admin's "Please correct the errors below." and its
            # second copy of the form's own errors (already in the summary) go.
            context["errors"] = []
        if self.desk_sections:
            context["desk_sections"] = arrange(self.desk_sections, adminform, inline_admin_formsets)
        return super().render_change_form(request, context, add, change, form_url, obj)


# New rows an inline takes in one save: what an editor could want, far below the thousand
# Django would build, check and draw for a post that claims more (a forged TOTAL_FORMS).
MAX_NEW_ROWS = 50


class CappedRowsFormSet:
    """For an inline's formset: the rows already stored, and at most MAX_NEW_ROWS more; a
    post claiming more is a form error over that many forms at most."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.absolute_max = len(self.get_queryset()) + MAX_NEW_ROWS


class CappedRowsMixin:
    """For an inline: its formset capped (CappedRowsFormSet); the form offers at most
    MAX_NEW_ROWS rows unless the inline allows fewer."""

    max_num = MAX_NEW_ROWS

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (CappedRowsFormSet, formset), {})


class NoDeleteFromPickersMixin:
    """For an inline: its pickers of shared objects (a source, a component) keep their add
    and edit links but lose delete, so that no story deletes what other stories use."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            formfield.widget.can_delete_related = False
        return formfield


class LabelledSplitDateTime(AdminSplitDateTime):
    """Django's date and time boxes, each named for assistive technology ("Closes at:
    date"); the admin's own markup leaves the time box, in rows the date too, unnamed."""

    def __init__(self, *, label, attrs=None):
        self.label = label
        super().__init__(attrs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, part in zip(context["widget"]["subwidgets"], ("date", "time"), strict=True):
            subwidget["attrs"]["aria-label"] = f"{self.label}: {part}"
        return context


class LabelledDateTimesMixin:
    """For a ModelAdmin or an inline: date-and-time fields with named boxes."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, AdminSplitDateTime):
            label = str(db_field.verbose_name).capitalize()
            formfield.widget = LabelledSplitDateTime(label=label, attrs=formfield.widget.attrs)
        return formfield
