from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    """The composition root: the Editors group's migration, the composed admin, commands,
    and what the apps above articles add to its story cards and to a story's meter."""

    default = True
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from articles import cards, meters
        from trust.cards import REALITY_SCORE_CARD
        from trust.meters import score_readings

        cards.register(REALITY_SCORE_CARD)
        meters.register(score_readings)
