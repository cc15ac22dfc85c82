"""The citation watch: what happened to the cited works after a story went out, put in
front of an editor, who decides.

``watch_citations`` looks up every cited DOI at Crossref (trust/crossref.py), one fresh
lookup per distinct DOI, least recently looked-up first, and records each notice it has
not seen as a pending ``WatchFinding``: a retraction, a withdrawal, an expression of
concern, a correction (Crossref's ``updated-by``, from the publisher's own record or from
Retraction Watch's, which Crossref carries), a preprint now published (its
``is-preprint-of`` relation) or a new version. manage.py import_retractions feeds the
same queue from Retraction Watch's CSV (``record``).

Nothing here changes what readers see. An editor accepts a finding (``accept``: the
citation's status, or the version it cites, changes; the story is scored again by the
rule the methodology page states, its score history gets the finding as the reason, and
its pages are purged) or dismisses it with a reason (``dismiss``).

What is not news is not recorded: a notice already recorded for the citation (whatever
an editor decided), a status the citation already has, or a notice older than the one
the citation already carries (the latest notice counts, as in the CSV import). So a
second run finds nothing new.
"""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from trust import arxiv, crossref, rubric, services
from trust.models import DOI_FORMAT, Assessment, Citation, ComponentScore, WatchFinding

logger = logging.getLogger(__name__)

Kind = WatchFinding.Kind

RECORD_PUBLISHER = "Publisher (via Crossref)"
RECORD_RETRACTION_WATCH = "Retraction Watch (via Crossref)"
RECORD_RETRACTION_WATCH_CSV = "Retraction Watch (CSV)"
RECORD_CROSSREF = "Crossref"
RECORD_ARXIV = "arXiv"
# Who recorded an update (``Update.source``), as the queue names the source of the record.
RECORD_SOURCES = {
    "publisher": RECORD_PUBLISHER,
    "retraction-watch": RECORD_RETRACTION_WATCH,
    "arxiv": RECORD_ARXIV,
}

# Crossref's update types (as trust/works.py names them) that the watch reports, and
# the words its finding uses. A partial retraction leaves the rest of the work standing,
# as a correction does; a removal (for legal reasons) takes the work off the record, as a
# withdrawal does. Other updates (addenda, clarifications, new editions) are not reported,
# nor arXiv's later versions, which share the paper's one DOI (a new version is reported
# when it has a DOI of its own; an arXiv withdrawal is reported).
UPDATE_KINDS = {
    "retraction": (Kind.RETRACTION, "Retraction"),
    "partial_retraction": (Kind.CORRECTION, "Partial retraction"),
    "withdrawal": (Kind.WITHDRAWAL, "Withdrawal"),
    "removal": (Kind.WITHDRAWAL, "Removal"),
    "concern": (Kind.CONCERN, "Expression of concern"),
    "correction": (Kind.CORRECTION, "Correction"),
    "reinstatement": (Kind.REINSTATEMENT, "Reinstatement"),
    "new_version": (Kind.NEW_VERSION, "New version"),
}
# Failed lookups in a row (not "no such work") after which the index is taken to be down
# or refusing us, and the run stops rather than wait out every timeout.
FAILURES_IN_A_ROW = 3
# The citation's status once an editor accepts a notice of each kind. A withdrawn work
# is no longer the record, like a retracted one: it no longer counts as evidence.
STATUS_OF_NOTICE = {
    Kind.RETRACTION: rubric.RETRACTED,
    Kind.WITHDRAWAL: rubric.RETRACTED,
    Kind.CONCERN: rubric.CONCERN,
    Kind.CORRECTION: rubric.CORRECTED,
    Kind.REINSTATEMENT: rubric.STANDING,
}


@dataclass(frozen=True)
class Notice:
    """What a record says about one cited work, before it is a finding."""

    kind: str
    notice_doi: str
    notice_date: object  # a date, or None
    record_source: str
    detail: str

    @property
    def notice_url(self):
        return f"https://doi.org/{self.notice_doi}" if self.notice_doi else ""


def day(date):
    return f"{date.day} {date:%B %Y}"


def usable_doi(value):
    """``value`` when it is a DOI the site may link to (DOI_FORMAT), else ''."""
    value = (value or "").strip()
    try:
        DOI_FORMAT(value)
    except ValidationError:
        return ""
    return value.lower()


def later_than_status(citation, date):
    """Whether a notice dated ``date`` could still be news for ``citation``: it carries
    no notice, or an older one (an undated notice is never taken as older)."""
    current = citation.status_date
    return citation.status == rubric.STANDING or current is None or date is None or date >= current


def is_news(citation, notice):
    """A notice the citation does not already reflect (the database's unique constraint
    keeps one finding per citation, kind and notice DOI; this says the rest)."""
    status = STATUS_OF_NOTICE.get(notice.kind)
    if status is not None:
        return citation.status != status and later_than_status(citation, notice.notice_date)
    return bool(notice.notice_doi) and notice.notice_doi != citation.doi.strip().lower()


def record(citation, notice):
    """The new pending finding for ``notice`` on ``citation``, or None when it is not news
    or was recorded before (in any state)."""
    if not is_news(citation, notice):
        return None
    finding, created = WatchFinding.objects.get_or_create(
        citation=citation,
        kind=notice.kind,
        notice_doi=notice.notice_doi,
        defaults={
            "notice_date": notice.notice_date,
            "notice_url": notice.notice_url,
            "record_source": notice.record_source[:40],
            "detail": notice.detail[:400],
        },
    )
    return finding if created else None


def update_notices(work):
    """The notices among a Crossref work's updates, one per kind and notice DOI; where
    the publisher and Retraction Watch both record a notice, the publisher's record is
    named and Retraction Watch's mentioned."""
    by_notice = {}
    for update in work.updates:
        if update.kind in UPDATE_KINDS:
            kind, _ = UPDATE_KINDS[update.kind]
            by_notice.setdefault((kind, usable_doi(update.notice_doi)), []).append(update)
    notices = []
    for (kind, doi), updates in by_notice.items():
        updates.sort(key=lambda update: update.source != "publisher")
        first = updates[0]
        watchers = [u for u in updates if u.source == "retraction-watch"]
        words = UPDATE_KINDS[first.kind][1]
        if kind == Kind.NEW_VERSION:
            detail = f"A new version of this work: {doi or 'no DOI given'}"
            detail += f", of {day(first.date)}." if first.date else "."
        else:
            detail = f"{words} notice" + (f" of {day(first.date)}." if first.date else ".")
        if watchers and first.source == "publisher":
            detail += " Retraction Watch records it too" + (
                f" (record {watchers[0].record_id})." if watchers[0].record_id else "."
            )
        source = RECORD_SOURCES.get(first.source, RECORD_CROSSREF)
        notices.append(Notice(kind, doi, first.date, source, detail))
    return notices


def published_notices(work):
    """A preprint now published: a notice per published version, saying where when the
    published work can be looked up (an answer the client may already hold). Also
    returns the lookup that Crossref refused for now, if any (see watch_citations)."""
    notices, refusal = [], None
    index = RECORD_ARXIV if arxiv.DOI.match(work.doi) else RECORD_CROSSREF
    for value in work.published_as:
        doi = usable_doi(value)
        if not doi:
            continue
        where, date = "", None
        if refusal is None:
            try:
                published = crossref.fetch_work(doi)
            except crossref.LookupFailed as failure:
                refusal = failure if failure.retry_after is not None else None
            else:
                where = f" in {published.container}" if published.container else ""
                date = published.published_on
        detail = f"Published{where}" + (f" on {day(date)}" if date else "") + f" as {doi}."
        notices.append(Notice(Kind.PUBLISHED, doi, date, index, detail))
    return notices, refusal


@dataclass
class WatchRun:
    """What one run of the watch did, for the command's summary and the job's log."""

    works: int = 0
    citations: int = 0
    findings: list = field(default_factory=list)
    failures: list = field(default_factory=list)  # (DOI, the client's sentence)
    retry_after: int | None = None  # Crossref asked us to stop for this many seconds
    stopped: str = ""  # why the run stopped early, if it did
    left: int = 0  # DOIs not looked up because of it

    def summary(self):
        lines = [
            f"Looked up {self.works} work{'s' if self.works != 1 else ''} cited "
            f"{self.citations} time{'s' if self.citations != 1 else ''}; "
            f"{len(self.findings)} new finding{'s' if len(self.findings) != 1 else ''} "
            f"for the editors; {len(self.failures)} lookup"
            f"{'s' if len(self.failures) != 1 else ''} failed."
        ]
        lines += [
            f"  {finding.get_kind_display()}: {finding.citation}" for finding in self.findings
        ]
        lines += [f"  Not looked up: {doi}: {sentence}" for doi, sentence in self.failures]
        if self.stopped:
            lines.append(
                f"Stopped with {self.left} work{'s' if self.left != 1 else ''} left to look "
                f"up: {self.stopped}"
            )
        return "\n".join(lines)

    def stop(self, why, *, left, retry_after=None):
        self.stopped, self.left, self.retry_after = why, left, retry_after


def what_failed(failure):
    """The client's sentence without its advice to an editor filling a form."""
    return failure.sentence.split("; ")[0].rstrip(".") + "."


def waiting(failure):
    return f"Crossref asked us to wait {failure.retry_after} seconds; the job tries again then."


def cited_works(*, story=None):
    """{DOI: [its citations]}, the least recently looked-up work first."""
    citations = Citation.objects.exclude(doi="").order_by(
        F("watched_at").asc(nulls_first=True), "pk"
    )
    if story is not None:
        citations = citations.filter(article__slug=story)
    works = {}
    for citation in citations.select_related("article"):
        works.setdefault(citation.doi.strip().lower(), []).append(citation)
    return works


def watch_citations(*, story=None, limit=None):
    """Look up the cited works (of one story, by slug, or all; at most ``limit``) and
    record what is new about them. A failed lookup is logged and the run goes on; a
    refusal to answer for now (HTTP 429) stops the run, with its Retry-After in
    ``WatchRun.retry_after``."""
    works = list(cited_works(story=story).items())[:limit]
    run = WatchRun()
    failed_in_a_row = 0
    for index, (doi, citations) in enumerate(works):
        try:
            work = crossref.fetch_work(doi, fresh=True)
        except crossref.LookupFailed as failure:
            if failure.retry_after is not None:
                run.stop(waiting(failure), left=len(works) - index, retry_after=failure.retry_after)
                break
            logger.warning("Citation watch: %s not looked up: %s", doi, failure.sentence)
            run.failures.append((doi, what_failed(failure)))
            failed_in_a_row = 0 if failure.not_found else failed_in_a_row + 1
            notices, refusal = [], None
        else:
            failed_in_a_row = 0
            published, refusal = published_notices(work)
            notices = update_notices(work) + published
        with transaction.atomic():
            for citation in citations:
                run.findings += filter(None, (record(citation, n) for n in notices))
            Citation.objects.filter(pk__in=[c.pk for c in citations]).update(
                watched_at=timezone.now()
            )
        run.works += 1
        run.citations += len(citations)
        if refusal is not None:
            run.stop(waiting(refusal), left=len(works) - index - 1, retry_after=refusal.retry_after)
            break
        if failed_in_a_row == FAILURES_IN_A_ROW and index + 1 < len(works):
            run.stop(
                f"{FAILURES_IN_A_ROW} lookups in a row failed; the next run tries again.",
                left=len(works) - index - 1,
            )
            break
    for finding in run.findings:
        logger.info("Citation watch found: %s", finding)
    return run


def scores_on_accepting(finding):
    """(the story's score now, its score once the finding is accepted) for a notice, by
    the rule rescore_article applies; the second is the first for a version, whose
    effect depends on the source chosen."""
    article = finding.citation.article_id
    status = STATUS_OF_NOTICE.get(finding.kind)
    citations = Citation.objects.filter(article_id=article).values_list(
        "pk", "source_id", "source__trust_score", "status"
    )
    lent = rubric.lent_trusts(
        (source, trust, status if pk == finding.citation_id and status else current)
        for pk, source, trust, current in citations
    )
    trust_value = rubric.sources_component(lent)
    rows = ComponentScore.objects.filter(article_id=article).values_list(
        "value", "weight", "component__from_sources"
    )
    now = Assessment.objects.filter(article_id=article).values_list("score", flat=True).first()
    after = rubric.story_score(
        (trust_value if computed else value, weight) for value, weight, computed in rows
    )
    return now, after if status else now


def _decided(finding):
    when = timezone.localtime(finding.decided_at)
    who = finding.decided_by.get_username() if finding.decided_by else "an editor"
    return (
        f"This finding was already {finding.get_state_display().lower()} by {who} on {day(when)}."
    )


def _pending(finding):
    finding = (
        WatchFinding.objects.select_for_update(of=("self",))
        .select_related("citation__article", "decided_by")
        .get(pk=finding.pk)
    )
    if finding.state != WatchFinding.State.PENDING:
        raise ValidationError(_decided(finding))
    return finding


def score_reason(finding):
    """The reason the story's score history gives for an accepted finding."""
    what = finding.detail if finding.detail.endswith(".") else f"{finding.detail}."
    named = finding.notice_doi and finding.kind in STATUS_OF_NOTICE  # a version's detail names it
    notice = f", notice {finding.notice_doi}" if named else ""
    return (
        f"{what} Accepted by an editor from the citation watch; the record: "
        f"{finding.record_source}{notice}."
    )


def _cite_version(finding, citation, source):
    """Point ``citation`` at the version a finding names: its DOI, link and date; for a
    published preprint also its journal (``source``), kind and peer review."""
    citation.doi = finding.notice_doi
    citation.url = finding.notice_url
    citation.published_on = finding.notice_date or citation.published_on
    fields = ["doi", "url", "published_on"]
    if finding.kind == Kind.PUBLISHED:
        if source is None:
            raise ValidationError("Choose the source that published it.")
        citation.source = source
        citation.peer_review = Citation.PeerReview.REVIEWED
        if citation.kind == Citation.Kind.PREPRINT:
            citation.kind = Citation.Kind.PRIMARY_STUDY
        if citation.study_design == Citation.Design.PREPRINT:
            citation.study_design = ""
        fields += ["source", "peer_review", "kind", "study_design"]
    citation.full_clean()
    citation.save(update_fields=fields)
    services.rescore_article(article=citation.article, reason=score_reason(finding))


@transaction.atomic
def accept(*, finding, editor, note="", source=None):
    """An editor accepts a finding. A notice changes the citation's status (``note`` is
    what readers read beside it: by default the finding's detail); a published or new
    version becomes the work cited (``source``: the journal a preprint was published in).
    The story is scored again, its history records the finding as the reason, and its
    pages are purged on commit; the story's followers are told by the notices app, which
    hears the citation's new status and the score history's new row."""
    finding = _pending(finding)
    citation = Citation.objects.select_for_update().get(pk=finding.citation_id)
    status = STATUS_OF_NOTICE.get(finding.kind)
    if status is not None:
        if not later_than_status(citation, finding.notice_date):
            raise ValidationError(
                f"The citation already carries a later notice ({citation.get_status_display()}"
                f" on {day(citation.status_date)}): dismiss this one, saying so."
            )
        services.mark_citation(
            citation=citation,
            status=status,
            notice_date=finding.notice_date,
            note=(note or finding.detail).strip(),
            url=finding.notice_url,
            reason=score_reason(finding),
        )
    else:
        _cite_version(finding, citation, source)
    finding.state = WatchFinding.State.ACCEPTED
    finding.decided_at, finding.decided_by = timezone.now(), editor
    finding.save(update_fields=["state", "decided_at", "decided_by"])
    return finding


@transaction.atomic
def dismiss(*, finding, editor, reason):
    """An editor dismisses a finding, saying why. Nothing readers see changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why it is dismissed: the reason is kept with the finding.")
    finding = _pending(finding)
    finding.state = WatchFinding.State.DISMISSED
    finding.decided_at, finding.decided_by = timezone.now(), editor
    finding.decision_reason = reason[:300]
    finding.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])
    return finding
