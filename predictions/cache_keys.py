"""The HTTP cache's keys for what readers' activity moves (core/activity_purges.py).

A story's tallies and its question's crowd show on pages keyed by the story's own key
(articles.models.story_cache_key: the story, its API document) and ``question-<slug>``
(the question's page); the crowds of many questions on pages keyed CROWD (lists of
questions); topic interest on pages keyed INTEREST (the front page's "readers want
covered", the community page). Panels name
their keys on the page they are drawn on (core.httpcache.shows).
"""

CROWD = "crowd"
INTEREST = "interest"


def question(slug):
    return f"question-{slug}"
