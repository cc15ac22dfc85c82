"""The calibration document: the meter and the crowd against what happened."""

from api import selectors


def _rounded(value):
    return None if value is None else round(value, 4)


def calibration_document(request):
    report = selectors.meter_calibration()
    return {
        "n": report.count,
        "small_sample": report.small_sample,
        "meter_brier": _rounded(report.meter_brier),
        "crowd_brier": _rounded(report.crowd_brier),
        "crowd_n": report.crowd_count,
        "baseline_brier": _rounded(report.baseline_brier),
        "bands": [
            {
                "low": bucket.low,
                "high": bucket.high,
                "questions": bucket.forecasts,
                "mean_score": _rounded(bucket.mean_forecast),
                "resolved_yes_percent": _rounded(bucket.observed),
            }
            for bucket in report.meter_buckets
        ],
        "questions": [
            {
                "question": claim.question.slug,
                "story": claim.question.article.slug,
                "outcome": claim.question.resolution,
                "reality_score_at_close": claim.meter,
                "score_recorded_after_close": claim.meter_after_close,
                "community_median_at_close": _rounded(claim.crowd),
            }
            for claim in report.claims
        ],
    }
