"""Each source on a story is described as a study in short labels a reader understands,
each with its explanation: on the page, in the API and its exports, and on the
methodology page, which lists the designs and the rule that proposes the evidence stage."""

import csv
import html
import io
import re

import pytest
from django.urls import reverse

from articles.models import Article
from tests import query_budgets
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
)
from trust import study_labels
from trust.models import Citation

pytestmark = pytest.mark.django_db

SELECT = "semaglutide-select-trial-heart-events"
CITATION = re.compile(
    r'<li class="citation[^"]*" id="citation-(\d+)">(.*?)</li>\s*(?=<li class="citation|</ol>)',
    re.S,
)
LABEL = re.compile(r'<li class="study-label study-label--(\w+)" title="([^"]+)">(.*?)</li>', re.S)


def sources_panel(client, article):
    page = client.get(article.get_absolute_url()).content.decode()
    return page[page.index('id="sources"') : page.index("</section>", page.index('id="sources"'))]


def labels_on_the_page(client, article):
    """{citation position: [(kind, explanation, text)]} as the story's sources show them."""
    panel = sources_panel(client, article)
    return {
        int(position): [
            (kind, html.unescape(title), html.unescape(re.sub(r"<[^>]+>", "", text)))
            for kind, title, text in LABEL.findall(body)
        ]
        for position, body in CITATION.findall(panel)
    }


def test_every_fixture_storys_every_source_shows_its_study_labels(client, fixture_content):
    stories = list(Article.objects.published())
    assert len(stories) >= 14
    for story in stories:
        shown = labels_on_the_page(client, story)
        positions = set(story.citations.values_list("position", flat=True))
        assert set(shown) == positions, story.slug
        for position, labels in shown.items():
            kinds = [kind for kind, _, _ in labels]
            assert kinds[0] == "design" and "peer_review" in kinds, (story.slug, position)
            assert all(explanation for _, explanation, _ in labels)


def test_a_trial_reads_as_its_design_size_registration_review_funding_and_conflicts(
    client, fixture_content
):
    story = Article.objects.get(slug=SELECT)
    [paper, _registry] = labels_on_the_page(client, story).values()
    assert [text for _, _, text in paper] == [
        "Randomised trial",
        "17,604 people",
        "Preregistered NCT03574597",
        "Peer reviewed",
        "Funded by Novo Nordisk",
        "Conflicts: Authors include Novo Nordisk employees",
    ]
    assert paper[0][1].startswith("People were assigned by chance")
    panel = sources_panel(client, story)
    assert '<a href="https://clinicaltrials.gov/study/NCT03574597" rel="noopener">' in panel
    glossary = panel[panel.index("What the study labels mean") :]
    for term in ("Randomised trial", "Preregistered", "Peer reviewed", "Funded by", "Conflicts"):
        assert f"<dt>{term}</dt>" in glossary
    assert "<dt>Animal study</dt>" not in glossary


def test_a_story_of_press_releases_and_papers_reads_as_reports_and_reviewed_work(
    client, fixture_content
):
    story = Article.objects.get(slug="nif-fusion-ignition")
    shown = labels_on_the_page(client, story)
    assert [text for _, _, text in shown[1]] == ["Report", "Not peer reviewed"]
    assert [text for _, _, text in shown[3]][:2] == ["Other kind of study", "Peer reviewed"]
    assert "Funded by US Department of Energy" in shown[3][2][2]


def test_the_labels_are_in_inputs_json_the_story_document_and_the_csv(client, fixture_content):
    for story in Article.objects.published():
        inputs = client.get(reverse("api:story_inputs", args=[story.slug])).json()["inputs"]
        assert len(inputs["citations"]) == story.citations.count()
        for citation in inputs["citations"]:
            assert citation["study"]["labels"], (story.slug, citation["title"])
            assert all(label["meaning"] for label in citation["study"]["labels"])

    inputs = client.get(reverse("api:story_inputs", args=[SELECT])).json()["inputs"]
    paper = inputs["citations"][0]["study"]
    assert paper["design"] == {"code": "rct", "label": "Randomised controlled trial"}
    assert paper["participants"] == 17604
    assert paper["preregistration"] == {
        "id": "NCT03574597",
        "url": "https://clinicaltrials.gov/study/NCT03574597",
    }
    assert paper["peer_review"] == {"code": "reviewed", "label": "Peer reviewed"}
    assert (paper["funding"], paper["conflicts"]) == (
        "Novo Nordisk",
        "Authors include Novo Nordisk employees",
    )
    assert paper["labels"][2] == {
        "kind": "preregistration",
        "text": "Preregistered NCT03574597",
        "meaning": study_labels.PREREGISTERED[1],
        "url": "https://clinicaltrials.gov/study/NCT03574597",
    }
    document = client.get(reverse("api:story", args=[SELECT])).json()["story"]
    assert document["citations"][0]["study"] == paper

    rows = list(
        csv.DictReader(
            io.StringIO(client.get(reverse("api:story_inputs_csv", args=[SELECT])).content.decode())
        )
    )
    cited = [row for row in rows if row["part"] == "citation"]
    assert cited[0]["name"] == "Semaglutide and Cardiovascular Outcomes in Obesity without Diabetes"
    assert cited[0]["explanation"].startswith("Randomised trial; 17,604 people; Preregistered")


def test_the_evidence_stage_proposal_and_its_work_are_exported(client, fixture_content):
    score = client.get(reverse("api:story_inputs", args=[SELECT])).json()["inputs"]["score"]
    assert score["study_proposal"] == {
        "value": 85,
        "low": 75,
        "high": 95,
        "unreviewed_discount": False,
        "from_citation": {
            "position": 1,
            "title": "Semaglutide and Cardiovascular Outcomes in Obesity without Diabetes",
        },
    }
    casgevy = "casgevy-first-crispr-therapy-sickle-cell"
    score = client.get(reverse("api:story_inputs", args=[casgevy])).json()["inputs"]["score"]
    [stage] = [c for c in score["components"] if c["slug"] == "evidence-stage"]
    assert score["study_proposal"]["value"] == 40
    assert stage["value"] == 95 and stage["study_rule_departure"].startswith("The paper we cite")


def test_a_fixture_story_that_departs_from_the_study_rule_says_why(client, fixture_content):
    story = Article.objects.get(slug="casgevy-first-crispr-therapy-sickle-cell")
    page = html.unescape(client.get(story.get_absolute_url()).content.decode())
    assert (
        "Departs from our study rule, by which the cited studies propose 40: "
        "The paper we cite reports the first two patients." in page
    )


def described(article, source, **study):
    fields = {"study_design": "", "peer_review": "unknown"} | study
    return cite(article, source, **fields)


def test_labels_say_people_animals_or_samples_and_link_an_osf_registration(client):
    article = make_article()
    source = make_source()
    described(
        article, source, study_design="animal", participants=1, preregistration="osf.io/ab12c"
    )
    described(article, source, study_design="in_vitro", participants=2400)
    described(article, source, study_design="cohort", participants=1, conflicts="None declared.")
    shown = labels_on_the_page(client, article)
    assert [text for _, _, text in shown[1]] == [
        "Animal study",
        "1 animal",
        "Preregistered osf.io/ab12c",
        "Peer review not known",
    ]
    assert 'href="https://osf.io/ab12c"' in sources_panel(client, article)
    assert [text for _, _, text in shown[2]][1] == "2,400 samples"
    assert [text for _, _, text in shown[3]][1:] == [
        "1 person",
        "Peer review not known",
        "No conflicts declared",
    ]


def test_a_source_nobody_has_described_shows_no_labels_and_no_glossary(client):
    article = make_article()
    cite(article, make_source())
    panel = sources_panel(client, article)
    assert 'id="citation-1"' in panel
    assert "study-labels" not in panel and "What the study labels mean" not in panel


def test_what_an_editor_typed_is_shown_as_text_never_as_markup(client):
    article = make_article()
    described(
        article,
        make_source(),
        study_design="rct",
        funding='<script>alert("x")</script> Acme',
        conflicts='"><img src=x onerror=alert(1)>',
    )
    panel = sources_panel(client, article)
    assert "<script>alert" not in panel and "<img src=x" not in panel
    assert "Funded by &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Acme" in panel


def test_labels_cost_the_story_page_no_query(client, django_assert_num_queries):
    criteria = make_criteria()
    article = make_article()
    for index in range(12):
        described(
            article,
            make_source(meets=criteria[:1]),
            study_design="rct",
            participants=100 + index,
            preregistration=f"NCT{index:08d}",
            peer_review="reviewed",
            funding="A funder",
            conflicts="None declared",
        )
    make_meter(article, values=[50, None], weights=[50, 50])
    make_question(article)
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE):
        response = client.get(article.get_absolute_url())
    assert response.content.decode().count('class="study-labels"') == 12
    with django_assert_num_queries(query_budgets.API_STORY_INPUTS):
        client.get(reverse("api:story_inputs", args=[article.slug]))


def test_the_methodology_page_lists_the_designs_the_labels_and_the_proposal_rule(client):
    page = html.unescape(client.get(reverse("trust:methodology")).content.decode())
    section = page[page.index('id="studies"') :]
    for _, label in Citation.Design.choices:
        assert f">{label}</th>" in section, label
    for term, meaning in study_labels.every_term():
        assert f"<dt>{term}</dt><dd>{meaning}</dd>" in section
    assert "85 with 1,000 or more;<br>65 with 100–999;<br>50 with fewer" in section
    assert "proposes 15 points less" in section
    assert "up to 10 points either side of the proposal" in section
    assert "What would change our score" in section
