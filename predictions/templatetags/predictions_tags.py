"""The reader panels the article template places: {% load predictions_tags %}."""

from datetime import UTC, datetime, time

from django import template
from django.utils import timezone

from core import charts, httpcache
from predictions import cache_keys, landings, panels
from predictions.selectors import reads

register = template.Library()


@register.inclusion_tag(panels.COMMUNITY_TEMPLATE, takes_context=True)
def community_read(context, article):
    request = context["request"]
    panel = panels.community_read_context(
        article, request.reader_id, **landings.drawn_for(request, landings.READ)
    )
    return {"request": request, **panel}


@register.inclusion_tag(panels.FORECAST_TEMPLATE, takes_context=True)
def prediction_panel(context, article):
    request = context["request"]
    panel = panels.prediction_panel_context(
        article,
        request.reader_id,
        form=landings.refused_forecast(request),
        **landings.drawn_for(request, landings.FORECAST),
    )
    if panel["question"] is not None:
        # The panel's form and crowd change when the question opens or closes.
        since = httpcache.rendering_since(request)
        httpcache.expires_by(request, panel["question"].next_change_at(since))
    return {"request": request, **panel}


@register.inclusion_tag("predictions/components/histogram.html")
def forecast_histogram(question):
    counts = question.histogram or [0] * 10
    peak = max(counts) or 1
    bars = []
    for index, count in enumerate(counts):
        height = round(60 * count / peak)
        bars.append(
            {
                "low": max(index * 10, 1),
                "high": index * 10 + 9,
                "count": count,
                "x": index * 21 + 1,
                "y": 64 - height,
                "height": height,
            }
        )
    return {"bars": bars, "total": sum(counts)}


@register.inclusion_tag("predictions/components/history_chart.html")
def forecast_history(points):
    """A line of the community median per day; x spread evenly by point."""
    plotted = [point for point in points if point.median is not None]
    width = 300
    step = width / max(len(plotted) - 1, 1)
    coordinates = [
        (round(index * step, 1), round(100 - point.median, 1), point)
        for index, point in enumerate(plotted)
    ]
    return {
        "points": coordinates,
        "path": " ".join(f"{x},{y}" for x, y, _ in coordinates),
        "first": plotted[0] if plotted else None,
        "last": plotted[-1] if plotted else None,
    }


@register.inclusion_tag("predictions/components/my_history_chart.html")
def my_forecast_history(history, number):
    """A reader's forecasts on one question over time, and the crowd's median when shown.

    Time runs across from the first forecast (or crowd day) to now, or to the close.
    """
    width = 300
    made = [f for f in history.forecasts if not f.withdrawn]
    crowd_times = [
        datetime.combine(point.day, time(12), tzinfo=UTC)
        for point in history.crowd
        if point.median is not None
    ]
    start = min([f.made_at for f in made] + crowd_times)
    end = min(timezone.now(), history.question.closes_at)
    span = max((end - start).total_seconds(), 86400)

    def x(moment):
        return round(min(max((moment - start).total_seconds() / span, 0), 1) * width, 1)

    mine = [(x(f.made_at), 100 - f.probability) for f in made]
    # A forecast stands until the next one: draw steps, held to the end of the axis.
    steps = []
    for index, (x_at, y) in enumerate(mine):
        following = mine[index + 1][0] if index + 1 < len(mine) else width
        steps += [(x_at, y), (following, y)]
    medians = [point.median for point in history.crowd if point.median is not None]
    crowd = [(x(t), round(100 - m, 1)) for t, m in zip(crowd_times, medians, strict=True)]
    return {
        "history": history,
        "caption_id": f"my-history-{number}",
        "mine_path": " ".join(f"{a},{b}" for a, b in steps),
        "mine_points": mine,
        "crowd_path": " ".join(f"{a},{b}" for a, b in crowd),
        "start": start,
        "end": end,
    }


@register.inclusion_tag("predictions/components/sparkline.html")
def reads_sparkline(topic, weekly):
    """A topic's reads per week as a small line, the busiest week at the top; no axes."""
    width, height, margin = 70, 20, 2
    peak = max((week.reads for week in weekly), default=0) or 1
    step = width / max(len(weekly) - 1, 1)
    points = [
        (
            round(index * step, 1),
            round(height - margin - (height - 2 * margin) * week.reads / peak, 1),
        )
        for index, week in enumerate(weekly)
    ]
    return {
        "topic": topic,
        "weekly": weekly,
        "width": width,
        "height": height,
        "path": " ".join(f"{x},{y}" for x, y in points),
        "last": points[-1] if points else None,
    }


@register.inclusion_tag("predictions/components/readers_want_covered.html", takes_context=True)
def readers_want_covered(context, limit=5):
    """The front page's list of topics by reader interest: one indexed query."""
    httpcache.shows(context["request"], cache_keys.INTEREST)
    return {"topics": reads.most_wanted_topics(limit)}


@register.inclusion_tag("predictions/components/calibration_marks.html")
def reliability_diagram(buckets, caption_id, *, x_title, count_title):
    """The plot of a reliability diagram (predictions/calibration.py's buckets): each
    band's dot across at its mean forecast and up at how often it came true, 0–100 % on
    both axes, the diagonal of perfect calibration, and each band's count under it."""
    return {
        "buckets": buckets,
        "ticks": charts.linear_ticks(0, 100, 20),
        "caption_id": caption_id,
        "x_title": x_title,
        "count_title": count_title,
    }
