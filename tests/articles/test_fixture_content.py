"""The fixture stories load the way `make run` loads them, rendered and marked."""

from io import StringIO

import pytest
from django.db.models import Count

from articles.models import Article, Correction, GlossaryTerm, Topic
from tests.factories import topic_interests
from tests.site_content import load_site_content
from tools import draw_figures
from trust.models import ScoreChange

pytestmark = pytest.mark.usefixtures("fixture_content")


def test_fixtures_hold_enough_real_stories_topics_and_terms():
    assert Article.objects.published().count() >= 14
    assert Topic.objects.filter(articles__isnull=False).distinct().count() >= 5
    assert GlossaryTerm.objects.count() >= 30
    assert not Article.objects.annotate(n=Count("glossary_terms")).filter(n__lt=4).exists()


def test_loaded_stories_are_rendered_and_their_terms_marked():
    for article in Article.objects.prefetch_related("glossary_terms"):
        assert article.explanation_html.startswith("<")
        assert article.technical_html.startswith("<")
        html = article.explanation_html + article.technical_html
        for term in article.glossary_terms.all():
            assert f'href="#term-{term.slug}"' in html, (article.slug, term.slug)
    assert not GlossaryTerm.objects.filter(definition_html="").exists()


def test_loading_again_updates_in_place_without_duplicates():
    counts = Article.objects.count(), GlossaryTerm.objects.count(), Topic.objects.count()
    Article.objects.filter(slug="tscm-car-t-first-in-human").update(headline="Edited")
    load_site_content()
    assert (Article.objects.count(), GlossaryTerm.objects.count(), Topic.objects.count()) == counts
    assert Article.objects.get(slug="tscm-car-t-first-in-human").headline != "Edited"


def test_the_tscm_story_is_there_with_both_sections_and_its_glossary(client):
    response = client.get("/articles/tscm-car-t-first-in-human/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nature" in html
    assert 'id="explanation"' in html and 'id="technical"' in html
    assert 'id="glossary"' in html and 'id="term-tscm"' in html


def test_every_story_carries_its_evidence_and_the_scale_is_spanned():
    from trust.models import Assessment

    scores = dict(Assessment.objects.values_list("article__slug", "score"))
    assert set(scores) == set(Article.objects.values_list("slug", flat=True))
    assert all(score is not None for score in scores.values())
    assert scores["semaglutide-select-trial-heart-events"] >= 80
    assert scores["lk-99-superconductor-claim-fails-replication"] < 20
    assert not Article.objects.filter(citations__isnull=True).exists()


def test_the_tscm_story_shows_its_meter_trust_layer_horizon_and_source(client):
    response = client.get("/articles/tscm-car-t-first-in-human/")
    html = response.content.decode()
    meter = response.context["meter"]
    assert sum(row.contribution for row in meter.rows) == meter.score
    assert f'class="meter__number">{meter.score}<' in html
    assert "Sources on file: <strong>1</strong>" in html
    assert "Average trust: <strong>95/100</strong>" in html
    assert "5–10 years" in html
    assert 'href="/sources/nature/"' in html


def test_every_story_has_a_question_and_some_are_resolved_with_real_outcomes():
    from predictions.models import Forecast, Question

    assert Question.objects.count() == Article.objects.count()
    outcomes = dict(Question.objects.resolved().values_list("slug", "resolution"))
    assert outcomes["lk-99-confirmed-by-end-of-2023"] == "no"
    assert outcomes["lecanemab-traditional-approval-2023"] == "yes"
    assert not Forecast.objects.exists(), "fixtures hold no invented reader activity"
    tscm = Question.objects.get(article__slug="tscm-car-t-first-in-human")
    assert "<strong>Yes</strong>" in tscm.criteria_html


def test_demo_forecasts_are_labelled_replaceable_and_scored(client):
    from django.core.management import call_command

    from predictions.models import Forecast, Score

    call_command("seed_demo_forecasts", readers=10, stdout=StringIO())
    call_command("seed_demo_forecasts", readers=10, stdout=StringIO())
    assert Forecast.objects.exclude(reader_id__startswith="demo-").count() == 0
    assert Score.objects.filter(question__slug="lk-99-confirmed-by-end-of-2023").count() == 10
    page = client.get("/predictions/lk-99-confirmed-by-end-of-2023/").content.decode()
    assert "Resolved <strong>No</strong>" in page
    assert "10 forecasters scored" in page and "synthetic demo forecasters" in page


def test_reloading_keeps_topic_weights_and_invents_no_score_history():
    from predictions import services
    from predictions.services import settling
    from trust.models import TrustScoreChange

    article = Article.objects.get(slug="tscm-car-t-first-in-human")
    services.cast_read(article=article, reader_id="r1", choice="promising")
    settling.settle()
    weights = topic_interests("slug")
    history = TrustScoreChange.objects.count()
    story_history = list(ScoreChange.objects.values_list("pk", "score", "state"))
    notes = list(Correction.objects.values_list("pk", "made_at"))

    load_site_content()

    assert topic_interests("slug") == pytest.approx(weights)
    assert weights["cancer"] > 0
    assert TrustScoreChange.objects.count() == history
    assert list(ScoreChange.objects.values_list("pk", "score", "state")) == story_history
    assert list(Correction.objects.values_list("pk", "made_at")) == notes


def test_every_story_has_a_score_history_ending_at_its_score():
    from trust.models import Assessment

    for assessment in Assessment.objects.select_related("article"):
        changes = list(ScoreChange.objects.filter(article=assessment.article))
        assert changes, assessment.article.slug
        assert changes[0].changed_at <= assessment.article.published_at
        assert changes[-1].score == assessment.score, assessment.article.slug
        assert changes[-1].state is not None


def test_follow_up_threads_link_both_ways_and_carry_their_history(client):
    threads = [
        (
            "lk-99-room-temperature-superconductor-claim",
            "lk-99-superconductor-claim-fails-replication",
        ),
        ("lecanemab-accelerated-approval-alzheimers", "lecanemab-traditional-approval-alzheimers"),
    ]
    for first, follow_up in threads:
        earlier, later = Article.objects.get(slug=first), Article.objects.get(slug=follow_up)
        assert later.follows_up == earlier
        first_page = client.get(earlier.get_absolute_url()).content.decode()
        assert "Followed by:" in first_page and later.get_absolute_url() in first_page
        later_page = client.get(later.get_absolute_url()).content.decode()
        assert "Update to:" in later_page and earlier.get_absolute_url() in later_page
        assert ScoreChange.objects.filter(article=earlier).count() >= 2
        assert "How this score changed" in first_page


def test_the_retracted_lutetium_hydride_paper_is_flagged_and_no_longer_counts(client):
    from trust.models import Citation

    retracted = Citation.objects.get(doi="10.1038/s41586-023-05742-0")
    assert retracted.status == Citation.Status.RETRACTED
    html = client.get(retracted.article.get_absolute_url()).content.decode()
    assert "Notice on a source of this story" in html
    assert "it no longer counts as evidence in the reality meter" in html
    assert "Citation now retracted" in html


def test_each_committed_figure_is_the_drawing_of_its_numbers():
    drawn = {chart.name: draw_figures.svg(chart) for chart in draw_figures.charts()}
    committed = {path.stem: path.read_text() for path in draw_figures.OUT.glob("*.svg")}
    assert drawn == committed
