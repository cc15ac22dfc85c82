"""A citation's fields from a DOI or an arXiv id, for the story form's citations.

What an editor pastes is a DOI (10.1038/nm.2446, doi:…, a doi.org link) or an arXiv id
(2303.01234, arXiv:2303.01234v2, an arxiv.org/abs link). A DOI is looked up at Crossref
(trust/crossref.py), an arXiv id at arXiv (trust/arxiv.py). The citation keeps a DOI
either way: an arXiv paper's is arXiv's own, 10.48550/arXiv.2303.01234, which the DOI
field accepts and the citation watch looks up at arXiv again.

The source is the existing Source whose name is the work's journal or server, compared
case-insensitively and with or without a leading "The"; Source has no ISSN, so the
journal's name is all there is to match. When none matches, a new source is proposed
with the name, a kind and a home page (the site of the work's landing page) for the
editor to check on the Source form.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils.text import Truncator

from trust import arxiv, crossref
from trust.models import Citation, Source
from trust.works import LookupFailed

# What a filled field is called in the sentences an editor reads, in the form's order.
FIELD_NAMES = {
    "title": "title",
    "authors": "authors",
    "source": "source",
    "kind": "kind",
    "url": "link",
    "published_on": "publication date",
    "licence": "licence",
}


@dataclass(frozen=True)
class SourceProposal:
    """A Source to add, as far as the work tells: the editor completes it."""

    name: str
    kind: str
    home_url: str


@dataclass(frozen=True)
class Filled:
    """What a work fills in a citation: ``values`` by field name (``source`` is a Source
    or absent), the DOI to keep, where it came from, and the source to add if none
    matched."""

    doi: str
    service: str
    values: dict = field(default_factory=dict)
    proposed_source: SourceProposal | None = None


def identifier_problem(text):
    """Why ``text`` is neither a DOI nor an arXiv id, as a sentence; None if it is one."""
    if arxiv.arxiv_id(text):
        return None
    try:
        crossref.normalized_doi(text)
    except LookupFailed as failure:
        return failure.sentence.removesuffix(".") + ", and an arXiv id looks like arXiv:2303.01234."
    return None


def stored_doi(text):
    """The DOI a citation keeps for ``text`` (a DOI or an arXiv id)."""
    paper_id = arxiv.arxiv_id(text)
    return arxiv.doi_of(paper_id) if paper_id else crossref.normalized_doi(text)


def look_up(text, *, fresh=False):
    """The work ``text`` names, from arXiv or Crossref; LookupFailed otherwise."""
    paper_id = arxiv.arxiv_id(text)
    if paper_id:
        return arxiv.fetch_work(paper_id, fresh=fresh)
    return crossref.fetch_work(text, fresh=fresh)


def _max_length(name):
    return Citation._meta.get_field(name).max_length


def authors_text(names, limit):
    """The names, comma-separated; when they do not fit ``limit``, the first ones that do
    and "et al."."""
    text = ", ".join(names)
    if len(text) <= limit:
        return text
    kept = []
    for name in names:
        if len(", ".join([*kept, name, "et al."])) > limit:
            break
        kept.append(name)
    return ", ".join([*kept, "et al."])


def _link(url, name):
    """``url`` if the field can keep it (a web address that fits), else ""."""
    if len(url) > _max_length(name):
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


def matching_source(name):
    """The Source called ``name``, with or without a leading "The", in any case."""
    if not name:
        return None
    bare = name.removeprefix("The ").removeprefix("the ")
    names = {name, bare, f"The {bare}"}
    query = Q()
    for candidate in names:
        query |= Q(name__iexact=candidate)
    return Source.objects.filter(query).order_by("pk").first()


def _home_page(work):
    parts = urlsplit(work.landing_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return ""
    return f"{parts.scheme}://{parts.netloc}/"


def proposed_source(work):
    if work.is_preprint:
        kind = Source.Kind.PREPRINT_SERVER
    elif work.kind in {Citation.Kind.PRIMARY_STUDY, Citation.Kind.REVIEW}:
        kind = Source.Kind.JOURNAL
    else:
        kind = ""
    return SourceProposal(name=work.container, kind=kind, home_url=_home_page(work))


def citation_values(work):
    """What ``work`` fills in a citation (only fields it has a value for)."""
    values = {
        "title": Truncator(work.title).chars(_max_length("title")),
        "authors": authors_text(work.authors, _max_length("authors")),
        "kind": work.kind,
        "url": _link(work.url, "url"),
        "published_on": work.published_on,
        "licence": _link(work.licence, "licence"),
    }
    source = matching_source(work.container)
    if source:
        values["source"] = source
    return Filled(
        doi=work.doi,
        service="arXiv" if arxiv.DOI.match(work.doi) else "Crossref",
        values={name: value for name, value in values.items() if value not in ("", None)},
        proposed_source=None if source or not work.container else proposed_source(work),
    )


def fill(text, *, fresh=False):
    """``citation_values`` of the work ``text`` names; LookupFailed otherwise."""
    return citation_values(look_up(text, fresh=fresh))
