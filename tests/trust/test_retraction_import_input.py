"""manage.py import_retractions against hostile or broken files: a DOI is checked with the
citations' own validator, and a bad or oversized row is reported by its line and skipped
while the rest of the file is imported."""

import csv

import pytest
from django.core.exceptions import ValidationError

from tests.trust.test_retractions import notice, run_import, write_csv
from trust.models import DOI_FORMAT, Citation, WatchFinding

pytestmark = pytest.mark.django_db

MARKUP_DOI = '10.1000/x"><script>alert(1)</script>'


def queued(article):
    """{cited DOI: (kind, notice link)} of the findings the import queued for the story."""
    findings = WatchFinding.objects.filter(citation__article=article)
    return {f.citation.doi: (f.kind, f.notice_url) for f in findings}


@pytest.mark.parametrize(
    "doi",
    ["10.1038/nm.2446", "10.1016/S0140-6736(23)02268-7", "10.1103/PhysRevLett.132.065102"],
)
def test_the_doi_validator_takes_real_dois(doi):
    DOI_FORMAT(doi)


@pytest.mark.parametrize(
    "doi", [MARKUP_DOI, "10.1000/a b", "10.1000/x'onmouseover=1", "10.1/short-prefix", "11.1000/x"]
)
def test_the_doi_validator_refuses_what_is_not_a_doi(doi):
    with pytest.raises(ValidationError):
        DOI_FORMAT(doi)
    citation = Citation(doi=doi)
    with pytest.raises(ValidationError) as refused:
        citation.clean_fields(exclude=[f.name for f in Citation._meta.fields if f.name != "doi"])
    assert "Enter a DOI such as 10.1038/nm.2446" in str(refused.value)


def test_a_doi_with_markup_is_reported_and_never_stored_as_a_link(tmp_path, client, story):
    path = write_csv(
        tmp_path / "hostile.csv",
        [
            notice("10.1000/big.1", "Retraction", "2023-11-07", RetractionDOI=MARKUP_DOI),
            notice(MARKUP_DOI, "Retraction", "2023-11-07"),
            notice("10.1000/small.2", "Correction", "2024-01-15", RetractionDOI="10.1000/n.3"),
        ],
    )
    out, err = run_import(path)

    assert queued(story) == {"10.1000/small.2": ("correction", "https://doi.org/10.1000/n.3")}
    assert "queued 1 finding for the editors, 0 already known; 2 rows skipped." in out
    assert err.splitlines() == [
        'Skipped line 2: RetractionDOI “10.1000/x"><script>alert(1)</script>” is not a DOI',
        'Skipped line 3: OriginalPaperDOI “10.1000/x"><script>alert(1)</script>” is not a DOI',
    ]
    assert "<script>" not in client.get(story.get_absolute_url()).content.decode()
    assert not WatchFinding.objects.filter(notice_doi__contains="<").exists()


def test_an_oversized_field_skips_its_row_and_the_rest_is_imported(tmp_path, story):
    # 200 kB inside one quoted field, over lines 2 to 202: the next row starts on line 203.
    long_notes = ("x" * 999 + "\n") * 200
    path = write_csv(
        tmp_path / "oversized.csv",
        [
            notice("10.1000/big.1", "Retraction", "2023-11-07", Notes=long_notes),
            notice("10.1000/nobody", "Retraction", "the seventh of November"),
            notice("10.1000/small.2", "Expression of concern", "2024-01-15"),
        ],
    )
    out, err = run_import(path)

    assert queued(story) == {"10.1000/small.2": ("concern", "")}
    assert "queued 1 finding for the editors, 0 already known; 2 rows skipped." in out
    assert err.splitlines() == [
        "Skipped line 2: the Notes field is 200,000 characters long; the limit is 20,000",
        "Skipped line 203: the date “the seventh of November” is not M/D/YYYY or YYYY-MM-DD",
    ]
    assert csv.field_size_limit() == 131_072  # the process's csv limit is put back


def test_a_long_field_is_cut_short_in_the_report(tmp_path, story):
    path = write_csv(
        tmp_path / "long.csv",
        [notice("10.1000/\x1b[31m" + "a" * 5_000, "Retraction", "2023-11-07")],
    )
    _, err = run_import(path)
    [line] = err.splitlines()
    assert line.startswith("Skipped line 2: OriginalPaperDOI “10.1000/?[31maaaa")
    assert line.endswith("…” is not a DOI") and len(line) < 120
    assert "\x1b" not in err
