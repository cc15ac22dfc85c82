from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    """The library every app may use; it has no models and imports no app."""

    name = "core"
    verbose_name = "Core"


class EditorsAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "core.admin_site.EditorsAdminSite"
