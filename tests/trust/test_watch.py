"""The citation watch against a Crossref-compatible server (tests/trust/crossref_server.py,
real HTTP, the real client): what it finds goes to the editors' queue, and only an
editor's decision changes what readers see."""

import logging
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from notices.models import Event
from tests.factories import cite, make_article, make_criteria, make_meter, make_source
from tests.trust import crossref_server as served
from trust import watch
from trust.models import Citation, Criterion, ScoreChange, WatchFinding

pytestmark = pytest.mark.django_db

Kind, State = WatchFinding.Kind, WatchFinding.State


@pytest.fixture
def lutetium(crossref_server):
    """A story resting on the lutetium-hydride paper (trust 100) and a small study (trust
    60): source trust 80, a component at 40, score 60."""
    criteria = make_criteria()
    article = make_article(headline="Room-temperature superconductor claimed")
    cite(article, make_source(meets=criteria), title="Lu-H-N paper", doi=served.RETRACTED)
    cite(article, make_source(meets=criteria[:1]), title="Small study", doi="10.1000/small.2")
    make_meter(article, values=[40, None], weights=[50, 50])
    return article


@pytest.fixture
def desk():
    return User.objects.create_user("desk", is_staff=True)


def score_of(article):
    article.assessment.refresh_from_db()
    return article.assessment.score


def cites(doi, **fields):
    """A scored story citing ``doi`` from a source of trust 100."""
    article = make_article()
    criteria = list(Criterion.objects.all()) or make_criteria()
    citation = cite(article, make_source(meets=criteria), doi=doi, **fields)
    make_meter(article, values=[40, None], weights=[50, 50])
    return citation


def test_the_watch_queues_the_lutetium_hydride_retraction_without_the_csv(lutetium):
    run = watch.watch_citations()

    [finding] = run.findings
    assert (finding.kind, finding.state) == (Kind.RETRACTION, State.PENDING)
    assert finding.citation.doi == served.RETRACTED
    assert finding.notice_doi == served.RETRACTION_NOTICE
    assert finding.notice_url == f"https://doi.org/{served.RETRACTION_NOTICE}"
    assert finding.notice_date == date(2023, 11, 7)
    # The publisher and Retraction Watch both record it: one finding, naming both.
    assert finding.record_source == "Publisher (via Crossref)"
    assert finding.detail == (
        "Retraction notice of 7 November 2023. Retraction Watch records it too (record 48452)."
    )
    # Nothing public moved: the citation, the score and its history are as they were.
    citation = Citation.objects.get(doi=served.RETRACTED)
    assert citation.status == "standing"
    assert score_of(lutetium) == 60
    assert ScoreChange.objects.filter(article=lutetium).count() == 1
    # Both works were asked about, the one Crossref does not know too.
    assert not Citation.objects.filter(watched_at__isnull=True).exists()
    assert run.failures == [
        ("10.1000/small.2", "Crossref has no work with the DOI 10.1000/small.2.")
    ]
    assert run.summary().startswith(
        "Looked up 2 works cited 2 times; 1 new finding for the editors; 1 lookup failed."
    )


def test_running_it_twice_finds_nothing_new_whatever_was_decided(lutetium, desk, crossref_server):
    [finding] = watch.watch_citations().findings
    assert watch.watch_citations().findings == []
    watch.dismiss(finding=finding, editor=desk, reason="Checking with the desk.")
    assert watch.watch_citations().findings == []
    assert WatchFinding.objects.count() == 1
    assert len(crossref_server.requests_for(served.RETRACTED)) == 3  # each run asks afresh


def test_one_lookup_per_distinct_doi_and_a_finding_per_citation(crossref_server):
    first = cites(served.RETRACTED)
    second = cites(served.RETRACTED.upper())

    run = watch.watch_citations()

    assert len(crossref_server.requests_for(served.RETRACTED)) == 1
    assert {finding.citation for finding in run.findings} == {first, second}
    assert run.summary().startswith("Looked up 1 work cited 2 times; 2 new findings")


def test_a_status_the_citation_already_has_is_not_a_finding(crossref_server):
    cites(
        served.RETRACTED,
        status="retracted",
        status_date=date(2023, 11, 7),
        status_note="Retracted by Nature.",
    )
    assert watch.watch_citations().findings == []


def test_a_notice_older_than_the_one_the_citation_carries_is_not_a_finding(crossref_server):
    # The Wakefield paper: corrected in 2004, retracted in 2010 (Retraction Watch's records).
    citation = cites(served.CORRECTED)
    found = {f.kind: f for f in watch.watch_citations().findings}
    assert set(found) == {Kind.CORRECTION, Kind.RETRACTION}
    assert found[Kind.RETRACTION].record_source == "Retraction Watch (via Crossref)"
    assert found[Kind.RETRACTION].detail == "Retraction notice of 6 February 2010."

    WatchFinding.objects.all().delete()
    Citation.objects.filter(pk=citation.pk).update(status="retracted", status_date=date(2010, 2, 6))
    assert watch.watch_citations().findings == []  # the 2004 correction is old news


def test_an_expression_of_concern_then_the_retraction_that_followed(crossref_server):
    cites(served.CONCERN)
    [concern] = watch.watch_citations().findings
    assert (concern.kind, concern.notice_date) == (Kind.CONCERN, date(2020, 6, 2))
    assert concern.detail == "Expression of concern notice of 2 June 2020."

    crossref_server.answer(served.CONCERN, served.recorded("mehra-2020-lancet-retracted.json"))
    [retraction] = watch.watch_citations().findings
    assert retraction.kind == Kind.RETRACTION


def test_a_preprint_now_published_says_where(crossref_server):
    cites(served.PREPRINT, kind="preprint")
    [finding] = watch.watch_citations().findings
    assert finding.kind == Kind.PUBLISHED
    assert (finding.notice_doi, finding.notice_date) == (served.PUBLISHED, date(2020, 2, 3))
    assert finding.detail == f"Published in Nature on 3 February 2020 as {served.PUBLISHED}."
    assert finding.record_source == "Crossref"


def test_a_published_version_that_cannot_be_looked_up_is_still_reported(crossref_server):
    cites(served.PREPRINT, kind="preprint")
    crossref_server.answer(served.PUBLISHED, 404)
    [finding] = watch.watch_citations().findings
    assert finding.detail == f"Published as {served.PUBLISHED}."
    assert finding.notice_date is None


@pytest.mark.parametrize(
    ("doi", "sentence"),
    [
        ("10.1000/unknown.1", "Crossref has no work with the DOI 10.1000/unknown.1."),
        (served.SLOW, "Crossref did not answer within 2 seconds."),
        (served.MALFORMED, "Crossref sent an answer we could not read."),
    ],
)
def test_a_failed_lookup_is_logged_and_the_run_goes_on(crossref_server, caplog, doi, sentence):
    failing = cites(doi)
    cites(served.RETRACTED)
    with caplog.at_level(logging.WARNING, logger="trust.watch"):
        run = watch.watch_citations()
    assert run.failures == [(doi, sentence)]
    assert [finding.kind for finding in run.findings] == [Kind.RETRACTION]
    assert f"Citation watch: {doi} not looked up" in caplog.text
    failing.refresh_from_db()
    assert failing.watched_at is not None  # asked: the next run asks the others first
    assert not run.stopped


def test_a_429_stops_the_run_and_the_next_run_starts_where_it_stopped(crossref_server):
    limited = cites(served.RATE_LIMITED)
    later = cites(served.RETRACTED)

    run = watch.watch_citations()

    assert (run.retry_after, run.left, run.works) == (served.RETRY_AFTER, 2, 0)
    assert run.stopped == "Crossref asked us to wait 30 seconds; the job tries again then."
    assert crossref_server.requests_for(served.RETRACTED) == []  # not asked at all
    assert not Citation.objects.filter(watched_at__isnull=False).exists()
    assert "Stopped with 2 works left to look up: Crossref asked us to wait" in run.summary()

    crossref_server.answer(served.RATE_LIMITED, 404)
    Citation.objects.filter(pk=limited.pk).update(doi="10.1000/limited.1")
    assert [f.citation for f in watch.watch_citations(limit=1).findings] == []
    assert [f.citation for f in watch.watch_citations(limit=1).findings] == [later]


def test_three_failures_in_a_row_stop_the_run(crossref_server):
    for number in range(3):
        doi = f"10.5555/broken.{number}"
        crossref_server.answer(doi, served.Reply.text(500, "Oops"))
        cites(doi)
    cites(served.RETRACTED)

    run = watch.watch_citations()

    assert (run.works, len(run.failures), run.left) == (3, 3, 1)
    assert run.stopped == "3 lookups in a row failed; the next run tries again."
    assert run.retry_after is None
    assert crossref_server.requests_for(served.RETRACTED) == []


def test_one_story_or_a_few_works_at_a_time(crossref_server):
    only = cites(served.RETRACTED)
    cites(served.CONCERN)
    run = watch.watch_citations(story=only.article.slug)
    assert [finding.citation for finding in run.findings] == [only]
    assert crossref_server.requests_for(served.CONCERN) == []

    run = watch.watch_citations(limit=1)
    assert run.works == 1 and [f.kind for f in run.findings] == [Kind.CONCERN]


def test_accepting_the_retraction_moves_the_score_and_its_history_and_the_page(
    lutetium, desk, client
):
    [finding] = watch.watch_citations().findings
    watch.accept(finding=finding, editor=desk, note="Nature retracted it.")

    finding.refresh_from_db()
    assert (finding.state, finding.decided_by) == (State.ACCEPTED, desk)
    assert finding.decided_at is not None
    citation = finding.citation
    citation.refresh_from_db()
    assert (citation.status, citation.status_date) == ("retracted", date(2023, 11, 7))
    assert citation.status_note == "Nature retracted it."
    assert citation.status_url == f"https://doi.org/{served.RETRACTION_NOTICE}"
    assert score_of(lutetium) == 50  # source trust 60 alone: 20 + 30
    latest = ScoreChange.objects.filter(article=lutetium).latest("changed_at")
    assert latest.reason == (
        "Retraction notice of 7 November 2023. Retraction Watch records it too (record 48452). "
        "Accepted by an editor from the citation watch; the record: Publisher (via Crossref), "
        f"notice {served.RETRACTION_NOTICE}."
    )
    assert "Citation now retracted: Lu-H-N paper" in latest.changes
    assert "Reality score: 60 → 50/100" in latest.changes

    # The story's followers hear of it (notices/signals.py: a citation's new status).
    assert Event.objects.filter(article=lutetium, kind=Event.Kind.CITATION_NOTICE).exists()
    page = client.get(lutetium.get_absolute_url()).content.decode()
    assert "Notice on a source of this story" in page
    assert 'Retracted on <time datetime="2023-11-07">7 November 2023</time>' in page
    assert "Nature retracted it." in page


def test_the_scores_an_editor_is_shown_before_accepting(lutetium):
    [finding] = watch.watch_citations().findings
    assert watch.scores_on_accepting(finding) == (60, 50)


def test_a_finding_is_decided_once(lutetium, desk):
    [finding] = watch.watch_citations().findings
    watch.accept(finding=finding, editor=desk)
    with pytest.raises(ValidationError, match="already accepted by desk on"):
        watch.dismiss(finding=finding, editor=desk, reason="Second thoughts.")
    with pytest.raises(ValidationError, match="already accepted"):
        watch.accept(finding=finding, editor=desk)


def test_an_older_notice_cannot_undo_a_later_one(crossref_server, desk):
    cites(served.CORRECTED)
    found = {f.kind: f for f in watch.watch_citations().findings}
    watch.accept(finding=found[Kind.RETRACTION], editor=desk)
    with pytest.raises(ValidationError, match="already carries a later notice"):
        watch.accept(finding=found[Kind.CORRECTION], editor=desk)
    assert Citation.objects.get().status == "retracted"


def test_dismissing_needs_a_reason_and_changes_nothing_readers_see(lutetium, desk, client):
    [finding] = watch.watch_citations().findings
    before = client.get(lutetium.get_absolute_url()).content
    history = list(ScoreChange.objects.values_list("pk", flat=True))

    with pytest.raises(ValidationError, match="Say why it is dismissed"):
        watch.dismiss(finding=finding, editor=desk, reason="   ")
    watch.dismiss(finding=finding, editor=desk, reason="Another paper with the same title.")

    finding.refresh_from_db()
    assert (finding.state, finding.decided_by) == (State.DISMISSED, desk)
    assert finding.decision_reason == "Another paper with the same title."
    assert Citation.objects.get(doi=served.RETRACTED).status == "standing"
    assert score_of(lutetium) == 60
    assert list(ScoreChange.objects.values_list("pk", flat=True)) == history
    assert client.get(lutetium.get_absolute_url()).content == before


def test_accepting_a_published_version_cites_it_from_its_journal(crossref_server, desk):
    criteria = make_criteria()
    article = make_article()
    preprint = cite(
        article,
        make_source(meets=criteria[:1], name="bioRxiv"),
        doi=served.PREPRINT,
        kind="preprint",
        study_design="preprint",
        peer_review="not_reviewed",
    )
    make_meter(article, values=[40, None], weights=[50, 50])
    assert score_of(article) == 50  # 20 + 60 / 2
    nature = make_source(meets=criteria, name="Nature")
    [finding] = watch.watch_citations().findings

    with pytest.raises(ValidationError, match="Choose the source that published it"):
        watch.accept(finding=finding, editor=desk)
    watch.accept(finding=finding, editor=desk, source=nature)

    preprint.refresh_from_db()
    assert (preprint.doi, preprint.url) == (served.PUBLISHED, f"https://doi.org/{served.PUBLISHED}")
    assert (preprint.source, preprint.kind, preprint.peer_review) == (
        nature,
        "primary",
        "reviewed",
    )
    assert (preprint.published_on, preprint.study_design) == (date(2020, 2, 3), "")
    assert score_of(article) == 70  # 20 + 100 / 2
    latest = ScoreChange.objects.filter(article=article).latest("changed_at")
    assert latest.reason == (
        f"Published in Nature on 3 February 2020 as {served.PUBLISHED}. Accepted by an editor "
        "from the citation watch; the record: Crossref."
    )
    assert watch.watch_citations().findings == []  # the published work has no preprint of note


def test_an_arxiv_preprint_published_in_a_journal_is_reported_from_arxiv(crossref_server):
    cites(f"10.48550/arXiv.{served.ARXIV_PUBLISHED}", kind="preprint")
    cites(f"10.48550/arXiv.{served.ARXIV_PREPRINT}", kind="preprint")
    [finding] = watch.watch_citations().findings
    assert (finding.kind, finding.record_source) == (Kind.PUBLISHED, "arXiv")
    assert finding.notice_doi == "10.1103/physrevlett.116.061102"
    # Crossref's server does not know that DOI: where it was published is left out.
    assert finding.detail == "Published as 10.1103/physrevlett.116.061102."
