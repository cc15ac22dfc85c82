"""The editors' queue of the citation watch (trust/watch.py): pending findings first, each
with its evidence, and a page per finding where an editor accepts it or dismisses it
with a reason. Findings come only from the watch and the Retraction Watch import: they
are never added or deleted by hand, so the queue stays the record of what was found."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Prefetch, Value, When
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from trust import watch
from trust.models import Citation, FalsifiableStatement, Source, WatchFinding

PENDING = WatchFinding.State.PENDING


class AcceptForm(forms.Form):
    """What accepting needs besides the finding: the note readers read beside a notice,
    or the source that published a preprint."""

    note = forms.CharField(
        label="Note to readers",
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the notice says, in a sentence; readers see it beside the citation.",
    )
    source = forms.ModelChoiceField(
        label="Published by",
        queryset=Source.objects.order_by("name"),
        empty_label="Choose the journal",
        help_text="The source the published version appeared in (named above). "
        "If it is new, add it under Sources first.",
    )

    def __init__(self, *args, finding, **kwargs):
        super().__init__(*args, initial={"note": finding.detail}, **kwargs)
        if finding.kind not in watch.STATUS_OF_NOTICE:
            del self.fields["note"]
        if finding.kind != WatchFinding.Kind.PUBLISHED:
            del self.fields["source"]


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why it is dismissed",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required. Kept with the finding: 'The notice concerns another work "
        "with the same title', …",
    )


def status_label(finding):
    """The status accepting gives the citation, as editors read it; None for a version."""
    status = watch.STATUS_OF_NOTICE.get(finding.kind)
    return Citation.Status(status).label if status else None


def story_link(finding):
    article = finding.citation.article
    return format_html(
        '<a href="{}">{}</a>',
        reverse("admin:articles_article_change", args=[article.pk]),
        article.headline,
    )


def doi_link(doi, url=""):
    if not doi:
        return "—"
    return format_html('<a href="{}">{}</a>', url or f"https://doi.org/{doi}", doi)


@admin.register(WatchFinding)
class WatchFindingAdmin(admin.ModelAdmin):
    list_display = ["finding", "story_and_work", "notice", "may_bear_on", "state", "found"]
    list_display_links = ["finding"]
    list_filter = ["state", "kind"]
    list_select_related = ["citation__article"]
    search_fields = [
        "citation__title",
        "citation__doi",
        "notice_doi",
        "citation__article__headline",
    ]
    list_per_page = 50
    actions = None

    def get_queryset(self, request):
        statements = FalsifiableStatement.objects.only("article_id", "text", "position")
        return (
            super()
            .get_queryset(request)
            .select_related("citation__article", "decided_by")
            .prefetch_related(
                Prefetch("citation__article__falsifiable_statements", queryset=statements)
            )
        )

    def get_ordering(self, request):
        """Pending findings first, the newest first within each state."""
        waiting_first = Case(When(state=PENDING, then=Value(0)), default=Value(1))
        return [waiting_first.asc(), "-found_at", "-pk"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Finding", ordering="kind")
    def finding(self, obj):
        return format_html("<strong>{}</strong>: {}", obj.get_kind_display(), obj.detail)

    @admin.display(description="Story and cited work", ordering="citation__article__headline")
    def story_and_work(self, obj):
        citation = obj.citation
        work = format_html("{} ({})", citation.title, doi_link(citation.doi))
        return format_html("{}<br>{}", story_link(obj), work if citation.doi else citation.title)

    @admin.display(description="Notice or version", ordering="notice_date")
    def notice(self, obj):
        when = date_format(obj.notice_date, "j N Y") if obj.notice_date else "undated"
        return format_html(
            "{}<br>{}<br>{}", doi_link(obj.notice_doi, obj.notice_url), when, obj.record_source
        )

    @admin.display(description="Found", ordering="found_at")
    def found(self, obj):
        return date_format(timezone.localtime(obj.found_at), "j N Y")

    @admin.display(description="May bear on")
    def may_bear_on(self, obj):
        statements = obj.citation.article.falsifiable_statements.all()
        if not statements:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((s.text,) for s in statements))
        )

    def changelist_view(self, request, extra_context=None):
        context = {"title": "Citation watch: findings for the editors"}
        return super().changelist_view(request, context | (extra_context or {}))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The finding's page: its evidence, and accepting or dismissing it."""
        finding = self.get_object(request, unquote(object_id))
        if finding is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, finding):
            raise PermissionDenied
        may_change = self.has_change_permission(request, finding)
        posted = request.POST if request.method == "POST" else None
        if posted is not None and not may_change:
            raise PermissionDenied
        accept_form = AcceptForm(
            posted if posted and "_accept" in posted else None, finding=finding, prefix="accept"
        )
        dismiss_form = DismissForm(
            posted if posted and "_dismiss" in posted else None, prefix="dismiss"
        )
        decided = self._decide(request, finding, accept_form, dismiss_form)
        if decided is not None:
            return decided
        can_decide = may_change and finding.state == PENDING
        context = {
            **self.admin_site.each_context(request),
            "title": f"{finding.get_kind_display()}: {finding.citation.title}",
            "opts": self.opts,
            "finding": finding,
            "story": story_link(finding),
            "notice": doi_link(finding.notice_doi, finding.notice_url),
            "cited": doi_link(finding.citation.doi),
            "statements": finding.citation.article.falsifiable_statements.all(),
            "scores": watch.scores_on_accepting(finding) if can_decide else None,
            "can_decide": can_decide,
            "accept_form": accept_form,
            "dismiss_form": dismiss_form,
            "new_status": status_label(finding),
        }
        return TemplateResponse(request, "admin/trust/watchfinding/finding.html", context)

    def _decide(self, request, finding, accept_form, dismiss_form):
        """Carry out a valid decision and go back to the queue; None to show the page."""
        try:
            if accept_form.is_valid():
                watch.accept(finding=finding, editor=request.user, **accept_form.cleaned_data)
                done = "Accepted: the citation is updated and the story scored again."
            elif dismiss_form.is_valid():
                watch.dismiss(finding=finding, editor=request.user, **dismiss_form.cleaned_data)
                done = "Dismissed, with your reason; nothing readers see has changed."
            else:
                return None
        except ValidationError as error:
            form = accept_form if accept_form.is_bound else dismiss_form
            form.add_error(None, error)
            return None
        self.message_user(request, f"{done} ({finding})", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:trust_watchfinding_changelist"))
