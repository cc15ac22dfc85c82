"""The one pipeline for editors' Markdown: Markdown → HTML → bleach → glossary marks.

Editors' text is untrusted. It is rendered once, on save, and the result is
stored beside the source; page views only print the stored HTML. Anything
outside the allowlist below is removed (tags are stripped, their text kept).

Python-Markdown and bleach's html5lib are slower than linear on some shapes of
text (unclosed brackets and links, deep lists, long tables, thousands of links or
unclosed tags), so before rendering, text is refused when it is longer than
``MAX_LENGTH``, nested deeper than ``MAX_NESTING`` or has one of the slow shapes
that core/markup_limits.py measures (linear scans that take milliseconds, each
with a message an editor can act on), and a long text is rendered in a forked
child that is killed after ``RENDER_SECONDS``.
"""

import multiprocessing
import re
from dataclasses import dataclass
from functools import lru_cache, partial
from xml.etree import ElementTree

import bleach
import markdown
from bleach.html5lib_shim import Filter
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from core import markup_limits

MAX_LENGTH = 100_000
MAX_NESTING = 20
RENDER_SECONDS = 5  # generous for a loaded machine; still bounds a crafted text
# Below this length every shape the scans let through renders in well under a second
# (links packed back to back are the slowest, about 0.6 s), so the render runs in
# process; above it, in a child with a deadline (a fork costs a few ms).
IN_PROCESS_LENGTH = 4_000
# Renderings kept per process (each at most MAX_LENGTH of text and its HTML).
RENDERINGS_KEPT = 64
# Blockquote markers, list markers and indentation at the start of a line.
_LINE_CONTAINERS = re.compile(r"(?:[ \t]|>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))*")

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


class _Script(markdown.inlinepatterns.InlineProcessor):
    """Text between two of one mark, with no space in it, as ``tag``."""

    def __init__(self, mark, tag, md):
        mark = re.escape(mark)
        # A doubled mark is not one (~~x~~ stays as written), and the pattern cannot
        # backtrack: a run of characters that are not the mark, then the mark.
        super().__init__(rf"(?<!{mark}){mark}([^\s{mark}]+){mark}(?!{mark})", md)
        self.tag = tag

    def handleMatch(self, match, data):  # noqa: N802 - Python-Markdown's API name
        element = ElementTree.Element(self.tag)
        element.text = match.group(1)
        return element, match.start(0), match.end(0)


class _ScriptsExtension(markdown.Extension):
    """Sub- and superscripts for formulas, as Pandoc writes them: ``Pb~10−x~``, ``Cu^2+^``.

    No space inside (``~5 % to ~10 %`` stays as written); a backslash makes a mark
    literal (``\\~``, ``\\^``). Why not pymdown-extensions' tilde and caret: with
    strikethrough and insert turned off they still read ``~~x~~`` as two subscripts, and
    they bring a general delimiter processor for what one pattern per mark does here.
    Each mark counts as inline markup in core/markup_limits.py.
    """

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.ESCAPED_CHARS.extend(["~", "^"])
        # After footnote references ([^1]), links and code, which keep their marks.
        md.inlinePatterns.register(_Script("~", "sub", md), "subscript", 55)
        md.inlinePatterns.register(_Script("^", "sup", md), "superscript", 54)


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
            _ScriptsExtension(),
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


# The links _GlossaryMarker writes, as the sanitizer serialises them.
_TERM_LINK = re.compile(r'<a class="term" href="#term-([\w-]+)">([^<]*)</a>')


def terms_in_place(html):
    """Marked terms in ``html`` from ``sanitize`` as buttons, each opening the element with
    the popover attribute and the id ``define-<slug>`` that the page places for its term.

    Stored HTML keeps the links to "#term-<slug>", which feeds and other pages still use.
    """
    return _TERM_LINK.sub(
        r'<button type="button" class="term" popovertarget="define-\1">\2</button>', html
    )


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


class MarkupRefused(ValueError):
    """The text is too long, too deeply nested or too slow to render; the message says which."""


def _nesting(source):
    """The deepest nesting in ``source``: unclosed ``[`` within a paragraph, or the
    blockquote markers, list markers and indentation (four columns a level) of a line."""
    deepest = 0
    for line in source.splitlines():
        prefix = _LINE_CONTAINERS.match(line).group(0)
        columns = len(prefix.expandtabs(4)) - len(prefix.replace(" ", "").replace("\t", ""))
        markers = prefix.count(">") + len(re.findall(r"[-*+]|\d{1,9}[.)]", prefix))
        deepest = max(deepest, markers + columns // 4)
    brackets = 0
    escaped = False
    blank_run = 0
    for char in source:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            brackets += 1
            deepest = max(deepest, brackets)
        elif char == "]" and brackets:
            brackets -= 1
        if char == "\n":
            blank_run += 1
            if blank_run == 2:  # a blank line ends the paragraph, and its links with it
                brackets = 0
        elif not char.isspace():
            blank_run = 0
    return deepest


def check(source):
    """Raise MarkupRefused when ``source`` is too long, too deeply nested or shaped to
    render too slowly (core/markup_limits.py)."""
    if len(source) > MAX_LENGTH:
        raise MarkupRefused(
            f"This text is {len(source):,} characters long; the limit is {MAX_LENGTH:,}. "
            "Split it or shorten it."
        )
    if _nesting(source) > MAX_NESTING:
        raise MarkupRefused(
            f"This text nests brackets, lists or quotations more than {MAX_NESTING} levels "
            "deep. Flatten it (an unclosed “[” counts as a level)."
        )
    sentence = markup_limits.refusal(source)
    if sentence:
        raise MarkupRefused(sentence)


def _pipeline(source, section, terms):
    return sanitize(render_markdown(source, section=section), terms=terms)


def _render_in_child(connection, source, section, terms):
    connection.send(_pipeline(source, section, terms))
    connection.close()


def _render_with_deadline(source, section, terms, seconds):
    # A thread cannot be stopped mid-computation; a forked child can be killed.
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_in_child, args=(sender, source, section, terms))
    child.start()
    sender.close()
    try:
        if receiver.poll(seconds):
            try:
                return receiver.recv()
            except EOFError:
                pass  # the child failed; render here to raise its error in this process
            return _pipeline(source, section, terms)
        raise MarkupRefused(
            "This text is too complex to render in time (deeply nested HTML, a very long "
            "table or thousands of links in one paragraph?). Simplify or split it."
        )
    finally:
        receiver.close()
        child.kill()
        child.join()


@lru_cache(maxsize=RENDERINGS_KEPT)
def _rendered(source, section, terms, seconds):
    if len(source) <= IN_PROCESS_LENGTH:
        return _pipeline(source, section, terms)
    return _render_with_deadline(source, section, terms, seconds)


def render(source, *, section="body", terms=(), seconds=RENDER_SECONDS):
    """The whole pipeline, for any editor-written Markdown field.

    Raises MarkupRefused for text that is too long, too deeply nested or too slow. The
    result depends only on the arguments, so the latest RENDERINGS_KEPT are kept in the
    process: a story saved again renders only the parts that changed.
    """
    check(source)
    return _rendered(source, slugify(section), tuple(terms), seconds)


def validate(source):
    """For forms: a ValidationError saying why ``source`` cannot be rendered, if it cannot."""
    try:
        render(source)
    except MarkupRefused as refusal:
        raise ValidationError(str(refusal), code="markup_refused") from refusal
