"""Retracted, corrected and concerning citations: the rule, the notices, and the import
of Retraction Watch's CSV into the editors' queue (trust/watch.py)."""

import csv
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse

from trust import rubric, services, watch
from trust.models import Citation, ScoreChange, WatchFinding

pytestmark = pytest.mark.django_db

RW_COLUMNS = [
    "Record ID", "Title", "Subject", "Institution", "Journal", "Publisher", "Country",
    "Author", "URLS", "ArticleType", "RetractionDate", "RetractionDOI", "RetractionPubMedID",
    "OriginalPaperDate", "OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature",
    "Reason", "Paywalled", "Notes",
]  # fmt: skip


def score_of(article):
    article.assessment.refresh_from_db()
    return article.assessment.score


def mark(article, title, status, **notice):
    citation = article.citations.get(title=title)
    return services.mark_citation(citation=citation, status=status, reason="Test notice", **notice)


def test_the_rule_a_retraction_removes_a_work_a_concern_halves_it():
    assert rubric.lent_trusts([(1, 100, "standing"), (2, 60, "retracted")]) == [100]
    assert rubric.lent_trusts([(1, 100, "concern")]) == [50]
    assert rubric.lent_trusts([(1, 100, "corrected")]) == [100]
    assert rubric.lent_trusts([(1, 100, "retracted"), (1, 80, "standing")]) == [80]
    assert rubric.lent_trusts([(1, 100, "retracted")]) == [0]
    assert rubric.lent_trusts([]) == []


def test_a_retracted_study_no_longer_counts_and_readers_are_told_twice(client, story):
    assert score_of(story) == 60
    mark(story, "The big trial", "retracted", note="The data could not be verified.")
    assert score_of(story) == 50  # source trust 60 alone: 20 + 30

    html = client.get(story.get_absolute_url()).content.decode()
    top = html[: html.index('id="explanation"')]
    assert "Notice on a source of this story" in top
    assert "it no longer counts as evidence in the reality meter" in top
    sources = html[html.index('id="sources"') :]
    assert '<strong class="notice-label notice-label--retracted">Retracted' in sources
    assert "The data could not be verified." in sources

    latest = ScoreChange.objects.filter(article=story).latest("changed_at")
    assert latest.reason == "Test notice"
    assert "Citation now retracted: The big trial" in latest.changes
    assert "Reality score: 60 → 50/100" in latest.changes


def test_an_expression_of_concern_halves_and_a_correction_keeps_the_trust(client, story):
    mark(story, "The big trial", "concern")
    assert score_of(story) == 48  # source trust: the mean of 50 and 60; 20 + 27.5, half up
    mark(story, "The big trial", "corrected")
    assert score_of(story) == 60
    html = client.get(story.get_absolute_url()).content.decode()
    assert "notice-label--corrected" in html


def test_the_methodology_page_states_the_rule(client):
    html = client.get(reverse("trust:methodology")).content.decode()
    assert 'id="retractions"' in html
    assert "the work no longer counts as evidence" in html
    assert "counts at half its source's trust" in html


def test_marking_the_same_notice_twice_changes_nothing(story):
    assert mark(story, "The small study", "retracted") is True
    count = ScoreChange.objects.count()
    assert mark(story, "The small study", "retracted") is False
    assert ScoreChange.objects.count() == count


def write_csv(path, rows, columns=RW_COLUMNS):
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            writer.writerow(dict.fromkeys(columns, "") | row)
    return path


def notice(doi, nature, date, **extra):
    return {"OriginalPaperDOI": doi, "RetractionNature": nature, "RetractionDate": date} | extra


def run_import(path):
    out, err = StringIO(), StringIO()
    call_command("import_retractions", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def findings_of(article):
    """{cited DOI: (kind, notice date, notice link, state)} of the story's findings."""
    return {
        finding.citation.doi: (
            finding.kind,
            str(finding.notice_date),
            finding.notice_url,
            finding.state,
        )
        for finding in WatchFinding.objects.filter(citation__article=article)
    }


def test_import_queues_notices_by_doi_for_the_editors_and_reports_bad_rows(tmp_path, client, story):
    path = write_csv(
        tmp_path / "retraction_watch.csv",
        [
            notice(
                "10.1000/BIG.1",
                "Retraction",
                "11/7/2023 0:00",
                Reason="+Concerns/Issues About Data;+Investigation by Journal/Publisher;",
                RetractionDOI="10.1000/notice.9",
            ),
            notice("10.1000/small.2", "Correction", "2023-05-01"),
            notice("10.1000/small.2", "Expression of concern", "2024-01-15"),
            notice("10.1000/nobody-cites-this", "Retraction", "1/1/2020 0:00"),
            notice("unavailable", "Retraction", "1/1/2020 0:00"),
            notice("10.1000/x", "Retraction", "the seventh of November"),
            notice("10.1000/y", "Withdrawal", "1/1/2020 0:00"),
        ],
    )
    before = client.get(story.get_absolute_url()).content
    out, err = run_import(path)

    assert findings_of(story) == {
        "10.1000/big.1": (
            "retraction",
            "2023-11-07",
            "https://doi.org/10.1000/notice.9",
            "pending",
        ),
        # The latest notice of that DOI counts.
        "10.1000/small.2": ("concern", "2024-01-15", "", "pending"),
    }
    big = WatchFinding.objects.get(citation__doi="10.1000/big.1")
    assert big.record_source == "Retraction Watch (CSV)"
    assert big.detail == (
        "Retraction notice of 7 November 2023: Concerns/Issues About Data; "
        "Investigation by Journal/Publisher"
    )
    assert "queued 2 findings for the editors, 0 already known; 3 rows skipped" in out
    assert "Skipped line 6: no usable DOI" in err
    assert "Skipped line 7: the date “the seventh of November” is not" in err
    assert "Skipped line 8: unknown RetractionNature “Withdrawal”" in err
    assert "Traceback" not in err
    # Nothing readers see moves until an editor accepts.
    assert set(Citation.objects.values_list("status", flat=True)) == {"standing"}
    assert ScoreChange.objects.filter(article=story).count() == 1
    assert client.get(story.get_absolute_url()).content == before

    assert "queued 0 findings for the editors, 2 already known" in run_import(path)[0]


def test_an_accepted_notice_from_the_csv_reads_as_the_import_wrote_it(tmp_path, story):
    run_import(
        write_csv(
            tmp_path / "rw.csv",
            [
                notice(
                    "10.1000/big.1",
                    "Retraction",
                    "2023-11-07",
                    Reason="+Concerns/Issues About Data;",
                    RetractionDOI="10.1000/notice.9",
                )
            ],
        )
    )
    editor = User.objects.create_user("desk", is_staff=True)
    watch.accept(finding=WatchFinding.objects.get(), editor=editor)

    big = story.citations.get(doi="10.1000/big.1")
    assert (big.status, str(big.status_date)) == ("retracted", "2023-11-07")
    assert big.status_note == "Retraction notice of 7 November 2023: Concerns/Issues About Data"
    assert big.status_url == "https://doi.org/10.1000/notice.9"
    assert score_of(story) == 50
    latest = ScoreChange.objects.filter(article=story).latest("changed_at")
    assert latest.reason == (
        "Retraction notice of 7 November 2023: Concerns/Issues About Data. Accepted by an "
        "editor from the citation watch; the record: Retraction Watch (CSV), notice "
        "10.1000/notice.9."
    )


def test_a_reinstatement_is_news_only_for_a_work_marked_retracted(tmp_path, story):
    path = write_csv(
        tmp_path / "rw.csv",
        [
            notice("10.1000/big.1", "Retraction", "2020-01-01"),
            notice("10.1000/big.1", "Reinstatement", "2021-06-01"),
            notice("10.1000/small.2", "Reinstatement", "2021-06-01"),
        ],
    )
    mark(story, "The big trial", "retracted", notice_date=date(2020, 1, 1))
    assert "queued 1 finding for the editors, 1 already known" in run_import(path)[0]
    reinstated = WatchFinding.objects.get()
    assert (reinstated.citation.doi, reinstated.kind) == ("10.1000/big.1", "reinstatement")

    watch.accept(finding=reinstated, editor=User.objects.create_user("desk", is_staff=True))
    assert story.citations.get(doi="10.1000/big.1").status == "standing"
    assert score_of(story) == 60


def test_import_refuses_a_file_that_is_not_a_retraction_watch_csv(tmp_path, story):
    wrong = write_csv(tmp_path / "wrong.csv", [{"doi": "10.1000/big.1"}], columns=["doi"])
    with pytest.raises(CommandError, match="no OriginalPaperDOI, RetractionNature, Retraction"):
        run_import(wrong)
    with pytest.raises(CommandError, match="Cannot read"):
        run_import(tmp_path / "missing.csv")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81 not text")
    with pytest.raises(CommandError, match="not a readable UTF-8 CSV"):
        run_import(binary)
    assert set(Citation.objects.values_list("status", flat=True)) == {"standing"}
    assert not WatchFinding.objects.exists()
