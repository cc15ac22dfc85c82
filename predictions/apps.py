from django.apps import AppConfig


class PredictionsConfig(AppConfig):
    name = "predictions"
    verbose_name = "Reads and predictions"

    def ready(self):
        # Connects the receivers: the question's own (signals), and a reader's activity
        # joining their account, leaving a deleted one, and its export (accounts/signals.py).
        from predictions import exports_for_reader, joining, signals  # noqa: F401
