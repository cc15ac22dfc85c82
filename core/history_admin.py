"""History in the admin: every tracked save listed in editors' words, and any two
versions compared, long text word by word (core/history_diff.py)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from core.history_diff import field_changes


def changes_between(newer, older):
    return field_changes(newer.instance_type, newer.diff_against(older).changes)


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's history page, plus a page comparing two versions.

    An old version can be looked at, never saved back from its own page: that page's
    form would write over whatever was saved since, past the version check every other
    save makes (core/admin_concurrency/). SIMPLE_HISTORY_REVERT_DISABLED hides its
    button; ``history_form_view`` refuses the post itself.
    """

    object_history_template = "admin/history_with_compare.html"
    object_history_list_template = "admin/history_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="{}_{}_history_compare".format(*info),
        )
        return [compare, *super().get_urls()]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("An old version cannot be saved back from its own page.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        compare_url = reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_history_compare",
            args=[object_id],
        )
        return super().history_view(
            request, object_id, {"compare_url": compare_url, **(extra_context or {})}
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each entry's changes from the entry before it, with labels and short values."""
        records = list(historical_records)
        for newer, older in zip(records, records[1:], strict=False):
            newer.field_changes = changes_between(newer, older)
        if records:
            # None: nothing earlier to compare with (on this page, or at all).
            records[-1].field_changes = None

    def compare_view(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such object.")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        versions = list(obj.history.select_related("history_user").order_by("-history_date"))
        by_id = {str(version.history_id): version for version in versions}
        newer = by_id.get(request.GET.get("new")) or (versions[0] if versions else None)
        older = by_id.get(request.GET.get("old")) or self.latest_different(versions, newer)
        changes = changes_between(newer, older) if newer and older else []
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
            },
        )

    @staticmethod
    def latest_different(versions, newer):
        """The newest version before ``newer`` that differs from it: saves that change
        nothing (a re-render after the story's terms are saved) are not worth comparing."""
        earlier = [version for version in versions if version.history_date < newer.history_date]
        for version in earlier:
            if newer.diff_against(version).changes:
                return version
        return earlier[0] if earlier else None
