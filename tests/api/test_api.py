"""The read-only JSON API, through HTTP against the real database."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from core import httpcache
from predictions import services
from predictions.models import AggregatePoint, Question
from tests import query_budgets
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
    make_topic,
)

pytestmark = pytest.mark.django_db

LK99 = "lk-99-superconductor-claim-fails-replication"
TSCM = "tscm-car-t-first-in-human"


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response, response.json()


def test_every_answer_states_its_licence_and_version(client, fixture_content):
    for url in [
        reverse("api:index"),
        reverse("api:stories"),
        reverse("api:story", args=[LK99]),
        reverse("api:story_inputs", args=[LK99]),
        reverse("api:questions"),
        reverse("api:question", args=["lk-99-confirmed-by-end-of-2023"]),
        reverse("api:source", args=["nature"]),
    ]:
        _, body = get_json(client, url)
        assert body["api_version"] == "v1"
        assert body["licence"]["name"] == "CC BY 4.0"
        assert body["licence"]["url"] == "https://creativecommons.org/licenses/by/4.0/"


def test_story_list_is_paginated_newest_first(client, fixture_content):
    _, body = get_json(client, reverse("api:stories"))
    published = [story["published_at"] for story in body["results"]]
    assert published == sorted(published, reverse=True)
    assert body["count"] == len(body["results"]) and body["page"] == 1
    assert {"slug", "headline", "reality_score", "band", "url", "api_url"} <= set(
        body["results"][0]
    )


def test_story_list_pages_through_twenty_at_a_time(client):
    topic = make_topic()
    for _ in range(23):
        make_article(topics=[topic])
    _, first = get_json(client, reverse("api:stories"))
    assert (first["count"], first["pages"], len(first["results"])) == (23, 2, 20)
    assert first["previous"] is None and first["next"].endswith("?page=2")
    _, second = get_json(client, first["next"])
    assert len(second["results"]) == 3 and second["next"] is None
    assert not {s["slug"] for s in first["results"]} & {s["slug"] for s in second["results"]}


def test_story_list_filters_by_topic_and_by_band(client, fixture_content):
    _, body = get_json(client, reverse("api:stories"), topic="physics")
    assert body["results"] and all(
        "physics" in [topic["slug"] for topic in story["topics"]] for story in body["results"]
    )
    _, body = get_json(client, reverse("api:stories"), band="speculative")
    assert LK99 in [story["slug"] for story in body["results"]]
    assert all(0 <= story["reality_score"] <= 19 for story in body["results"])
    _, body = get_json(client, reverse("api:stories"), band="likely", topic="physics")
    assert all(60 <= story["reality_score"] <= 79 for story in body["results"])


@pytest.mark.parametrize(
    ("params", "sentence"),
    [
        ({"page": "two"}, "page must be a whole number."),
        ({"page": "0"}, "page must be 1 or more."),
        ({"page": "99"}, "There is only 1 page."),
        ({"band": "amazing"}, "band must be one of established, likely, plausible"),
        ({"topic": "no-such-topic"}, "No topic has that slug"),
        ({"sort": "score"}, "Unknown parameter sort: this list takes page, topic, band."),
    ],
)
def test_bad_list_parameters_get_a_json_400_with_a_plain_sentence(
    client, fixture_content, params, sentence
):
    response, body = get_json(client, reverse("api:stories"), status=400, **params)
    assert sentence in body["error"]
    assert "no-store" in response["Cache-Control"]


def test_unknown_objects_and_addresses_are_json_404s(client, fixture_content):
    for url in [
        reverse("api:story", args=["no-such-story"]),
        reverse("api:story_inputs", args=["no-such-story"]),
        reverse("api:question", args=["no-such-question"]),
        reverse("api:source", args=["no-such-source"]),
        "/api/v1/nothing-here/",
        "/api/v2/stories/",
    ]:
        _, body = get_json(client, url, status=404)
        assert body["error"]


def test_drafts_and_scheduled_stories_are_not_in_the_api(client):
    from django.utils import timezone

    draft = make_article(status="draft")
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    _, body = get_json(client, reverse("api:stories"))
    assert body["count"] == 0
    for article in (draft, scheduled):
        get_json(client, reverse("api:story", args=[article.slug]), status=404)


def test_story_has_metadata_score_inputs_sources_question_and_citation(client, fixture_content):
    _, body = get_json(client, reverse("api:story", args=[LK99]))
    story = body["story"]
    assert story["headline"].startswith("Copper sulfide, not superconductivity")
    score = story["score"]
    assert score["reality_score"] == 10 and score["band"]["slug"] == "speculative"
    assert sum(c["contribution"] for c in score["components"]) == 10
    assert sum(c["weight"] for c in score["components"]) == 100
    assert all(c["rationale"] for c in score["components"])
    assert {"slug": "arxiv"}.items() <= story["sources"][0].items() or story["sources"]
    assert all(len(source["criteria"]) > 0 for source in story["sources"])
    assert story["question"]["slug"] == "lk-99-confirmed-by-end-of-2023"
    assert story["question"]["resolution"]["outcome"] == "no"
    assert story["cite"]["plain_text"].startswith("Newsroom science desk (2023, 18 August).")
    assert story["cite"]["bibtex"].startswith("@online{newsroom-" + LK99)
    assert story["cite"]["csl_json"]["URL"] == story["url"]


def test_grade_reasons_are_exported_with_codes_and_labels(client):
    criteria = make_criteria((60, 40))
    article = make_article()
    cite(article, make_source(meets=criteria[:1]))
    make_meter(article, values=[50, None], weights=[70, 30])
    from trust.models import ComponentScore

    ComponentScore.objects.filter(article=article, value=50).update(
        concerns=["bias", "imprecision"]
    )
    _, body = get_json(client, reverse("api:story_inputs", args=[article.slug]))
    [concerned, from_sources] = body["inputs"]["score"]["components"]
    assert [reason["code"] for reason in concerned["grade_reasons"]] == ["bias", "imprecision"]
    assert concerned["grade_reasons"][1]["label"].startswith("Imprecise")
    assert from_sources["from_sources"] and from_sources["value"] == 60
    [source] = body["inputs"]["sources"]
    assert [verdict["met"] for verdict in source["criteria"]] == [True, False]

    response = client.get(reverse("api:story_inputs_csv", args=[article.slug]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    component = next(row for row in rows if row["part"] == "component")
    assert component["grade_reasons"].startswith("Risk of bias")


def test_inputs_csv_has_components_score_sources_and_verdicts(client, fixture_content):
    response = client.get(reverse("api:story_inputs_csv", args=[LK99]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'rel="license"' in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    parts = {row["part"] for row in rows}
    assert parts == {
        "component",
        "reality score",
        "source",
        "criterion",
        "citation",
        "statement",
        "score change",
    }
    total = next(row for row in rows if row["part"] == "reality score")
    assert total["value"] == "10" and total["band"] == "Speculative"
    assert sum(int(row["contribution"]) for row in rows if row["part"] == "component") == 10
    [first_scored] = [row for row in rows if row["part"] == "score change"]
    assert first_scored["value"] == "10" and first_scored["explanation"] == "First scored"
    assert first_scored["changed_at"].startswith("2023-08-18T")
    assert first_scored["evidence_stage"] == "Unconfirmed claim or idea (TRL 1–2)"


def test_questions_have_status_aggregate_daily_history_and_resolution(client, fixture_content):
    _, body = get_json(client, reverse("api:questions"))
    assert body["count"] == Question.objects.count()
    _, body = get_json(client, reverse("api:question", args=["lk-99-confirmed-by-end-of-2023"]))
    question = body["question"]
    assert question["status"]["slug"] == "resolved"
    assert question["resolution"]["label"] == "No"
    # Nobody forecast it: too few independent forecasters for a crowd, even resolved.
    assert question["crowd"]["visible"] is False
    assert isinstance(question["daily_history"], list)


def test_a_young_question_hides_its_crowd_as_the_page_does(client):
    question = make_question()
    services.submit_forecast(question=question, reader_id="a" * 32, probability=70)
    _, body = get_json(client, reverse("api:question", args=[question.slug]))
    assert body["question"]["crowd"] == {"visible": False, "shown_from_forecasters": 5}
    assert body["question"]["daily_history"] == []


def test_nothing_names_a_reader_or_an_individual_forecast(client, fixture_content):
    question = Question.objects.get(slug="tscm-therapy-approved-by-2030")
    reader = "r" * 32
    services.submit_forecast(question=question, reader_id=reader, probability=37)
    urls = [
        reverse("api:stories"),
        reverse("api:story", args=[TSCM]),
        reverse("api:questions"),
        reverse("api:question", args=[question.slug]),
        reverse("api:story_inputs_csv", args=[TSCM]),
    ]
    for url in urls:
        text = client.get(url).content.decode()
        assert reader not in text
        assert "reader" not in text and "handle" not in text


def test_source_has_score_verdicts_history_and_stories(client, fixture_content):
    _, body = get_json(client, reverse("api:source", args=["nature"]))
    source = body["source"]
    assert source["trust_score"] == sum(c["weight"] for c in source["criteria"] if c["met"])
    assert source["trust_history"] and source["stories"]


def test_answers_are_shared_cacheable_with_surrogate_keys_and_etags(client, fixture_content):
    response = client.get(reverse("api:story", args=[LK99]))
    assert "public" in response["Cache-Control"]
    # Kept until a question opens or closes at the latest, for hours at the most.
    s_maxage = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 60 < s_maxage <= httpcache.ACTIVITY_SECONDS
    assert f"story-{LK99}" in response["xkey"].split()
    again = client.get(reverse("api:story", args=[LK99]), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    source = client.get(reverse("api:source", args=["nature"]))
    assert "sources" in source["xkey"].split() and "s-maxage=600" in source["Cache-Control"]


def _many_stories(count):
    criteria = make_criteria((60, 40))
    topics = [make_topic(), make_topic()]
    articles = []
    for _ in range(count):
        article = make_article(topics=topics)
        for _ in range(3):
            cite(article, make_source(meets=criteria[:1]))
        make_meter(article, values=[40, None, 70], weights=[40, 30, 30])
        question = make_question(article)
        # A crowd old enough to show, with a few days of history, so the history is read.
        Question.objects.filter(pk=question.pk).update(forecasters=6, median=55.0)
        for day in range(3):
            AggregatePoint.objects.create(
                question=question,
                day=date(2026, 1, 1) + timedelta(days=day),
                forecasters=6,
                median=55.0,
            )
        articles.append(article)
    return articles


def test_query_counts_do_not_grow_with_stories_or_sources(client, django_assert_num_queries):
    articles = _many_stories(6)
    with django_assert_num_queries(query_budgets.API_STORY_LIST):
        client.get(reverse("api:stories"))
    with django_assert_num_queries(query_budgets.API_STORY):
        client.get(reverse("api:story", args=[articles[0].slug]))
    with django_assert_num_queries(query_budgets.API_STORY_INPUTS):
        client.get(reverse("api:story_inputs", args=[articles[0].slug]))
    with django_assert_num_queries(query_budgets.API_QUESTION_LIST):
        client.get(reverse("api:questions"))
    with django_assert_num_queries(query_budgets.API_QUESTION):
        client.get(reverse("api:question", args=[articles[0].question.slug]))
    source = articles[0].citations.first().source
    with django_assert_num_queries(query_budgets.API_SOURCE):
        client.get(reverse("api:source", args=[source.slug]))
