from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The composition root: the Editors group's migration, project commands, and the one
    place that says what the apps above articles add to a story (articles/extensions.py)."""

    default = True
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from api.extension import OPEN_DATA
        from articles import extensions
        from predictions.extension import READERS
        from trust.extension import EVIDENCE

        # In page order: the evidence, then the reader panels, then the open-data links.
        extensions.register(EVIDENCE, READERS, OPEN_DATA)
