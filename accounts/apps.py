from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Readers who keep their record: a handle and passkeys over a reader id (core.readers)."""

    name = "accounts"
    verbose_name = "Reader accounts"
