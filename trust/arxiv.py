"""A paper by its arXiv id, from arXiv's API (an Atom feed from ``ARXIV_API_URL``).

An arXiv id is "2303.01234" (or "hep-th/9901001" before 2007), with or without its
version ("v2") and an "arXiv:" in front; arXiv's own DOI for it, 10.48550/arXiv.2303.01234,
names the same paper. The work is always a preprint: its published version, when the
authors gave one, is ``arxiv:doi`` (``published_as``) and ``arxiv:journal_ref``
(``journal_ref``). A latest version past the first is an ``Update`` "new_version"; a
comment saying the paper is withdrawn, an ``Update`` "withdrawal" (arXiv marks
withdrawals in the comment and nowhere else in the feed). The API names no licence.

Same timeouts and cache as Crossref's (trust/crossref.py); the feed is parsed with the
standard library's expat, which refuses entity expansion bombs.
"""

import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlencode

from django.conf import settings

from trust.models import Citation
from trust.works import (
    LookupFailed,
    Update,
    Work,
    cache_key,
    get,
    iso_date,
    malformed,
    remembered,
    user_agent,
)

SERVICE = "arXiv"
NAMESPACES = {"atom": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom"}
# New-style (since 2007) and old-style ids, with an optional version.
ID = r"(?P<id>\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<version>\d+))?"
IDENTIFIER = re.compile(
    rf"^(?:arxiv:\s*|https?://(?:export\.)?arxiv\.org/abs/)?{ID}$", re.IGNORECASE
)
DOI = re.compile(rf"^10\.48550/arxiv\.{ID}$", re.IGNORECASE)
ENTRY_ID = re.compile(rf"/abs/{ID}$")
WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)


def arxiv_id(text):
    """The versionless arXiv id in ``text`` (an id, arXiv: one, an abs link or arXiv's
    DOI), or None when it is not one."""
    text = (text or "").strip()
    found = IDENTIFIER.match(text) or DOI.match(text)
    return found["id"] if found else None


def doi_of(paper_id):
    return f"10.48550/arXiv.{paper_id}"


def _text(element, path):
    found = element.find(path, NAMESPACES)
    return " ".join((found.text or "").split()) if found is not None else ""


def _updates(entry, paper_id):
    found = ENTRY_ID.search(_text(entry, "atom:id"))
    version = int(found["version"] or 1) if found else 1
    when = iso_date(_text(entry, "atom:updated"))
    record = f"{paper_id}v{version}"
    updates = []
    if version > 1:
        updates.append(Update("new_version", "", when, "arxiv", record))
    if WITHDRAWN.search(_text(entry, "arxiv:comment")):
        updates.append(Update("withdrawal", "", when, "arxiv", record))
    return tuple(updates)


def work_from_feed(feed, paper_id):
    """A ``Work`` from arXiv's Atom answer for ``paper_id``."""
    try:
        root = ElementTree.fromstring(feed)
    except ElementTree.ParseError:
        raise malformed(SERVICE) from None
    entry = root.find("atom:entry", NAMESPACES)
    if entry is None or "/api/errors" in _text(entry, "atom:id") or not _text(entry, "atom:title"):
        raise LookupFailed(f"arXiv has no paper with the id {paper_id}.", not_found=True)
    published_doi = _text(entry, "arxiv:doi")
    return Work(
        doi=doi_of(paper_id),
        title=_text(entry, "atom:title"),
        container="arXiv",
        authors=tuple(
            " ".join((name.text or "").split())
            for name in entry.findall("atom:author/atom:name", NAMESPACES)
        ),
        published_on=iso_date(_text(entry, "atom:published")),
        kind=Citation.Kind.PREPRINT,
        licence="",
        url=f"https://arxiv.org/abs/{paper_id}",
        issns=(),
        publisher="arXiv",
        updates=_updates(entry, paper_id),
        published_as=(published_doi,) if published_doi else (),
        preprints=(),
        is_preprint=True,
        journal_ref=_text(entry, "arxiv:journal_ref"),
        landing_url=f"https://arxiv.org/abs/{paper_id}",
    )


def _feed(paper_id):
    query = urlencode({"id_list": paper_id, "max_results": 1})
    return get(
        f"{settings.ARXIV_API_URL}?{query}",
        service=SERVICE,
        what=f"id {paper_id}",
        timeout=settings.CROSSREF_TIMEOUT_SECONDS,
        headers={"User-Agent": user_agent(), "Accept": "application/atom+xml"},
    )


def fetch_work(identifier, *, fresh=False):
    """The paper with ``identifier`` (an arXiv id or arXiv's DOI); LookupFailed otherwise."""
    paper_id = arxiv_id(identifier)
    if paper_id is None:
        raise LookupFailed(
            f"“{(identifier or '').strip()[:80]}” is not an arXiv id: one looks like 2303.01234."
        )
    return remembered(
        cache_key("arxiv", paper_id),
        fresh=fresh,
        seconds=settings.CROSSREF_CACHE_SECONDS,
        fetch=lambda: _feed(paper_id),
        parse=lambda feed: work_from_feed(feed, paper_id),
    )
