from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The composition root: the Editors group's migration, the composed admin, commands."""

    default = True
    name = "newsroom"
    verbose_name = "Newsroom"
