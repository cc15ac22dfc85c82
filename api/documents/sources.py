"""A source's document: its trust score, its criteria, their history, the stories
citing it."""

from django.urls import reverse

from api.documents import common
from trust import selectors as trust_selectors
from trust.models import Source


def verdict(result):
    return {
        "slug": result.criterion.slug,
        "name": result.criterion.name,
        "weight": result.criterion.weight,
        "met": result.met,
        "note": result.note,
    }


def source_lookup():
    return Source.objects.prefetch_related("results__criterion", "score_changes")


def source_document(request, source):
    return {
        "slug": source.slug,
        "name": source.name,
        "kind": source.get_kind_display(),
        "home_url": source.home_url,
        "description": source.description,
        "trust_score": source.trust_score,
        "band": common.band(source.band),
        "criteria": [verdict(result) for result in source.results.all()],
        "trust_history": [
            {
                "changed_at": change.changed_at.isoformat(),
                "old_score": change.old_score,
                "new_score": change.new_score,
                "reason": change.reason,
            }
            for change in source.score_changes.all()
        ],
        "stories": [
            request.build_absolute_uri(reverse("api:story", args=[slug]))
            for slug in trust_selectors.stories_citing(source).values_list("slug", flat=True)
        ],
        "url": request.build_absolute_uri(source.get_absolute_url()),
    }
