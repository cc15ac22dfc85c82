from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EditorsAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the editors' site (newsroom/admin_site.py) as its default."""

    default = False
    default_site = "newsroom.admin_site.EditorsAdminSite"


class NewsroomConfig(AppConfig):
    """The composition root: the Editors group's migration, project commands, and the one
    place that says what the apps above articles add to a story (articles/extensions.py)."""

    default = True
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from api.extension import OPEN_DATA
        from articles import extensions
        from notices.extension import FOLLOWING
        from predictions.extension import READERS
        from trust.extension import EVIDENCE

        # In page order: the evidence, the reader panels, following, the open-data links.
        extensions.register(EVIDENCE, READERS, FOLLOWING, OPEN_DATA)
