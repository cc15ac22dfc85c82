"""manage.py import_retractions FILE: publishers' notices from a Retraction Watch CSV.

The Retraction Watch database (published by Crossref) is a CSV with a row per notice;
the columns read here are OriginalPaperDOI, RetractionNature, RetractionDate,
RetractionDOI and Reason. Rows are matched to citations by DOI (case does not
matter). Where one DOI has several notices, the latest counts. A bad row is reported
with its line number and skipped; nothing stored is lost.
"""

import csv
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from trust import services
from trust.models import Citation

REQUIRED_COLUMNS = ["OriginalPaperDOI", "RetractionNature", "RetractionDate"]
NATURES = {
    "retraction": Citation.Status.RETRACTED,
    "expression of concern": Citation.Status.CONCERN,
    "correction": Citation.Status.CORRECTED,
    "reinstatement": Citation.Status.STANDING,
}
DATE_FORMATS = ["%m/%d/%Y %H:%M", "%m/%d/%Y", "%Y-%m-%d"]
DOI_PREFIXES = ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"]


def normal_doi(value):
    doi = value.strip()
    for prefix in DOI_PREFIXES:
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :]
    return doi.lower()


def parse_date(value):
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise ValueError(f"the date “{value}” is not M/D/YYYY or YYYY-MM-DD")


def read_notices(lines):
    """{doi: (date, status, row)} for the latest notice of each DOI, and [(line, problem)]."""
    reader = csv.DictReader(lines)
    missing = [name for name in REQUIRED_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(
            f"This is not a Retraction Watch CSV: it has no {', '.join(missing)} column."
        )
    notices, problems = {}, []
    for row in reader:
        line = reader.line_num
        doi = normal_doi(row["OriginalPaperDOI"] or "")
        nature = (row["RetractionNature"] or "").strip().lower()
        if not doi or doi == "unavailable" or not doi.startswith("10."):
            problems.append((line, f"no usable DOI (“{row['OriginalPaperDOI'] or ''}”)"))
            continue
        if nature not in NATURES:
            problems.append((line, f"unknown RetractionNature “{row['RetractionNature']}”"))
            continue
        try:
            date = parse_date(row["RetractionDate"] or "")
        except ValueError as error:
            problems.append((line, str(error)))
            continue
        if doi not in notices or date >= notices[doi][0]:
            notices[doi] = (date, NATURES[nature], row)
    return notices, problems


class Command(BaseCommand):
    help = "Mark cited works retracted, corrected or under concern from a Retraction Watch CSV."

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
        updated = unchanged = 0
        for citation in Citation.objects.exclude(doi="").select_related("article"):
            found = notices.get(normal_doi(citation.doi))
            if found is None:
                continue
            date, status, row = found
            label = row["RetractionNature"].strip().capitalize()
            why = "; ".join(
                part.strip().lstrip("+")
                for part in (row.get("Reason") or "").split(";")
                if part.strip()
            )
            day = f"{date.day} {date:%B %Y}"
            reason = f"{label} notice of {day} in the Retraction Watch database"
            try:
                changed = services.mark_citation(
                    citation=citation,
                    status=status,
                    notice_date=date,
                    note=f"{label} notice of {day}" + (f": {why}" if why else ""),
                    url=_notice_url(row),
                    reason=reason,
                )
            except ValidationError as error:
                problems.append((0, f"citation “{citation}”: {'; '.join(error.messages)}"))
                continue
            updated += changed
            unchanged += not changed
        for line, problem in problems:
            where = f"line {line}" if line else "not applied"
            self.stderr.write(f"Skipped {where}: {problem}")
        self.stdout.write(
            f"Read {len(notices)} DOI{'s' if len(notices) != 1 else ''} with notices; "
            f"updated {updated} citation{'s' if updated != 1 else ''}, "
            f"{unchanged} already up to date; {len(problems)} row"
            f"{'s' if len(problems) != 1 else ''} skipped."
        )


def _notice_url(row):
    doi = normal_doi(row.get("RetractionDOI") or "")
    return f"https://doi.org/{doi}" if doi.startswith("10.") else ""
