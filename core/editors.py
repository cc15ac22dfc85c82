"""Who is an editor: an active staff member in the Editors group, or a superuser. The
admin site (newsroom/admin_site.py) lets in only editors; pages ask the same rule when
they show editors what readers do not see (a draft's preview)."""

EDITORS_GROUP = "Editors"


def is_editor(user):
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=EDITORS_GROUP).exists())
    )
