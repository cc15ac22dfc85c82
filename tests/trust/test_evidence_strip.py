"""Issue 34: the evidence at a glance in every story's header, above the first paragraph.

The meter used to appear only after both sections of the story. The strip gives the
reality score with its band, the evidence stage, the time horizon, the sources in brief,
a flag for a retraction or a correction, and "Why this score?", which jumps to the
breakdown. It reads what the evidence panels load, so the page runs no more queries.
"""

import re

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Correction
from tests import query_budgets
from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from trust.models import Citation
from trust.services import mark_citation

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored_article():
    """Score 31 (Early signal): values 45, (50), 10, 25, 20 at weights 30, 15, 20, 20, 15,
    the 50 being the mean trust of its two sources, 95 and 5."""
    criteria = make_criteria((95, 5))
    article = make_article(headline="Stem-like T cells in a first trial")
    cite(article, make_source(name="Nature", meets=criteria[:1]))
    cite(article, make_source(name="A preprint server", meets=criteria[1:]))
    make_meter(article, values=[45, None, 10, 25, 20], weights=[30, 15, 20, 20, 15])
    return article


def score_in(html):
    return int(re.search(r'class="glance__number">(\d+)<', html).group(1))


def strip_of(html):
    """The strip's HTML, checked to sit in the story's header, before the first section."""
    start = html.index('<header class="story__header">')
    header = html[start : html.index("</header>", start)]
    assert start < html.index("data-story-part")
    match = re.search(r'<section class="glance".*?</section>', header, re.S)
    assert match, "no evidence strip in the story's header"
    return match.group(0)


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_strip_gives_the_evidence_at_a_glance_in_the_header(client, scored_article):
    html = client.get(scored_article.get_absolute_url()).content.decode()
    strip = strip_of(html)
    text = text_of(strip)
    assert "Reality score 31 /100 Early signal" in text
    assert f'class="meter__number">{score_in(strip)}<' in html  # the meter's own score
    assert "badge--early-signal" in strip
    assert "Evidence stage: First in humans, phase I" in text
    assert "Time horizon: 5–10 years" in text
    assert '<a href="#sources">2 sources, average trust 50</a>' in strip
    # "Why this score?" jumps into the breakdown, which this page draws further down.
    assert '<a class="glance__why" href="#breakdown-caption">Why this score?</a>' in strip
    assert html.index('id="breakdown-caption"') > html.index("</header>")
    assert "glance__flags" not in strip


def test_a_story_not_yet_scored_says_so_and_points_to_the_meter(client):
    article = make_article()
    strip = strip_of(client.get(article.get_absolute_url()).content.decode())
    assert "not yet scored" in strip
    assert '<a class="glance__why" href="#reality">Why no score?</a>' in strip
    assert "No sources on file yet" in strip
    assert "Evidence stage" not in strip


def test_a_retracted_source_is_flagged(client, scored_article):
    mark_citation(
        citation=scored_article.citations.last(),
        status=Citation.Status.RETRACTED,
        notice_date=timezone.now().date(),
        reason="The cited paper was retracted",
    )
    html = client.get(scored_article.get_absolute_url()).content.decode()
    strip = strip_of(html)
    assert (
        '<a class="glance__flag" href="#citation-notices-heading">'
        "A cited source was retracted</a>" in strip
    )
    assert 'id="citation-notices-heading"' in html


def test_a_correction_is_flagged_and_an_update_is_not(client, scored_article):
    Correction.objects.create(
        article=scored_article, kind=Correction.Kind.UPDATE, note="A later trial reported."
    )
    assert "glance__flags" not in strip_of(
        client.get(scored_article.get_absolute_url()).content.decode()
    )
    Correction.objects.create(
        article=scored_article, kind=Correction.Kind.CORRECTION, note="The dose was 10 mg."
    )
    html = client.get(scored_article.get_absolute_url()).content.decode()
    assert (
        '<a class="glance__flag" href="#corrections-heading">This story has been corrected</a>'
        in strip_of(html)
    )
    assert 'id="corrections-heading"' in html


def test_a_part_read_alone_leads_to_the_evidence_part(client, scored_article):
    url = scored_article.get_absolute_url()
    for part in ("explanation", "technical"):
        strip = strip_of(client.get(f"{url}?part={part}").content.decode())
        assert 'href="?part=evidence#breakdown-caption">Why this score?' in strip
        assert 'href="?part=evidence#sources">2 sources' in strip
    strip = strip_of(client.get(f"{url}?part=evidence").content.decode())
    assert 'href="#breakdown-caption">Why this score?' in strip


def test_the_strip_adds_no_query_to_the_story_page(
    client, scored_article, django_assert_num_queries
):
    Correction.objects.create(article=scored_article, note="The dose was 10 mg.")
    mark_citation(
        citation=scored_article.citations.first(),
        status=Citation.Status.CONCERN,
        reason="An expression of concern",
    )
    with django_assert_num_queries(query_budgets.ARTICLE_PAGE):
        html = client.get(scored_article.get_absolute_url()).content.decode()
    assert "A cited source carries an expression of concern" in strip_of(html)


def test_a_rescoring_shows_in_the_strip_of_a_kept_page(
    scored_article, django_capture_on_commit_callbacks
):
    """The strip is part of the story's kept part (core/fragments.py), which a rescoring
    renews."""
    url = scored_article.get_absolute_url()
    for _ in range(3):
        before = strip_of(Client().get(url).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        mark_citation(
            citation=scored_article.citations.last(),
            status=Citation.Status.RETRACTED,
            reason="The cited paper was retracted",
        )
    after = strip_of(Client().get(url).content.decode())
    assert "A cited source was retracted" in after and "retracted" not in before
    assert (score_in(before), score_in(after)) == (31, 38)
