"""The rules by which readers' signals count, for every page's template context: the
methodology page (trust's) places predictions' section on them
(templates/predictions/components/counting_rules.html) without importing predictions."""

from dataclasses import dataclass

from django.conf import settings

from predictions import scoring


@dataclass(frozen=True)
class CountingRules:
    crowd_min_independent: int
    reveal_min_forecasters: int
    leaderboard_min_resolved: int
    prior_questions: int
    baseline_brier: float


def counting_rules(request):
    return {
        "counting_rules": CountingRules(
            crowd_min_independent=settings.CROWD_MIN_INDEPENDENT,
            reveal_min_forecasters=settings.FORECAST_REVEAL_MIN_FORECASTERS,
            leaderboard_min_resolved=settings.LEADERBOARD_MIN_RESOLVED,
            prior_questions=scoring.PRIOR_QUESTIONS,
            baseline_brier=scoring.BASELINE_BRIER,
        )
    }
