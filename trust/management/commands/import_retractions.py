"""manage.py import_retractions FILE: publishers' notices from a Retraction Watch CSV,
for the editors' queue.

The Retraction Watch database (published by Crossref) is a CSV with a row per notice;
the columns read here are OriginalPaperDOI, RetractionNature, RetractionDate,
RetractionDOI and Reason. Rows are matched to citations by DOI (case does not
matter). Where one DOI has several notices, the latest counts. Each notice that is news
for a citation becomes a pending finding of the citation watch (trust/watch.py), which
an editor accepts or dismisses: the import itself changes nothing readers see. A bad
row (a DOI that is not one by trust.models.DOI_FORMAT, an unknown nature, a bad date, a
field longer than MAX_FIELD_LENGTH) is reported with its first line number and skipped;
the rest of the file is imported and nothing stored is lost.
"""

import csv
from contextlib import contextmanager
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from trust import watch
from trust.models import DOI_FORMAT, Citation, WatchFinding

REQUIRED_COLUMNS = ["OriginalPaperDOI", "RetractionNature", "RetractionDate"]
NATURES = {
    "retraction": WatchFinding.Kind.RETRACTION,
    "expression of concern": WatchFinding.Kind.CONCERN,
    "correction": WatchFinding.Kind.CORRECTION,
    "reinstatement": WatchFinding.Kind.REINSTATEMENT,
}
DATE_FORMATS = ["%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d"]
DOI_PREFIXES = ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"]
# What Retraction Watch writes where it has no DOI.
NO_DOI = {"", "unavailable"}
# A longer field refuses its row, not the file. Retraction Watch's fields run to a few
# thousand characters at most (long author lists); the csv module's own limit, 131,072,
# would stop the whole import at the first longer field instead.
MAX_FIELD_LENGTH = 20_000
# While reading, the csv module takes fields this long, so that a longer field still
# parses as one field and is refused with its row.
READ_FIELD_LIMIT = 64 * 1024 * 1024


def normal_doi(value):
    doi = value.strip()
    for prefix in DOI_PREFIXES:
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
    return doi.lower()


def doi_problem(value):
    """Why ``value`` (normalised) is not a DOI, or None when it is one."""
    try:
        DOI_FORMAT(value)
    except ValidationError:
        return f"“{shown(value)}” is not a DOI"
    return None


def shown(value, length=60):
    """A field as a report line shows it: printable, and short."""
    text = "".join(char if char.isprintable() else "?" for char in value[: length + 1])
    return text if len(text) <= length else text[:length] + "…"


def parse_date(value):
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise ValueError(f"the date “{shown(value)}” is not M/D/YYYY or YYYY-MM-DD")


@contextmanager
def _long_fields():
    previous = csv.field_size_limit(READ_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _records(reader, header):
    """(first line, row as {column: value}, problem) for each row that is not blank."""
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield line, None, f"not readable as CSV ({error})"
            continue
        if not values:
            continue
        longest = max(range(len(values)), key=lambda index: len(values[index]))
        if len(values[longest]) > MAX_FIELD_LENGTH:
            column = header[longest] if longest < len(header) else f"column {longest + 1}"
            yield (
                line,
                None,
                f"the {column} field is {len(values[longest]):,} characters long; "
                f"the limit is {MAX_FIELD_LENGTH:,}",
            )
            continue
        yield line, dict.fromkeys(header, "") | dict(zip(header, values, strict=False)), None


def _row_problem(row):
    """Why a row's notice cannot be applied, or None."""
    original = normal_doi(row["OriginalPaperDOI"])
    if original in NO_DOI:
        return f"no usable DOI (“{shown(row['OriginalPaperDOI'])}”)"
    if problem := doi_problem(original):
        return f"OriginalPaperDOI {problem}"
    notice = normal_doi(row.get("RetractionDOI", ""))
    if notice not in NO_DOI and (problem := doi_problem(notice)):
        return f"RetractionDOI {problem}"
    if row["RetractionNature"].strip().lower() not in NATURES:
        return f"unknown RetractionNature “{shown(row['RetractionNature'])}”"
    return None


def read_notices(lines):
    """{doi: (date, kind, row)} for the latest notice of each DOI, and [(line, problem)]."""
    with _long_fields():
        reader = csv.reader(lines)
        header = next(reader, None) or []
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        if missing:
            raise CommandError(
                f"This is not a Retraction Watch CSV: it has no {', '.join(missing)} column."
            )
        notices, problems = {}, []
        for line, row, problem in _records(reader, header):
            problem = problem or _row_problem(row)
            if problem is None:
                try:
                    date = parse_date(row["RetractionDate"])
                except ValueError as error:
                    problem = str(error)
            if problem:
                problems.append((line, problem))
                continue
            doi = normal_doi(row["OriginalPaperDOI"])
            if doi not in notices or date >= notices[doi][0]:
                nature = NATURES[row["RetractionNature"].strip().lower()]
                notices[doi] = (date, nature, row)
    return notices, problems


def notice_of(date, kind, row):
    """The watch's notice for a row: its nature and date, and Retraction Watch's reasons."""
    label = row["RetractionNature"].strip().capitalize()
    why = "; ".join(
        part.strip().lstrip("+") for part in (row.get("Reason") or "").split(";") if part.strip()
    )
    detail = f"{label} notice of {watch.day(date)}" + (f": {why}" if why else "")
    notice_doi = normal_doi(row.get("RetractionDOI") or "")  # checked by _row_problem
    return watch.Notice(
        kind=kind,
        notice_doi="" if notice_doi in NO_DOI else notice_doi,
        notice_date=date,
        record_source=watch.RECORD_RETRACTION_WATCH_CSV,
        detail=detail,
    )


class Command(BaseCommand):
    help = (
        "Queue Retraction Watch's notices on cited works (a CSV) for the editors, who "
        "accept or dismiss each in the admin's citation watch."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8), as Crossref publishes it.")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as lines:
                notices, problems = read_notices(lines)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except (UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"{file} is not a readable UTF-8 CSV file: {error}.") from error
        queued = known = 0
        with transaction.atomic():
            for citation in Citation.objects.exclude(doi=""):
                found = notices.get(normal_doi(citation.doi))
                if found is None:
                    continue
                finding = watch.record(citation, notice_of(*found))
                queued += finding is not None
                known += finding is None
        for line, problem in problems:
            self.stderr.write(f"Skipped line {line}: {problem}")
        self.stdout.write(
            f"Read {len(notices)} DOI{'s' if len(notices) != 1 else ''} with notices; "
            f"queued {queued} finding{'s' if queued != 1 else ''} for the editors, "
            f"{known} already known; {len(problems)} row"
            f"{'s' if len(problems) != 1 else ''} skipped."
        )
