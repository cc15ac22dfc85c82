from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, TemplateView

from core import httpcache
from trust import rubric, selectors
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
