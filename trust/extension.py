"""Everything trust adds to a story (articles/extensions.py): the reality score on cards
and feed items, the meter over time, the evidence items of the publish checklist, the
evidence panels of the story page, the front page's evidence that moved this week and its
lead's score drawn large, the evidence section of the story's admin form, and the share
card that stands for a story without a lead picture."""

from collections import defaultdict

from django.db.models import F
from django.urls import reverse

from articles.extensions import (
    AdminColumn,
    AdminPart,
    Card,
    PublishCheck,
    ShareImage,
    StoryExtension,
)
from articles.meters import Reading
from core.admin_desk import Section
from trust import card_layout, rubric, selectors, services, share_cards
from trust.admin import EVIDENCE_INLINES, after_article_saved
from trust.models import ScoreChange, band_of


def _band(story):
    return band_of(story.reality_score, rubric.REALITY_BANDS)


def _feed_text(story):
    band = _band(story)
    if band is None:
        return "Reality score: not scored yet."
    return f"Reality score: {story.reality_score}/100 ({band.label})."


def _feed_categories(story):
    band = _band(story)
    return [] if band is None else [f"Reality: {band.label}"]


def score_readings(story_ids):
    """{story id: [Reading, …]}: each story's score history, oldest first, in one query."""
    readings = defaultdict(list)
    for change in (
        ScoreChange.objects.filter(article_id__in=story_ids)
        .only("article_id", "changed_at", "score")
        .order_by("article_id", "changed_at", "pk")
    ):
        band = change.band
        readings[change.article_id].append(
            Reading(at=change.changed_at, score=change.score, band=band.label if band else "")
        )
    return dict(readings)


def _share_card_alt(story):
    """The card's alt text. A listing (a feed) has the score annotated by ``card`` below; a
    story page loads the assessment, which its evidence panels then read again for free."""
    if hasattr(story, "reality_score"):
        score = story.reality_score
    else:
        assessment = selectors.assessment_of(story)
        score = assessment.score if assessment else None
    return share_cards.alt_text(headline=story.headline, score=score)


EVIDENCE = StoryExtension(
    name="evidence",
    card=Card(
        annotations=lambda: {"reality_score": F("assessment__score")},
        template="trust/components/score_badge.html",
        context=lambda story: {"score": story.reality_score, "band": _band(story)},
        feed_text=_feed_text,
        feed_categories=_feed_categories,
    ),
    readings=score_readings,
    publish_checks=(
        PublishCheck("At least one citation", services.citation_problems, evidence=True),
        PublishCheck("An assessed reality meter", services.meter_problems, evidence=True),
    ),
    panels={
        "story_jsonld": "trust/panels/rating_jsonld.html",
        "header_strip": "trust/panels/header_strip.html",
        "notices": "trust/panels/notices.html",
        "evidence": "trust/panels/evidence.html",
        "sources": "trust/panels/sources.html",
        "front_lead_art": "trust/panels/front_lead_art.html",
        "front_modules": "trust/panels/front_evidence.html",
    },
    admin=AdminPart(
        section=Section(
            "Evidence",
            inlines=("assessment", "component_scores", "citations", "falsifiable_statements"),
        ),
        inlines=tuple(EVIDENCE_INLINES),
        columns=(AdminColumn("reality_score", "Reality", F("assessment__score")),),
        after_save=after_article_saved,
    ),
    share_image=ShareImage(
        url=lambda story: reverse("trust:share_card", args=[story.slug]),
        alt=_share_card_alt,
        width=card_layout.WIDTH,
        height=card_layout.HEIGHT,
        type=share_cards.MIME_TYPE,
    ),
)
