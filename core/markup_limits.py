"""Shapes of Markdown that the pipeline takes more than linear time on, each found by
one linear pass, so that core/markup.py refuses them in milliseconds before parsing.

Measured with Python-Markdown 3.11, bleach 6.4 and html5lib 1.1 on a two-core
development machine (Markdown and sanitising together):

- Inline markup, per block of text that Python-Markdown renders inline as one (a
  paragraph, a list item, a table row, a heading). Each link destination ``](``, raw
  HTML tag, footnote reference and run of ``*``, ``_``, backticks or the sub- and
  superscript marks ``~`` and ``^`` costs it a pass over the rest of the block: an
  unclosed ``[a](`` scans to the block's end for its ``)``, and every match rebuilds
  the block's text. ``"[a](" * 10000`` takes over 8 s, ``"*a* " * 25000`` 3.4 s,
  ``"~a~ " * 25000`` 4.8 s, 400 ordinary links in one 21,000-character paragraph
  1.3 s, and the same 400 links as 400 paragraphs 30 ms. The load is the
  marks in a block times its length, summed over the blocks, a link destination
  counting ``LINK_WEIGHT`` marks (it costs about ten times the others). At
  ``MAX_INLINE_LOAD`` the costliest shapes measured (links, or unclosed tags, back to
  back) render in about 0.35 s, and sub- and superscripts back to back in about 0.2 s,
  while the fixture stories weigh at most about 40,000 (the LK-99 follow-up, its
  formulas in marks) and the 74,000-character story of dense technical paragraphs in
  tests/core/test_markup_limits.py about 5.5 million.
- Raw HTML start tags, over the whole text. Python's html.parser reads the text
  before anything else, paragraphs, code spans and backslashes notwithstanding, and
  reads on from each ``<a`` to the next ``>``: ``"<a \\n\\n" * 4000`` (20,000
  characters, no ``>``) takes 2.3 s, ``"\\<a " * 20000`` 49 s. html5lib then pays for
  each element: 4,000 ``<a>`` paragraphs take 1.3 s, 8,000 unclosed ``<div>`` 2.7 s.
- Code fences. Each line of three backticks or tildes that opens no closed block
  costs a scan to the end of the text (``"```a\\nx\\n" * 8000`` takes 4 s), and ``hl_lines="``
  on a fence backtracks across every later quote (2,000 such lines: over 10 s).
- Tables, by the row: 4,000 rows take 1.1 s in html5lib, 8,000 rows 4 s.

Long runs of ``*`` or ``_`` alone (``"*" * 100000``) stay fast. What the scans let
through is at worst linear: at the 100,000-character limit a text of nothing but
``&``, ``<`` or setext headings still takes 3 to 5 s, which the child's deadline bounds.
"""

import re

MAX_INLINE_LOAD = 10_000_000  # Σ over blocks of weighted inline marks × characters
LINK_WEIGHT = 10  # a link destination costs Python-Markdown about ten times another mark
MAX_HTML_TAGS = 1_000
MAX_TAG_SCAN = 5_000_000  # Σ over HTML start tags of the characters to the next ">"
MAX_FENCE_SCAN = 20_000_000  # fence lines × characters of the text
MAX_TABLE_ROWS = 1_000

# What Python-Markdown tries to match inline: a link's destination; a raw HTML tag,
# comment or autolink, a footnote reference, emphasis, code, sub- and superscripts;
# and a backslash escape, which makes the character after it plain text for the
# inline patterns.
_LINK_MARK = re.compile(r"\]\(")
_OTHER_MARK = re.compile(r"<[A-Za-z/!?]|\[\^|\*+|_+|`+|~+|\^+")
_MARKUP_CHARACTERS = re.compile(r"[]<*_`~^[]")
_ESCAPED = re.compile(r"\\.")
_LIST_ITEM = re.compile(r"[ \t]*([-*+]|\d{1,9}[.)])[ \t]")
_TAG_START = re.compile(r"<[A-Za-z]")


def refusal(source):
    """Why ``source`` would be too slow to render (a sentence for its editor), or None."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for scan in (_inline_markup, _html_tags, _code_fences, _tables):
        sentence = scan(source, lines)
        if sentence:
            return sentence
    return None


def inline_load(block):
    _, links, others, length = block
    return (LINK_WEIGHT * links + others) * length


def _inline_markup(source, lines):
    blocks = inline_blocks(lines)
    if sum(map(inline_load, blocks)) <= MAX_INLINE_LOAD:
        return None
    line, links, others, length = max(blocks, key=inline_load)
    return (
        "This text has too much inline markup for the length of its paragraphs to render "
        f"in time: the paragraph at line {line} has {links:,} links and {others:,} HTML "
        f"tags, footnote references or “*”, “_” or “`” marks in {length:,} characters. "
        "Split long paragraphs or close what is left open (sub- and superscript marks, "
        "“~” and “^”, count too); write a character meant literally with a backslash "
        "before it (“\\*”, “\\[”, “\\~”)."
    )


def inline_blocks(lines):
    """(first line, links, other inline marks, characters) of each block of ``lines`` that
    Python-Markdown renders inline as one text, as far as one pass can tell.

    A blank line (spaces and tabs only) ends a block, a heading is a block of its own,
    and so is each item of a list and each row of a table. A list opens at the start,
    after a blank line or after a heading; its items are the lines with its kind of
    marker (sane_lists: a "- " line in a numbered list, or after a paragraph, continues
    the text before it). A table is a block whose first two lines are a header and a
    separator of as many cells. Where the scan cannot tell, lines stay together, which
    can only overstate the load.
    """
    blocks = []
    first, links, others, length = 0, 0, 0, 0
    may_open_list, ends_block, in_table = True, True, False
    list_kind = None  # "ol" or "ul" while in a list
    for index, line in enumerate(lines):
        if not line.strip(" \t"):
            may_open_list = ends_block = True
            in_table = False
            continue
        heading = line.startswith("#")
        marker = _LIST_ITEM.match(line)
        kind = None if marker is None else "ol" if marker.group(1)[0].isdigit() else "ul"
        new_item = False
        if ends_block and index + 1 < len(lines) and _table_starts(line, lines[index + 1]):
            in_table = True
        elif heading:
            list_kind = None
        elif kind and (may_open_list or kind == list_kind):
            list_kind, new_item = kind, True
        elif may_open_list and line[0] not in " \t":
            list_kind = None  # unindented text after a blank line ends a list
        if ends_block or heading or new_item or in_table:
            if length:
                blocks.append((first, links, others, length))
            first, links, others, length = index + 1, 0, 0, 0
        if _MARKUP_CHARACTERS.search(line):
            unescaped = _ESCAPED.sub("", line)
            links += len(_LINK_MARK.findall(unescaped))
            others += len(_OTHER_MARK.findall(unescaped))
        length += len(line) + 3 * line.count("\t") + 1  # a tab becomes up to four spaces
        may_open_list = ends_block = heading and not in_table
    if length:
        blocks.append((first, links, others, length))
    return blocks


def _table_starts(header, separator):
    """Whether Python-Markdown's tables extension reads these two lines as a table's
    header and separator. Lines with a backslash or a backtick (escaped pipes, pipes in
    code) are left to it: the scan answers no, which can only overstate the load."""
    if "|" not in header or "\\" in header + separator or "`" in header + separator:
        return False
    header, separator = header.strip(" "), separator.strip(" ")
    if not set(separator) <= set("|:- ") or "-" not in separator:
        return False
    border = header.startswith("|") or header.endswith("|")
    return len(_cells(header, border)) == len(_cells(separator, border)) > 1


def _cells(row, border):
    if border:
        row = row.removeprefix("|").removesuffix("|")
    return row.split("|")


def _html_tags(source, lines):
    starts, scan, longest = 0, 0, (0, 0)
    offset = 0
    for segment in source.split(">"):
        for match in _TAG_START.finditer(segment):
            starts += 1
            reads = len(segment) - match.start()
            scan += reads
            longest = max(longest, (reads, offset + match.start()))
        offset += len(segment) + 1
    if starts > MAX_HTML_TAGS:
        return (
            f"This text has {starts:,} HTML tags; the limit is {MAX_HTML_TAGS:,}. Write it in "
            "Markdown, or write a “<” meant literally as “&lt;”."
        )
    if scan > MAX_TAG_SCAN:
        line = source.count("\n", 0, longest[1]) + 1
        return (
            f"This text has HTML tags left open, from line {line} on: a “<” followed by a "
            "letter with no “>” after it. Close each tag with “>”, or write a “<” meant "
            "literally as “&lt;” (a backslash does not help here)."
        )
    return None


def _code_fences(source, lines):
    fences = [number for number, line in enumerate(lines, start=1) if line[:3] in {"```", "~~~"}]
    for number in fences:
        if "hl_lines" in lines[number - 1]:
            return (
                f"The code fence at line {number} sets hl_lines, which this site does not "
                "use; remove it."
            )
    if len(fences) * len(source) > MAX_FENCE_SCAN:
        return (
            f"This text has {len(fences):,} code fence lines (``` or ~~~) in "
            f"{len(source):,} characters, too many to render in time. Close each code "
            "block with the same fence that opened it, or use fewer."
        )
    return None


def _tables(source, lines):
    first = rows = start = run = 0
    for number, line in enumerate(lines, start=1):
        if "|" not in line:  # a table needs no pipe at either end: any "|" line may be a row
            run = 0
            continue
        if run == 0:
            start = number
        run += 1
        if run > rows:
            first, rows = start, run
    if rows > MAX_TABLE_ROWS:
        return (
            f"The table at line {first} has {rows:,} rows; the limit is {MAX_TABLE_ROWS:,}. "
            "Split it into smaller tables, or link to the data."
        )
    return None
