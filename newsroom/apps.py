from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The composition root: the Editors group's migration, the composed admin, commands,
    and what the apps above articles add to its story cards."""

    default = True
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from articles import cards
        from trust.cards import REALITY_SCORE_CARD

        cards.register(REALITY_SCORE_CARD)
