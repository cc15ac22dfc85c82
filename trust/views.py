from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, TemplateView

from articles.models import Article, story_cache_key
from core import httpcache
from core.editors import is_editor
from trust import rubric, selectors, share_cards
from trust.forms import SourceFilterForm
from trust.models import Assessment, Criterion, MeterComponent, Source


def evidence_keys(request, **kwargs):
    return ["sources"]


evidence_page = httpcache.shared_page(keys=evidence_keys)


@httpcache.shared_page(keys=evidence_keys, parameters=[*SourceFilterForm.base_fields])
def source_list(request):
    form = SourceFilterForm(request.GET)
    valid = form.is_valid()
    sources = selectors.source_directory(
        kind=form.cleaned_data.get("kind") if valid else "",
        ordering=form.ordering() if valid else SourceFilterForm.ORDERINGS["trust"],
    )
    context = {"form": form, "sources": sources, "bands": rubric.TRUST_BANDS}
    return render(request, "trust/source_list.html", context, status=200 if valid else 400)


@method_decorator(evidence_page, name="dispatch")
class SourceDetailView(DetailView):
    queryset = Source.objects.prefetch_related("results__criterion", "score_changes")

    def get_context_data(self, **kwargs):
        return super().get_context_data(stories=selectors.stories_citing(self.object), **kwargs)


@method_decorator(evidence_page, name="dispatch")
class MethodologyView(TemplateView):
    template_name = "trust/methodology.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            criteria=Criterion.objects.all(),
            components=MeterComponent.objects.all(),
            trust_bands=rubric.TRUST_BANDS,
            reality_bands=rubric.REALITY_BANDS,
            stages=Assessment.Stage.choices,
            stage_rule=[
                (label, *rubric.stage_value_range(value))
                for value, label in Assessment.Stage.choices
            ],
            stage_tolerance=rubric.STAGE_TOLERANCE,
            **kwargs,
        )


def share_card_keys(request, slug):
    return [story_cache_key(slug)]


@require_safe
@httpcache.shared_page(keys=share_card_keys, parameters=[])
def share_card(request, slug):
    """A story's share card (trust/share_cards.py): kept by the HTTP cache under the
    story's key, so that an edit or a new score purges it and it is drawn again. Editors
    also get the card of a story not yet public (privately), as its preview links to it."""
    stories = Article.objects.all() if is_editor(request.user) else Article.objects.published()
    article = get_object_or_404(
        stories.select_related("assessment").only(
            "slug", "headline", "assessment__score", "assessment__stage"
        ),
        slug=slug,
    )
    card = share_cards.card_for(article)
    return HttpResponse(share_cards.draw(card), content_type=share_cards.MIME_TYPE)
