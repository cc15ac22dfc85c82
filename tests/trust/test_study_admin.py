"""Editors describe each citation as a study in the story form ("The study"); the rubric
proposes the evidence stage from those descriptions, shows the proposal beside the
value, and a value further from it than the tolerance needs a reason readers see."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article
from core.admin_desk import MAX_NEW_ROWS
from tests.admin_forms import article_form, rows
from tests.factories import make_criteria, make_source, make_topic
from trust.models import Citation, MeterComponent

pytestmark = pytest.mark.django_db

CASE_SERIES = {"study_design": "case_series", "participants": "2", "peer_review": "reviewed"}


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
    return {"source": make_source(meets=criteria), "stage": stage, "trust": trust}


def citation(rubric, study, position=1):
    return {
        "position": str(position),
        "title": "The trial",
        "source": rubric["source"].pk,
        "kind": "primary",
        "url": "https://example.org/trial",
        "doi": "",
        "published_on": "2026-04-30",
        "note": "",
        "status": "standing",
        "preregistration": "",
        "funding": "",
        "conflicts": "",
    } | study


def story(rubric, *, value="50", study=CASE_SERIES, study_reason="", cited=None):
    """A new story at TRL 6 (the stage rule gives 45–55) citing ``cited`` (by default one
    work described as ``study``)."""
    return (
        article_form(topics=[make_topic().pk])
        | rows("assessment", {"stage": "6", "horizon": "3-5", "horizon_note": ""})
        | rows(
            "component_scores",
            {
                "component": rubric["stage"].pk,
                "value": value,
                "weight": "60",
                "rationale": "First in humans.",
                "study_rule_departure": study_reason,
            },
            {"component": rubric["trust"].pk, "value": "", "weight": "40", "rationale": "."},
        )
        | rows("citations", *(cited or [citation(rubric, study)]))
    )


def add(client, data):
    return client.post(reverse("admin:articles_article_add"), data)


def test_the_citation_form_groups_the_study_fields_under_the_study(client, editor):
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    study = page[page.index(">The study<") :]
    for name in (
        "study_design",
        "participants",
        "preregistration",
        "peer_review",
        "funding",
        "conflicts",
    ):
        assert f'name="citations-0-{name}"' in study, name
    assert "leave out what it does not say" in study


def test_an_editor_describes_a_citation_and_readers_see_the_labels(client, editor, rubric):
    study = {
        "study_design": "rct",
        "participants": "1800",
        "preregistration": "NCT01234567",
        "peer_review": "reviewed",
        "funding": "The Wellcome Trust",
        "conflicts": "None declared",
    }
    response = add(client, story(rubric, value="80", study=study))
    # A large reviewed trial proposes 85 (75–95): 80 needs no reason for the study rule,
    # though it departs from the stage rule's 45–55 for TRL 6, which asks its own.
    assert "the stage rule gives 45–55" in response.content.decode()
    data = story(rubric, value="80", study=study)
    data["component_scores-0-stage_rule_departure"] = "A phase 3 trial of 1,800 people."
    assert add(client, data).status_code == 302
    citation = Citation.objects.get()
    assert (citation.study_design, citation.participants, citation.preregistration) == (
        "rct",
        1800,
        "NCT01234567",
    )
    article = Article.objects.get()
    article.status = "published"
    article.save()
    page = html.unescape(Client().get(article.get_absolute_url()).content.decode())
    assert "Randomised trial" in page and "1,800 people" in page
    assert "Funded by The Wellcome Trust" in page and "No conflicts declared" in page


@pytest.mark.parametrize(
    ("study", "message"),
    [
        ({"preregistration": "ISRCTN123"}, "Enter a ClinicalTrials.gov number (NCT01234567)"),
        ({"preregistration": "NCT123"}, "Enter a ClinicalTrials.gov number (NCT01234567)"),
        ({"participants": "many"}, "Enter a whole number."),
        ({"participants": "-4"}, "greater than or equal to 0"),
        ({"study_design": "anecdote"}, "Select a valid choice."),
        ({"peer_review": "sort of"}, "Select a valid choice."),
    ],
)
def test_a_bad_study_field_is_refused_with_a_clear_error_and_nothing_saved(
    client, editor, rubric, study, message
):
    response = add(client, story(rubric, study=CASE_SERIES | study))
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not Article.objects.exists()


def test_a_value_far_from_what_the_studies_propose_needs_a_reason_readers_see(
    client, editor, rubric
):
    # A two-patient case series, peer reviewed, proposes 40: 30–50 needs no reason.
    refused = add(client, story(rubric, value="55"))
    assert refused.status_code == 200
    assert (
        "The cited studies propose 40, so the study rule gives 30–50. Give a value in that "
        "range, or say why this story departs from it."
    ) in html.unescape(refused.content.decode())
    assert not Article.objects.exists()

    reason = "The regulator's review rests on a larger trial than the report we cite."
    assert add(client, story(rubric, value="55", study_reason=reason)).status_code == 302
    article = Article.objects.get()
    article.status = "published"
    article.save()
    page = html.unescape(Client().get(article.get_absolute_url()).content.decode())
    assert f"Departs from our study rule, by which the cited studies propose 40: {reason}" in page
    inputs = Client().get(reverse("api:story_inputs", args=[article.slug])).json()["inputs"]
    [stage] = [c for c in inputs["score"]["components"] if c["slug"] == "evidence-stage"]
    assert stage["study_rule_departure"] == reason


def test_a_value_within_the_tolerance_needs_no_reason(client, editor, rubric):
    assert add(client, story(rubric, value="50")).status_code == 302
    assert not Article.objects.get().component_scores.exclude(study_rule_departure="").exists()


def test_the_proposal_follows_the_citations_on_the_same_form(client, editor, rubric):
    # The same value, 55, is within the tolerance of a 157-person trial (65: 55–75).
    trial = {"study_design": "rct", "participants": "157", "peer_review": "reviewed"}
    assert add(client, story(rubric, value="55", study=trial)).status_code == 302


def test_a_retracted_work_on_the_form_proposes_nothing(client, editor, rubric):
    review = {"study_design": "review", "participants": "5000", "peer_review": "reviewed"}
    cited = [
        citation(rubric, review | {"status": "retracted"}, position=1),
        citation(rubric, CASE_SERIES, position=2),
    ]
    refused = add(client, story(rubric, value="55", cited=cited))
    assert "The cited studies propose 40" in html.unescape(refused.content.decode())
    cited[0]["status"] = "standing"
    refused = add(client, story(rubric, value="55", cited=cited))
    assert "The cited studies propose 90" in html.unescape(refused.content.decode())


def test_a_story_citing_only_reports_gets_no_proposal(client, editor, rubric):
    report = {"study_design": "report", "peer_review": "not_reviewed"}
    assert add(client, story(rubric, value="55", study=report)).status_code == 302
    article = Article.objects.get()
    page = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "No proposal: no cited work has a design the study rule ranks" in page.content.decode()


def test_the_change_form_shows_the_proposal_beside_the_evidence_stage(client, editor, rubric):
    add(client, story(rubric, value="50"))
    article = Article.objects.get()
    page = html.unescape(
        client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    )
    assert "What the cited studies propose" in page
    assert (
        "40 (a value from 30 to 50 needs no reason), from “The trial”: "
        "Case series; 2 people; Peer reviewed." in page
    )
    assert page.count("Only for the evidence stage.") == 1


@pytest.mark.parametrize(
    ("total", "status"), [("²", 200), ("99999999999", 200), ("", 200), ("-1", 302)]
)
def test_a_forged_count_of_citation_rows_is_a_form_error_or_no_rows_never_a_crash(
    client, editor, rubric, total, status
):
    data = story(rubric, value="55")
    data["citations-TOTAL_FORMS"] = total
    response = add(client, data)
    assert response.status_code == status
    assert Citation.objects.count() == 0
    if status == 200:  # the form again, with no more rows than an editor may send
        [citations] = [
            inline.formset
            for inline in response.context["inline_admin_formsets"]
            if inline.formset.prefix == "citations"
        ]
        assert len(citations.forms) <= MAX_NEW_ROWS


def test_a_citation_posted_without_its_peer_review_status_is_not_known(client, editor, rubric):
    data = story(rubric, value="50", study={"study_design": "report"})
    assert "citations-0-peer_review" not in data
    assert add(client, data).status_code == 302
    assert Citation.objects.get().peer_review == "unknown"
