"""The editors' admin: only active staff in the Editors group, or superusers, get in."""

from django.contrib import admin

EDITORS_GROUP = "Editors"


def is_editor(user):
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=EDITORS_GROUP).exists())
    )


class EditorsAdminSite(admin.AdminSite):
    site_header = "Newsroom editors"
    site_title = "Newsroom editors"
    index_title = "Stories, sources and questions"

    def has_permission(self, request):
        return is_editor(request.user)
