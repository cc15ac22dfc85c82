from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The library every app may use; it has no models and imports no app."""

    name = "core"
    verbose_name = "Core"
