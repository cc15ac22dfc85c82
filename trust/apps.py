from django.apps import AppConfig


class TrustConfig(AppConfig):
    name = "trust"

    def ready(self):
        """The evidence items of the publish checklist (articles/services.py)."""
        from articles.services import add_publish_check
        from trust import services

        add_publish_check("At least one citation", services.citation_problems, evidence=True)
        add_publish_check("An assessed reality meter", services.meter_problems, evidence=True)
