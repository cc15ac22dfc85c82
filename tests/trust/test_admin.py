"""Editors enter the evidence through the admin; bad input is refused whole."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import article_form, loaded_version, rows, save_change_form
from tests.factories import cite, make_article, make_criteria, make_meter, make_source, make_topic
from trust.models import Citation, Criterion, CriterionResult, MeterComponent, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def rubric():
    criteria = make_criteria((80, 20))
    stage = MeterComponent.objects.create(
        name="Evidence stage", slug="evidence-stage", description="Ladder.", default_weight=60
    )
    trust = MeterComponent.objects.create(
        name="Source trust",
        slug="source-trust",
        description="Mean.",
        default_weight=40,
        from_sources=True,
    )
    return {"criteria": criteria, "stage": stage, "trust": trust}


def evidence(
    rubric,
    source,
    *,
    stage_value="50",
    stage_weight="60",
    trust_weight="40",
    doi="10.1038/nm.2446",
    url="https://example.org/paper",
    cited_source=True,
    status="standing",
    reason="",
):
    return (
        rows(
            "assessment",
            {
                "stage": "6",
                "horizon": "3-5",
                "horizon_note": "Trials first.",
                "change_reason": reason,
            },
        )
        | rows(
            "component_scores",
            {
                "component": rubric["stage"].pk,
                "value": stage_value,
                "weight": stage_weight,
                "rationale": "First in humans.",
            },
            {
                "component": rubric["trust"].pk,
                "value": "",
                "weight": trust_weight,
                "rationale": "Computed.",
            },
        )
        | rows(
            "citations",
            {
                "position": "1",
                "title": "The trial",
                "source": source.pk if cited_source else "",
                "kind": "primary",
                "url": url,
                "doi": doi,
                "published_on": "2026-04-30",
                "note": "",
                "status": status,
            },
        )
    )


def add_story(client, data):
    return client.post(reverse("admin:articles_article_add"), data)


def test_editor_adds_a_story_with_evidence_and_sees_the_computed_score(client, editor, rubric):
    source = make_source(meets=rubric["criteria"])  # trust 100
    topic = make_topic()

    response = add_story(client, article_form(topics=[topic.pk]) | evidence(rubric, source))

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.assessment.score == 70  # 30 + 40
    change_page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "70/100 — Likely" in change_page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"trust_weight": "30"}, "add up to 90; they must add up to exactly 100"),
        ({"stage_value": "101"}, "less than or equal to 100"),
        ({"stage_value": "-3"}, "greater than or equal to 0"),
        ({"stage_value": ""}, "Give a value from 0 to 100."),
        ({"doi": "nm.2446"}, "“nm.2446” is not a DOI: a DOI looks like 10.1038/nm.2446"),
        ({"url": "not a url"}, "Enter a valid URL."),
        ({"cited_source": False}, "This field is required."),
    ],
)
def test_bad_evidence_is_refused_with_a_clear_error_and_nothing_saved(
    client, editor, rubric, overrides, message
):
    source = make_source(meets=rubric["criteria"])
    data = article_form(topics=[make_topic().pk]) | evidence(rubric, source, **overrides)

    response = add_story(client, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()
    assert not Citation.objects.exists()


def test_editing_a_sources_criteria_rescores_it_and_every_story_citing_it(client, editor, rubric):
    heavy, light = rubric["criteria"]
    source = make_source(meets=[heavy])  # 80
    article = make_article()
    cite(article, source)
    make_meter(article, values=[50, None], weights=[60, 40])
    results = list(CriterionResult.objects.filter(source=source).order_by("criterion__position"))

    response = save_change_form(
        client,
        reverse("admin:trust_source_change", args=[source.pk]),
        {
            "name": source.name,
            "slug": source.slug,
            "kind": source.kind,
            "home_url": source.home_url,
            "description": "",
            "change_reason": "Now deposits its data",
        }
        | rows(
            "results",
            *[
                {
                    "id": r.pk,
                    "source": source.pk,
                    "criterion": r.criterion.pk,
                    "met": "on",
                    "note": "Checked.",
                }
                for r in results
            ],
            initial=len(results),
        )
        | rows(
            "score_changes",
            *[{"id": change.pk, "source": source.pk} for change in source.score_changes.all()],
            initial=source.score_changes.count(),
        ),
    )

    assert response.status_code == 302, [
        f.formset.errors for f in response.context["inline_admin_formsets"]
    ] + [response.context["adminform"].form.errors]
    source.refresh_from_db()
    assert source.trust_score == 100
    assert source.score_changes.first().reason == "Now deposits its data"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Average trust: <strong>100/100</strong>" in page


def test_criteria_weights_that_do_not_sum_to_100_are_refused_on_the_list(client, editor, rubric):
    heavy, light = rubric["criteria"]
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "_save": "Save",
        "form-0-id": heavy.pk,
        "form-0-weight": "70",
        "form-0-position": "0",
        "form-1-id": light.pk,
        "form-1-weight": "20",
        "form-1-position": "1",
    } | loaded_version(client, reverse("admin:trust_criterion_changelist"))

    refused = client.post(reverse("admin:trust_criterion_changelist"), data)
    assert "add up to 90" in refused.content.decode()
    assert Criterion.objects.get(pk=heavy.pk).weight == 80

    source = make_source(meets=[heavy])
    accepted = client.post(
        reverse("admin:trust_criterion_changelist"), data | {"form-1-weight": "30"}
    )
    assert accepted.status_code == 302
    assert Source.objects.get(pk=source.pk).trust_score == 70


def test_one_criterion_cannot_break_the_total(client, editor, rubric):
    heavy, _ = rubric["criteria"]
    response = save_change_form(
        client,
        reverse("admin:trust_criterion_change", args=[heavy.pk]),
        {
            "name": heavy.name,
            "slug": heavy.slug,
            "description": "x",
            "weight": "90",
            "position": "0",
        },
    )
    assert "the criteria add up to 110, not 100" in response.content.decode()


def test_changing_a_source_needs_a_reason_for_its_public_history(client, editor, rubric):
    source = make_source(meets=[rubric["criteria"][0]])
    results = list(CriterionResult.objects.filter(source=source))
    data = {
        "name": source.name,
        "slug": source.slug,
        "kind": source.kind,
        "home_url": source.home_url,
        "description": "",
        "change_reason": "",
    } | rows(
        "results",
        *[{"id": r.pk, "source": source.pk, "criterion": r.criterion.pk, "met": "on",
           "note": "Checked."} for r in results],
        initial=len(results),
    ) | rows("score_changes", *[{"id": c.pk, "source": source.pk}
                                for c in source.score_changes.all()],
             initial=source.score_changes.count())  # fmt: skip
    url = reverse("admin:trust_source_change", args=[source.pk])

    refused = save_change_form(client, url, data)
    assert refused.status_code == 200
    assert "Reason for the change</strong>: This field is required." in refused.content.decode()
    assert Source.objects.get().trust_score == 80


def test_an_editors_reason_for_moving_the_evidence_enters_the_story_history(client, editor, rubric):
    topic = make_topic()
    source = make_source(meets=rubric["criteria"])
    add_story(client, article_form(topics=[topic.pk]) | evidence(rubric, source))
    article = Article.objects.get()
    stage_row = article.component_scores.get(component=rubric["stage"])
    trust_row = article.component_scores.get(component=rubric["trust"])
    citation = article.citations.get()
    edit = (
        article_form(topics=[topic.pk])
        | rows(
            "assessment",
            {
                "article": article.pk,
                "stage": "7",
                "horizon": "3-5",
                "horizon_note": "Trials first.",
                "change_reason": "The phase 2 trial reported",
            },
            initial=1,
        )
        | rows(
            "component_scores",
            {
                "id": stage_row.pk,
                "article": article.pk,
                "component": rubric["stage"].pk,
                "value": "65",
                "weight": "60",
                "rationale": "Phase 2.",
            },
            {
                "id": trust_row.pk,
                "article": article.pk,
                "component": rubric["trust"].pk,
                "value": "",
                "weight": "40",
                "rationale": "Computed.",
            },
            initial=2,
        )
        | rows(
            "citations",
            {
                "id": citation.pk,
                "article": article.pk,
                "position": "1",
                "title": "The trial",
                "source": source.pk,
                "kind": "primary",
                "url": "https://example.org/paper",
                "doi": "10.1038/nm.2446",
                "published_on": "2026-04-30",
                "note": "",
                "status": "standing",
            },
            initial=1,
        )
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = save_change_form(client, url, edit)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    latest = article.score_changes.order_by("changed_at").last()
    assert latest.reason == "The phase 2 trial reported"
    assert latest.score == 79  # 65 × 0.6 + 100 × 0.4, the stage rule's value for TRL 7
    assert "Reality score: 70 → 79/100" in latest.changes
    assert any(line.startswith("Evidence ladder: First in humans") for line in latest.changes)


def test_an_evidence_stage_value_off_the_stage_rule_needs_a_reason_readers_see(
    client, editor, rubric
):
    source = make_source(meets=rubric["criteria"])
    data = article_form(topics=[make_topic().pk]) | evidence(rubric, source, stage_value="35")

    refused = add_story(client, data)
    assert refused.status_code == 200
    assert "the stage rule gives 45–55" in refused.content.decode()
    assert not Article.objects.exists()

    reason = "Only three patients were treated, so we keep it below the usual range."
    data["component_scores-0-stage_rule_departure"] = reason
    assert add_story(client, data).status_code == 302
    article = Article.objects.get()
    article.status = "published"
    article.save()
    page = client.__class__().get(article.get_absolute_url()).content.decode()
    assert f"Departs from our stage rule: {reason}" in page


def test_the_methodology_page_publishes_the_stage_rule(client):
    page = client.get(reverse("trust:methodology")).content.decode()
    assert "From stage to score" in page
    assert (
        "<td>First in humans, phase I, or a field demonstration (TRL 6)</td><td>45–55</td>" in page
    )
