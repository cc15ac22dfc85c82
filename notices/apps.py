from django.apps import AppConfig


class NoticesConfig(AppConfig):
    """Readers with an account follow stories and questions and are told what changed:
    an inbox, a private feed and an email digest."""

    name = "notices"
    verbose_name = "Follows and notifications"

    def ready(self):
        from notices import signals  # noqa: F401 - connects the receivers
