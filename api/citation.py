"""A story's citation in three formats: plain text, BibTeX and CSL-JSON.

Pure formatting, no database: ``Cited`` holds what a citation needs. The plain
text follows APA's pattern for a news story on a website (author, date,
headline, site, URL); BibTeX uses biblatex's ``@online`` entry; CSL-JSON is the
citation-style language's input format, which reference managers import.
"""

import json
from dataclasses import dataclass
from datetime import date

# BibTeX's special characters, each written so that it prints as itself.
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


@dataclass(frozen=True)
class Cited:
    key: str
    headline: str
    byline: str
    site: str
    published: date
    url: str
    abstract: str = ""


def plain_text(cited):
    day = f"{cited.published.year}, {cited.published.day} {cited.published:%B}"
    return f"{cited.byline} ({day}). {cited.headline}. {cited.site}. {cited.url}"


def bibtex_escape(text):
    return "".join(BIBTEX_ESCAPES.get(character, character) for character in text)


def bibtex(cited):
    # Double braces keep a byline ("Newsroom science desk") as one name, not split in parts.
    fields = [
        ("author", "{" + bibtex_escape(cited.byline) + "}"),
        ("title", bibtex_escape(cited.headline)),
        ("organization", bibtex_escape(cited.site)),
        ("date", cited.published.isoformat()),
        ("url", cited.url),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@online{{{cited.key},\n{body}\n}}"


def csl_data(cited):
    item = {
        "id": cited.key,
        "type": "article-newspaper",
        "title": cited.headline,
        "container-title": cited.site,
        "author": [{"literal": cited.byline}],
        "issued": {
            "date-parts": [[cited.published.year, cited.published.month, cited.published.day]]
        },
        "URL": cited.url,
    }
    if cited.abstract:
        item["abstract"] = cited.abstract
    return item


def csl_json(cited):
    return json.dumps([csl_data(cited)], ensure_ascii=False, indent=2)
