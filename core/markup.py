"""The one pipeline for editors' Markdown: Markdown → HTML → bleach → glossary marks.

Editors' text is untrusted. It is rendered once, on save, and the result is
stored beside the source; page views only print the stored HTML. Anything
outside the allowlist below is removed (tags are stripped, their text kept).
"""

import re
from dataclasses import dataclass
from functools import partial

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.utils.text import slugify

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "em",
        "strong",
        "b",
        "i",
        "sub",
        "sup",
        "small",
        "mark",
        "abbr",
        "cite",
        "q",
        "a",
        "code",
        "pre",
        "kbd",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "caption",
        "img",
        "figure",
        "figcaption",
        "div",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
# Ids and classes that the footnotes extension writes, and nothing else.
FOOTNOTE_ID = re.compile(r"^fn(ref)?-[a-z]+-\d+(-\d+)?$")
FOOTNOTE_CLASSES = {"footnote", "footnote-ref", "footnote-backref"}


def _allowed_attribute(tag, name, value):
    if tag == "a" and name in {"href", "title"}:
        return True
    if tag == "img" and name == "src":
        # The Content-Security-Policy allows https images only; say so here too.
        return value.startswith("https://")
    if tag == "img" and name in {"alt", "title", "width", "height"}:
        return True
    if tag == "abbr" and name == "title":
        return True
    if tag in {"th", "td"} and name in {"colspan", "rowspan"}:
        return value.isdigit()
    if name == "id" and tag in {"sup", "li"}:
        return bool(FOOTNOTE_ID.match(value))
    if name == "class" and tag in {"a", "div", "sup"}:
        return value in FOOTNOTE_CLASSES
    return False


class _HeadingFloor(markdown.treeprocessors.Treeprocessor):
    """Editors' headings sit under the page's h1 and the section's h2: # and ## become h3."""

    def run(self, root):
        for element in root.iter():
            if element.tag in {"h1", "h2"}:
                element.tag = "h3"


class _HeadingFloorExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.treeprocessors.register(_HeadingFloor(md), "heading_floor", 5)


def render_markdown(source, *, section):
    """Markdown to (unsanitised) HTML. ``section`` keeps footnote ids unique per page."""
    converter = markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "sane_lists",
            "footnotes",
            _HeadingFloorExtension(),
        ],
        extension_configs={"footnotes": {"SEPARATOR": f"-{section}-"}},
        output_format="html",
    )
    return converter.convert(source)


@dataclass(frozen=True)
class Term:
    """A glossary term to mark: its slug and every form that counts as a use."""

    slug: str
    forms: tuple[str, ...]


class _DropIncompleteImages(Filter):
    """An image must say what it shows and come from an allowed address, or it goes."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "EmptyTag" and token["name"] == "img":
                alt = token["data"].get((None, "alt"), "").strip()
                if not alt or (None, "src") not in token["data"]:
                    continue
            yield token


class _GlossaryMarker(Filter):
    """Wrap the first use of each term in a link to its definition on the page.

    Text inside links, code, preformatted blocks and headings is left alone.
    """

    SKIP = frozenset({"a", "code", "pre", "kbd", "h3", "h4", "h5", "h6", "abbr"})

    def __init__(self, source, terms):
        super().__init__(source)
        self.slug_by_form = {}
        for term in terms:
            for form in term.forms:
                self.slug_by_form.setdefault(form.casefold(), term.slug)
        forms = sorted(self.slug_by_form, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(" + "|".join(map(re.escape, forms)) + r")(?!\w)", re.IGNORECASE)
            if forms
            else None
        )
        self.marked = set()

    def __iter__(self):
        skipping = []
        for token in super().__iter__():
            kind = token["type"]
            if kind == "StartTag" and token["name"] in self.SKIP:
                skipping.append(token["name"])
            elif kind == "EndTag" and skipping and token["name"] == skipping[-1]:
                skipping.pop()
            elif kind == "Characters" and not skipping and self.pattern:
                yield from self._mark(token["data"])
                continue
            yield token

    def _mark(self, text):
        position = 0
        for match in self.pattern.finditer(text):
            slug = self.slug_by_form[match.group(0).casefold()]
            if slug in self.marked:
                continue
            self.marked.add(slug)
            if match.start() > position:
                yield {"type": "Characters", "data": text[position : match.start()]}
            attributes = {(None, "class"): "term", (None, "href"): f"#term-{slug}"}
            yield {"type": "StartTag", "name": "a", "namespace": None, "data": attributes}
            yield {"type": "Characters", "data": match.group(0)}
            yield {"type": "EndTag", "name": "a", "namespace": None}
            position = match.end()
        if position < len(text):
            yield {"type": "Characters", "data": text[position:]}


def sanitize(html, *, terms=()):
    """Keep only the allowlist; then mark the first use of each of ``terms``."""
    cleaner = bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allowed_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
        filters=[_DropIncompleteImages, partial(_GlossaryMarker, terms=terms)],
    )
    return cleaner.clean(html)


def render(source, *, section="body", terms=()):
    """The whole pipeline, for any editor-written Markdown field."""
    return sanitize(render_markdown(source, section=slugify(section)), terms=terms)
