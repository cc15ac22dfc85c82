from django.apps import AppConfig


class PredictionsConfig(AppConfig):
    name = "predictions"
    verbose_name = "Reads and predictions"

    def ready(self):
        from predictions import signals  # noqa: F401 - connects the receivers
