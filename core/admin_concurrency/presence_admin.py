"""The change form's presence note: who else has the form open and since when
(presence.py), and, once someone has saved since this form was loaded, who changed what,
so that an editor knows before saving that the save will be refused, and why.

The note is drawn with the form, which marks its editor present, and refreshed by
js/admin_presence.js through ``presence_view``: every REFRESH_SECONDS it marks the editor
again, saying when the form was drawn (so that a refresh from a form already saved and
left cannot mark its editor again), and sends the version the form was loaded from,
which is compared with the stored one as a save would compare it (mixin.py), without
locking anything. Saving the form takes the mark away (unless its editor goes on
editing); a form closed without saving leaves a mark that expires by itself.
"""

import math

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.admin_concurrency import edits, presence
from core.admin_concurrency.mixin import ChangeFormCheck
from core.admin_concurrency.versions import VERSION_FIELD


def _drawn(request):
    """When the form refreshing its mark was drawn (a timestamp it was given), or None if
    it does not say."""
    try:
        drawn = float(request.POST.get("drawn", ""))
    except ValueError:
        return None
    return drawn if math.isfinite(drawn) else None


def _others(request, obj, drawn=None):
    """Mark the editor of ``request`` present on ``obj`` from a form drawn at ``drawn``;
    the other editors present, each with their name and since when."""
    marks = presence.mark(presence.subject_of(obj), request.user.pk, drawn)
    others = [mark for mark in marks if mark.user_id != request.user.pk]
    users = get_user_model().objects.in_bulk([mark.user_id for mark in others])
    return [
        {"name": edits.editor_name(users[mark.user_id], request), "since": edits.clock(mark.since)}
        for mark in others
        if mark.user_id in users
    ]


class PresenceMixin:
    """For a ModelAdmin with OptimisticConcurrencyMixin and DeskAdminMixin (whose change
    form template draws the note): who else has the change form open."""

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin_presence.js"])

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = path(
            "<path:object_id>/presence/",
            self.admin_site.admin_view(require_POST(self.presence_view)),
            name="{}_{}_presence".format(*info),
        )
        return [view, *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and self.has_change_permission(request, obj):
            name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_presence"
            context["presence"] = {
                "url": reverse(name, args=[obj.pk]),
                "refresh": presence.REFRESH_SECONDS,
                "drawn": repr(timezone.now().timestamp()),
                "others": _others(request, obj),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        """A saved form is closed, unless its editor goes on editing: their mark goes."""
        if "_continue" not in request.POST:
            presence.leave(presence.subject_of(obj), request.user.pk)
        return super().response_change(request, obj)

    def presence_view(self, request, object_id):
        """Mark the editor present again: the note, as HTML."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return JsonResponse({"error": "No such object."}, status=404)
        if not self.has_change_permission(request, obj):
            return JsonResponse({"error": "Not allowed."}, status=403)
        others = _others(request, obj, _drawn(request))
        note = {"others": others, "stale": self.saved_since(request, obj)}
        return JsonResponse({"html": render_to_string("admin/includes/presence_note.html", note)})

    def saved_since(self, request, obj):
        """What was saved since the form posting ``request`` was loaded, and by whom, as a
        sentence; "" if nothing was, or the form says no version."""
        if not request.POST.get(VERSION_FIELD):
            return ""
        form_class = self.get_form(request, obj, change=True)
        parts = self._inline_rows(request, obj)
        noun = str(self.opts.verbose_name)
        check = ChangeFormCheck(request, obj, form_class, parts, noun, lock=False)
        if check.loaded is None or not check.changes:
            return ""
        named = edits.who(check.recorded, request) or "someone else"
        changed = ", ".join(change.text for change in check.changes)
        return (
            f"Saved since you opened this form, by {named}: {changed}. Saving now will be "
            "refused, with your changes kept on the form to compare; or reload the page to "
            f"start from the saved {noun}."
        )
