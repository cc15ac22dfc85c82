"""A work by its DOI, from Crossref's REST API (``GET {CROSSREF_API_URL}/works/{doi}``).

In Crossref's polite pool: every request carries ``mailto=CROSSREF_MAILTO`` and a
User-Agent naming the site and that address, as Crossref asks of well-behaved clients.
Answers that parse are cached for ``CROSSREF_CACHE_SECONDS``; ``fresh=True`` asks again
(the citation watch does). arXiv's DOIs (10.48550/arXiv.…) are DataCite's, not
Crossref's: they are read from arXiv's API instead (trust/arxiv.py).

Crossref's ``type`` becomes a ``Citation.Kind``: posted content (preprints) is a
preprint; reports, standards and their parts are regulatory documents (the citations we
take from reports are agencies' and standards bodies'); everything else (journal and
proceedings articles, chapters, datasets…) is a primary study, since Crossref does not
say whether an article is a review. The editor checks the filled kind like every field.

Its update types become ``Update.kind``: "expression_of_concern" is "concern";
"erratum" and "corrigendum" are corrections; other names are kept as Crossref gives them.
"""

import html
import json
import re
from urllib.parse import quote, urlencode

from django.conf import settings

from trust import arxiv
from trust.models import DOI_FORMAT, Citation
from trust.works import (
    LookupFailed,
    Update,
    Work,
    cache_key,
    full_date,
    get,
    malformed,
    remembered,
    user_agent,
)

__all__ = ["LookupFailed", "Update", "Work", "fetch_work", "normalized_doi", "work_from_message"]

SERVICE = "Crossref"

KINDS = {
    "posted-content": Citation.Kind.PREPRINT,
    "report": Citation.Kind.REGULATORY,
    "report-component": Citation.Kind.REGULATORY,
    "report-series": Citation.Kind.REGULATORY,
    "standard": Citation.Kind.REGULATORY,
}
UPDATE_KINDS = {
    "expression_of_concern": "concern",
    "erratum": "correction",
    "corrigendum": "correction",
}
# Which dates say when a work came out, best first; a date needs its day to count.
DATE_FIELDS = ("published-online", "published-print", "posted", "published", "issued")
# The licence of the version of record before that of the accepted manuscript; a
# text-and-data-mining licence only when there is no other.
LICENCE_VERSIONS = ("vor", "am", "unspecified", "tdm")
DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
TAGS = re.compile(r"<[^>]+>")


def normalized_doi(text):
    """The DOI in ``text`` (a DOI, ``doi:`` one or a doi.org link), or LookupFailed."""
    doi = DOI_PREFIXES.sub("", (text or "").strip()).strip()
    if not DOI_FORMAT.regex.match(doi):
        raise LookupFailed(f"“{text.strip()[:80]}” is not a DOI: a DOI looks like 10.1038/nm.2446.")
    return doi


def plain(text):
    """Crossref's text without its markup (JATS, MathML, HTML) and with one space."""
    return " ".join(html.unescape(TAGS.sub("", text or "")).split())


def _first(values):
    return plain(values[0]) if isinstance(values, list) and values else ""


def _author(person):
    if person.get("name"):
        return plain(person["name"])
    return plain(f"{person.get('given', '')} {person.get('family', '')}")


def _date_of(part):
    return full_date((part or {}).get("date-parts", [[]])[0])


def _published_on(message):
    dates = (_date_of(message.get(name)) for name in DATE_FIELDS)
    return next((found for found in dates if found), None)


def _licence(message):
    licences = [entry for entry in message.get("license") or [] if entry.get("URL")]
    for version in LICENCE_VERSIONS:
        for entry in licences:
            if entry.get("content-version", "unspecified") == version:
                return entry["URL"]
    return licences[0]["URL"] if licences else ""


def _update(entry):
    kind = str(entry.get("type", "")).lower()
    return Update(
        kind=UPDATE_KINDS.get(kind, kind),
        notice_doi=str(entry.get("DOI", "")),
        date=_date_of(entry.get("updated")),
        source=str(entry.get("source", "publisher")),
        record_id=str(entry.get("record-id", "")),
    )


def _related_dois(message, relation):
    linked = (message.get("relation") or {}).get(relation) or []
    return tuple(
        DOI_PREFIXES.sub("", str(link["id"]))
        for link in linked
        if link.get("id-type", "").lower() == "doi" and link.get("id")
    )


def _container(message):
    institutions = message.get("institution") or []
    return (
        _first(message.get("container-title"))
        or (plain(institutions[0].get("name")) if institutions else "")
        or _first(message.get("short-container-title"))
    )


def _landing_url(message):
    primary = (message.get("resource") or {}).get("primary") or {}
    return str(primary.get("URL", ""))


def work_from_message(message):
    """A ``Work`` from the ``message`` of Crossref's answer for one work."""
    try:
        kind = message.get("type", "")
        work = Work(
            doi=str(message["DOI"]),
            title=_first(message.get("title")),
            container=_container(message),
            authors=tuple(filter(None, map(_author, message.get("author") or []))),
            published_on=_published_on(message),
            kind=KINDS.get(kind, Citation.Kind.PRIMARY_STUDY),
            licence=_licence(message),
            url=str(message.get("URL", "")),
            issns=tuple(map(str, message.get("ISSN") or [])),
            publisher=plain(message.get("publisher")),
            updates=tuple(map(_update, message.get("updated-by") or [])),
            published_as=_related_dois(message, "is-preprint-of"),
            preprints=_related_dois(message, "has-preprint"),
            is_preprint=kind == "posted-content",
            landing_url=_landing_url(message),
        )
    except (AttributeError, KeyError, TypeError, ValueError, IndexError):
        raise malformed(SERVICE) from None
    if not work.title:
        raise malformed(SERVICE)
    return work


def _message(doi):
    query = urlencode({"mailto": settings.CROSSREF_MAILTO}) if settings.CROSSREF_MAILTO else ""
    url = f"{settings.CROSSREF_API_URL}/works/{quote(doi, safe='/')}"
    body = get(
        f"{url}?{query}" if query else url,
        service=SERVICE,
        what=f"DOI {doi}",
        timeout=settings.CROSSREF_TIMEOUT_SECONDS,
        headers={"User-Agent": user_agent(), "Accept": "application/json"},
    )
    try:
        answer = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise malformed(SERVICE) from None
    if not isinstance(answer, dict) or answer.get("status") != "ok":
        raise malformed(SERVICE)
    if answer.get("message-type", "work") != "work" or not isinstance(answer.get("message"), dict):
        raise malformed(SERVICE)
    return answer["message"]


def fetch_work(doi, *, fresh=False):
    """The work with ``doi``, from the cache unless ``fresh``; LookupFailed otherwise."""
    doi = normalized_doi(doi)
    if arxiv.DOI.match(doi):
        return arxiv.fetch_work(doi, fresh=fresh)
    return remembered(
        cache_key("crossref", doi),
        fresh=fresh,
        seconds=settings.CROSSREF_CACHE_SECONDS,
        fetch=lambda: _message(doi),
        parse=work_from_message,
    )
