"""The front page: the lead with its art, the rest of page 1 in sections by topic, and
beside them the site's own modules (evidence that moved this week, questions closing soon,
recently resolved, what readers want covered), each fresh on the next request after what
it shows changes: a rescoring, a resolution, a new story."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Topic
from articles.selectors import front_page_sections
from articles.services import pin_lead
from core import activity_purges
from predictions import interest, services
from predictions.models import Question, TopicInterest
from predictions.services import settling
from tests import query_budgets
from tests.factories import make_article, make_question, make_topic
from trust.models import Citation, ScoreChange
from trust.services import mark_citation

pytestmark = pytest.mark.django_db

TSCM = "tscm-car-t-first-in-human"
TSCM_QUESTION = "tscm-therapy-approved-by-2030"


def front(**query):
    return Client().get(reverse("articles:front"), query)


def drawn_twice():
    """The front page rendered twice: its parts are kept from the second drawing on."""
    front()
    return front()


def section(response, heading_id):
    """The HTML of the page's section labelled by ``heading_id``."""
    html = response.content.decode()
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start : html.index("</section>", start)]


def s_maxage(response):
    return int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))


# The lead and its art


def test_a_lead_without_a_picture_has_its_score_drawn_large(fixture_content):
    lead = section(front(), "lead-heading")

    assert "Stem-like memory T cells put some blood-cancer patients" in lead
    assert "<picture" not in lead
    assert '<span class="lead-gauge__number">38</span>' in lead
    assert "Early signal" in lead


def test_a_pinned_lead_shows_its_picture_large_with_its_credit(fixture_content):
    pin_lead(article=Article.objects.get(slug="nif-fusion-ignition"))

    lead = section(front(), "lead-heading")

    assert 'href="/articles/nif-fusion-ignition/"' in lead
    assert "<picture" in lead and 'fetchpriority="high"' in lead
    assert 'alt="Bar chart: 2.05 megajoules of laser light went into the target' in lead
    assert "Newsroom graphic; data: Lawrence Livermore National Laboratory" in lead
    assert "lead-gauge" not in lead


# Sections by topic


def test_the_rest_of_page_one_is_in_sections_by_topic_each_story_once(fixture_content):
    response = front()

    sections = response.context["sections"]
    assert [section.topic.name for section in sections] == ["Medicine", "Materials", "Physics"]
    placed = [story.pk for section in sections for story in section.stories]
    assert sorted(placed) == sorted(story.pk for story in response.context["latest"])
    assert response.context["lead"].pk not in placed
    html = response.content.decode()
    for name, slug in [("Medicine", "medicine"), ("Materials", "materials")]:
        assert f'<a href="/topics/{slug}/">More in {name}</a>' in html
    # Each section opens with a story that has its picture.
    assert all(section.featured.lead_image for section in sections)


def test_a_story_goes_under_its_broadest_topic_and_shared_topics_share_out():
    broad, narrow, left, right = (make_topic(name=name) for name in "DCBA")
    now = timezone.now()
    stories = [
        make_article(topics=topics, published_at=now - timedelta(hours=hours))
        for hours, topics in enumerate(
            [[broad], [broad, narrow], [broad], [left, right], [left, right], []], start=1
        )
    ]
    listed = Article.objects.for_listing().order_by("-published_at")

    sections = front_page_sections(listed)

    assert [(section.topic, len(section.stories)) for section in sections] == [
        (broad, 3),  # the story in D and C goes under D, which has more of them
        (right, 1),  # A and B are as common: the first goes to A (by name) ...
        (left, 1),  # ... and the next to B, which had fewer
        (None, 1),
    ]
    assert sections[-1].stories == [stories[-1]]


def test_page_two_is_the_latest_list_without_sections():
    now = timezone.now()
    for hours in range(14):
        make_article(published_at=now - timedelta(hours=hours + 1))

    response = front(page=2)

    assert response.context["sections"] == []
    assert "front-section" not in response.content.decode()
    assert len(response.context["latest"]) == 2


def test_the_topics_beside_the_stories_give_their_story_counts(fixture_content):
    topics = section(front(), "topics-heading")

    medicine = Topic.objects.with_story_counts().get(slug="medicine").story_count
    count = f'<span class="front-topics__count">{medicine} stories</span>'
    assert f'<a href="/topics/medicine/">Medicine</a> {count}' in topics


# Evidence that moved this week


def test_evidence_that_moved_shows_the_latest_moves_when_none_moved_this_week(fixture_content):
    moves = section(front(), "moves-heading")

    assert "Nothing moved this week. The latest moves:" in moves
    assert "Korean researchers claim a room-temperature superconductor" in moves
    assert "Replication efforts found no superconductivity" in moves
    assert re.search(r'14</span> <span aria-hidden="true">→</span>.*?>10</strong>', moves)
    # A story's first scoring is not a move.
    assert "First scored" not in moves


def test_a_rescoring_shows_in_evidence_that_moved_on_the_next_front_page(
    fixture_content, django_capture_on_commit_callbacks
):
    drawn_twice()
    citation = Citation.objects.filter(article__slug=TSCM).first()

    with django_capture_on_commit_callbacks(execute=True):
        mark_citation(
            citation=citation,
            status=Citation.Status.RETRACTED,
            notice_date=timezone.localdate(),
            reason="The first-in-human trial report was retracted",
        )

    response = front()
    moves = section(response, "moves-heading")
    assert "Nothing moved this week" not in moves
    first = moves.split('<li class="move">')[1]
    assert f'href="/articles/{TSCM}/#score-history"' in first
    assert "The first-in-human trial report was retracted" in first
    new_score = ScoreChange.objects.filter(article__slug=TSCM).last().score
    assert f'<span class="lead-gauge__number">{new_score}</span>' in response.content.decode()


def test_a_move_leaving_the_week_takes_the_page_out_of_shared_caches_with_it(
    fixture_content, django_capture_on_commit_callbacks
):
    citation = Citation.objects.filter(article__slug=TSCM).first()
    with django_capture_on_commit_callbacks(execute=True):
        mark_citation(
            citation=citation,
            status=Citation.Status.CORRECTED,
            notice_date=timezone.localdate(),
            reason="Corrected",
        )
    ScoreChange.objects.filter(article__slug=TSCM, reason="Corrected").update(
        changed_at=timezone.now() - timedelta(days=7) + timedelta(seconds=90)
    )

    response = front()

    assert "Nothing moved this week" not in section(response, "moves-heading")
    assert s_maxage(response) <= 90


# Questions closing soon and recently resolved


def forecast(question, count, probability=70):
    for number in range(count):
        services.submit_forecast(
            question=question, reader_id=f"reader-{number}", probability=probability
        )
    settling.settle()


def test_questions_closing_soon_come_in_closing_order_with_the_crowd_once_shown(
    fixture_content, settings
):
    question = Question.objects.get(slug=TSCM_QUESTION)
    Question.objects.filter(pk=question.pk).update(closes_at=timezone.now() + timedelta(days=2))
    forecast(question, settings.FORECAST_REVEAL_MIN_FORECASTERS)

    response = front()

    closing = section(response, "closing-heading").split('<li class="front-question">')[1:]
    assert len(closing) == 3
    assert question.text in closing[0]
    assert f"{settings.FORECAST_REVEAL_MIN_FORECASTERS} forecasters, the crowd at" in closing[0]
    assert "<strong>70%</strong> yes" in closing[0]
    assert "no forecasts yet" in closing[1]
    assert all("Resolved" not in item for item in closing)


def test_the_crowd_of_an_open_question_waits_for_enough_forecasters(fixture_content, settings):
    question = Question.objects.get(slug=TSCM_QUESTION)
    Question.objects.filter(pk=question.pk).update(closes_at=timezone.now() + timedelta(days=2))
    forecast(question, settings.FORECAST_REVEAL_MIN_FORECASTERS - 1)

    closing = section(front(), "closing-heading")

    assert f"{settings.FORECAST_REVEAL_MIN_FORECASTERS - 1} forecasters" in closing
    assert "the crowd at" not in closing


def test_a_question_closing_takes_the_page_out_of_shared_caches_when_it_closes():
    make_question(closes_at=timezone.now() + timedelta(seconds=90))

    for response in (front(), drawn_twice(), front()):  # whole, then with the modules kept
        assert s_maxage(response) <= 90
        assert set(response["xkey"].split()) >= {"questions", "crowd", "stories", "topics"}


def test_kept_question_modules_show_new_forecasts_once_the_crowds_purge_is_sent(
    fixture_content, settings, django_capture_on_commit_callbacks
):
    question = Question.objects.get(slug=TSCM_QUESTION)
    Question.objects.filter(pk=question.pk).update(closes_at=timezone.now() + timedelta(days=2))
    drawn_twice()
    with django_capture_on_commit_callbacks(execute=True):
        forecast(question, settings.FORECAST_REVEAL_MIN_FORECASTERS)
    assert "the crowd at" not in section(front(), "closing-heading")  # kept until the purge

    activity_purges.send_due(now=time.time() + settings.ACTIVITY_PURGE_SECONDS + 1)

    assert "<strong>70%</strong> yes" in section(front(), "closing-heading")


def test_a_question_opening_takes_the_page_out_of_shared_caches_when_it_opens():
    now = timezone.now()
    make_question(opens_at=now + timedelta(seconds=90), closes_at=now + timedelta(days=30))

    assert s_maxage(front()) <= 90


def test_recently_resolved_questions_say_how_the_crowd_did(fixture_content):
    call_command("seed_demo_forecasts", readers=8, stdout=StringIO())
    latest = list(Question.objects.public().resolved().order_by("-resolved_at")[:3])

    resolved = section(front(), "resolved-heading").split('<li class="front-question">')[1:]

    assert len(resolved) == 3
    for question, item in zip(latest, resolved, strict=True):
        assert question.text.replace("'", "&#x27;") in item
        assert f"Resolved <strong>{question.get_resolution_display()}</strong>" in item
        crowd = floatformat(question.median, 0)
        assert f"The crowd's final forecast: <strong>{crowd}%</strong> yes" in item
        assert "(with demo forecasters)" in item
        leaned_yes = question.median > 50
        happened = question.resolution == Question.Resolution.YES
        assert ("the right way" if leaned_yes == happened else "the wrong way") in item


def test_a_question_nobody_forecast_says_so_when_resolved(fixture_content):
    resolved = section(front(), "resolved-heading")

    assert "Nobody forecast it." in resolved
    assert "final forecast" not in resolved


def test_a_resolution_shows_on_the_next_front_page(
    fixture_content, django_capture_on_commit_callbacks
):
    drawn_twice()
    question = Question.objects.public().open_now().order_by("closes_at").first()

    with django_capture_on_commit_callbacks(execute=True):
        services.resolve_question(question=question, resolution="no", note="It did not happen.")

    response = front()
    first = section(response, "resolved-heading").split('<li class="front-question">')[1]
    assert question.text in first and "Resolved <strong>No</strong>" in first
    assert question.text not in section(response, "closing-heading")


def test_a_new_story_leads_the_next_front_page(fixture_content, django_capture_on_commit_callbacks):
    drawn_twice()

    with django_capture_on_commit_callbacks(execute=True):
        make_article(headline="Today in materials", topics=[Topic.objects.get(slug="materials")])

    response = front()
    assert "Today in materials" in section(response, "lead-heading")
    sections = response.context["sections"]
    assert any(story.slug == TSCM for section in sections for story in section.stories)


# What readers want covered


def test_what_readers_want_covered_is_drawn_as_bars_not_weights(fixture_content):
    now = timezone.now()
    for slug, reads in [("physics", 4), ("medicine", 2), ("energy", 1)]:
        TopicInterest.objects.create(
            topic=Topic.objects.get(slug=slug), amount=reads * interest.read_interest(now)
        )

    wanted = section(front(), "wanted-heading")

    names = re.findall(r'<a href="/topics/[a-z-]+/">(\w+)</a>', wanted)
    assert names == ["Physics", "Medicine", "Energy"]
    assert re.findall(r'class="bar__fill" width="(\d+)"', wanted) == ["100", "50", "25"]
    assert "weight" not in wanted.lower()


def test_kept_wanted_topics_follow_new_reads_once_their_purge_is_sent(
    fixture_content, settings, django_capture_on_commit_callbacks
):
    drawn_twice()
    story = Article.objects.published().filter(topics__slug="energy").first()
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            services.cast_read(
                article=story, reader_id=f"reader-{number}", choice="promising",
                origin=f"10.0.0.{number}",
            )  # fmt: skip
    settling.settle()
    assert "Energy" not in section(front(), "wanted-heading")  # kept until the purge

    activity_purges.send_due(now=time.time() + settings.ACTIVITY_PURGE_SECONDS + 1)

    assert "Energy" in section(front(), "wanted-heading")


# What it costs


def test_the_front_page_costs_its_budget_whole_and_kept(fixture_content, django_assert_num_queries):
    call_command("seed_demo_forecasts", readers=8, stdout=StringIO())
    with django_assert_num_queries(query_budgets.FRONT_PAGE):
        whole = front()
    front()
    with django_assert_num_queries(query_budgets.FRONT_PAGE_KEPT):
        kept = front()
    assert kept.content == whole.content
