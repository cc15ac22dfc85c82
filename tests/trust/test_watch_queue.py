"""The editors' queue of the citation watch in the admin (trust/admin_watch.py): pending
findings first with their evidence, a page per finding to accept or dismiss it, and
nothing for anyone but editors."""

from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from tests import query_budgets
from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from trust import watch
from trust.models import Citation, FalsifiableStatement, ScoreChange, WatchFinding

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:trust_watchfinding_changelist")


def page_of(finding):
    return reverse("admin:trust_watchfinding_change", args=[finding.pk])


def make_finding(citation, **overrides):
    fields = {
        "kind": WatchFinding.Kind.RETRACTION,
        "notice_doi": f"10.1000/notice.{citation.pk}",
        "notice_url": f"https://doi.org/10.1000/notice.{citation.pk}",
        "notice_date": date(2023, 11, 7),
        "record_source": watch.RECORD_PUBLISHER,
        "detail": "Retraction notice of 7 November 2023.",
    }
    return WatchFinding.objects.create(citation=citation, **(fields | overrides))


@pytest.fixture
def story():
    """A story resting on a trial (trust 100) and a small study (trust 60), scored 60,
    with two statements of what would change its score."""
    criteria = make_criteria()
    article = make_article(headline="A trial of a new drug")
    cite(article, make_source(meets=criteria), title="The big trial", doi="10.1000/big.1")
    cite(article, make_source(meets=criteria[:1]), title="The small study", doi="10.1000/small.2")
    make_meter(article, values=[40, None], weights=[50, 50])
    FalsifiableStatement.objects.create(
        article=article, position=1, text="An independent lab replicates the effect."
    )
    FalsifiableStatement.objects.create(
        article=article, position=2, text="A phase 3 trial reports fewer deaths."
    )
    return article


def findings_on_stories(count):
    made = []
    for number in range(count):
        article = make_article()
        citation = cite(article, make_source(), doi=f"10.1000/work.{number}")
        FalsifiableStatement.objects.create(article=article, text=f"Statement {number}.")
        made.append(make_finding(citation, state="dismissed" if number % 2 else "pending"))
    return made


def test_the_queue_and_its_pages_are_for_editors_only(client, story):
    finding = make_finding(story.citations.first())
    for path in [QUEUE, page_of(finding)]:
        assert client.get(path).status_code == 302
    client.force_login(User.objects.create_user("staffer", is_staff=True))
    for path in [QUEUE, page_of(finding)]:
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(page_of(finding), {"_dismiss": "1", "dismiss-reason": "No."})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.state == "pending"


def test_the_editors_group_may_see_and_decide_findings_but_not_add_or_delete_them(editor):
    codenames = set(
        Group.objects.get(name="Editors")
        .permissions.filter(content_type__model="watchfinding")
        .values_list("codename", flat=True)
    )
    assert codenames == {"view_watchfinding", "change_watchfinding"}


def test_the_queue_lists_pending_findings_first_with_their_evidence(
    client, editor, story, django_assert_num_queries
):
    older = make_finding(story.citations.get(title="The big trial"))
    dismissed = make_finding(story.citations.get(title="The small study"), state="dismissed")
    newer = make_finding(
        story.citations.get(title="The small study"),
        kind=WatchFinding.Kind.CONCERN,
        detail="Expression of concern notice of 2 June 2020.",
    )

    with django_assert_num_queries(query_budgets.WATCH_QUEUE):
        response = client.get(QUEUE)

    html = response.content.decode()
    assert "Citation watch: findings for the editors" in html
    rows = [html.index(f'href="{page_of(f)}') for f in [newer, older, dismissed]]
    assert rows == sorted(rows)  # pending (newest first), then the decided ones
    assert '<a href="https://doi.org/10.1000/notice.' in html
    assert f'href="{reverse("admin:articles_article_change", args=[story.pk])}"' in html
    assert '<a href="https://doi.org/10.1000/big.1">10.1000/big.1</a>' in html
    assert "Publisher (via Crossref)" in html
    assert "<li>An independent lab replicates the effect.</li>" in html
    assert "<li>A phase 3 trial reports fewer deaths.</li>" in html


def test_the_queue_asks_as_much_for_thirty_findings_as_for_three(
    client, editor, django_assert_num_queries
):
    findings_on_stories(30)
    with django_assert_num_queries(query_budgets.WATCH_QUEUE):
        response = client.get(QUEUE)
    assert response.content.decode().count("<li>Statement ") == 30


def test_the_queue_filters_by_state_and_kind(client, editor, story):
    pending = make_finding(story.citations.first())
    dismissed = make_finding(story.citations.last(), state="dismissed")
    html = client.get(QUEUE, {"state__exact": "dismissed"}).content.decode()
    assert page_of(dismissed) in html and page_of(pending) not in html
    html = client.get(QUEUE, {"kind__exact": "concern"}).content.decode()
    assert page_of(dismissed) not in html and page_of(pending) not in html
    assert client.get(QUEUE, {"state__exact": "<script>"}).status_code == 200


def test_findings_are_never_added_or_deleted_by_hand(client, editor, story):
    finding = make_finding(story.citations.first())
    assert client.get(reverse("admin:trust_watchfinding_add")).status_code == 403
    delete = reverse("admin:trust_watchfinding_delete", args=[finding.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert WatchFinding.objects.filter(pk=finding.pk).exists()


def test_the_finding_page_shows_the_evidence_and_what_accepting_does(client, editor, story):
    finding = make_finding(story.citations.get(title="The big trial"))
    html = client.get(page_of(finding)).content.decode()
    assert "Retraction notice of 7 November 2023." in html
    assert f'<a href="https://doi.org/10.1000/notice.{finding.citation.pk}">' in html
    assert "Publisher (via Crossref)" in html
    assert "<li>An independent lab replicates the effect.</li>" in html
    assert "the story is scored again (60 → 50)" in html
    assert 'name="accept-note"' in html and 'name="dismiss-reason"' in html


def test_an_editor_accepts_a_retraction_on_its_page(client, editor, story):
    finding = make_finding(story.citations.get(title="The big trial"))
    response = client.post(
        page_of(finding), {"_accept": "Accept", "accept-note": "The data could not be verified."}
    )
    assert response.status_code == 302 and response["Location"] == QUEUE
    finding.refresh_from_db()
    assert (finding.state, finding.decided_by) == ("accepted", editor)
    citation = Citation.objects.get(pk=finding.citation_id)
    assert (citation.status, citation.status_note) == (
        "retracted",
        "The data could not be verified.",
    )
    story.assessment.refresh_from_db()
    assert story.assessment.score == 50
    latest = ScoreChange.objects.filter(article=story).latest("changed_at")
    assert "Accepted by an editor from the citation watch" in latest.reason

    html = client.get(page_of(finding)).content.decode()
    assert "Accepted by editor on" in html
    assert 'name="_accept"' not in html
    assert (
        "Notice on a source of this story" in client.get(story.get_absolute_url()).content.decode()
    )


def test_dismissing_on_the_page_needs_a_reason(client, editor, story):
    finding = make_finding(story.citations.first())
    response = client.post(page_of(finding), {"_dismiss": "Dismiss", "dismiss-reason": " "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html and "This field is required." in html
    finding.refresh_from_db()
    assert finding.state == "pending"

    response = client.post(
        page_of(finding), {"_dismiss": "Dismiss", "dismiss-reason": "Same title, other paper."}
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert (finding.state, finding.decision_reason) == ("dismissed", "Same title, other paper.")
    assert Citation.objects.get(pk=finding.citation_id).status == "standing"
    html = client.get(page_of(finding)).content.decode()
    assert "Dismissed by editor on" in html and "Same title, other paper." in html


def test_a_decision_posted_twice_is_refused_with_a_sentence(client, editor, story):
    finding = make_finding(story.citations.first())
    client.post(page_of(finding), {"_dismiss": "Dismiss", "dismiss-reason": "Not ours."})
    response = client.post(page_of(finding), {"_accept": "Accept", "accept-note": ""})
    assert response.status_code == 200
    assert "This finding was already dismissed by editor on" in response.content.decode()
    finding.refresh_from_db()
    assert finding.state == "dismissed"


def test_accepting_a_published_version_asks_which_source_published_it(client, editor, story):
    preprint = story.citations.get(title="The small study")
    journal = make_source(name="The Journal")
    finding = make_finding(
        preprint,
        kind=WatchFinding.Kind.PUBLISHED,
        notice_doi="10.1000/published.1",
        notice_url="https://doi.org/10.1000/published.1",
        record_source=watch.RECORD_CROSSREF,
        detail="Published in The Journal on 7 November 2023 as 10.1000/published.1.",
    )
    html = client.get(page_of(finding)).content.decode()
    assert 'name="accept-source"' in html and 'name="accept-note"' not in html

    response = client.post(page_of(finding), {"_accept": "Accept", "accept-source": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(page_of(finding), {"_accept": "Accept", "accept-source": journal.pk})
    assert response.status_code == 302
    preprint.refresh_from_db()
    assert (preprint.doi, preprint.source) == ("10.1000/published.1", journal)


def test_a_missing_finding_goes_back_to_the_queue(client, editor):
    response = client.get(reverse("admin:trust_watchfinding_change", args=[999999]))
    assert response.status_code == 302
