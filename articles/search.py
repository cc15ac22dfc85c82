"""How readers find stories: full-text search with a trigram fallback, and related stories.

Matching and ranking read the stored, GIN-indexed ``Article.search_vector``. Only
snippets are made per request, and PostgreSQL makes them after the sort and limit:
for the page of results shown, not for every match.
"""

import html
import re
from dataclasses import dataclass

from django import forms
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import F, Func, QuerySet, TextField, Value
from django.db.models.functions import Concat, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import cards
from articles.models import SEARCH_CONFIG, Article, Topic

MAX_QUERY_LENGTH = 200
# word_similarity from 0 to 1: at 0.4 "perovskyte" finds "perovskite" and
# "fuson ignitoin" finds "fusion ignition", while unrelated headlines score below 0.3.
SIMILARITY_THRESHOLD = 0.4
RELATED_STORIES = 4
TERM_WEIGHT, TOPIC_WEIGHT = 2, 1  # a shared glossary term counts twice a topic
# The stories each of a story's terms and topics offers as related: its newest this many.
CANDIDATES_PER_LINK = 20
ALSO_ABOUT = 2  # shared names a related story's card shows

# ts_headline marks matches with these; the snippet is escaped first and only
# then are they turned into <mark>, so no editor HTML can reach the page.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
# Each footnote's marker and back link, and nothing between them: PostgreSQL makes a whole
# pattern greedy when its first quantifier is, so a lazy ".*?" would run from the first
# <sup> to the last and take a formula's superscripts and the text between with it.
FOOTNOTE_MARKERS = (
    r'<sup id="fnref[^"]*"><a [^>]*>[^<]*</a></sup>|<a class="footnote-backref"[^>]*>[^<]*</a>'
)
_SEARCH_SYNTAX = re.compile(r'"|(?:^|\s)-\w|\bor\b', re.IGNORECASE)


class SearchForm(forms.Form):
    max_query_length = MAX_QUERY_LENGTH
    shortened = False  # set when clean_q cut the query

    q = forms.CharField(
        label="Search stories",
        required=False,
        widget=forms.SearchInput(attrs={"class": "search-form__input"}),
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All topics",
    )

    def clean_q(self):
        """Collapse whitespace; cut an overlong query rather than refuse it."""
        query = " ".join(self.cleaned_data["q"].split())
        self.shortened = len(query) > self.max_query_length
        return query[: self.max_query_length].strip()

    @property
    def has_words(self):
        """Punctuation alone ("?!", "--") gives PostgreSQL nothing to look for."""
        return any(character.isalnum() for character in self.cleaned_data["q"])


@dataclass(frozen=True)
class SearchResults:
    stories: QuerySet
    similar: bool  # found by trigram similarity because full text found nothing
    only_common_words: bool = False  # every word is one the search ignores ("the", "of")


def search_stories(query, *, topic=None):
    """Published stories matching ``query`` (web-search syntax), best match first.

    When full text finds nothing, as for a misspelt word, fall back to stories whose
    headline or glossary terms are spelt like the query.
    """
    stories = Article.objects.published()
    if topic is not None:
        stories = stories.filter(topics=topic)
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    matches = _full_text_matches(stories, search_query)
    # A query with quotes, "-" or "or" says exactly what it wants: no guessing.
    if _SEARCH_SYNTAX.search(query) or matches.exists():
        return SearchResults(stories=matches, similar=False)
    # Stop words alone ("the of") leave full text nothing to look for, and every
    # headline with "the" in it would look similar: say the words are ignored instead.
    if not _has_lexemes(query):
        return SearchResults(stories=stories.none(), similar=False, only_common_words=True)
    return SearchResults(stories=_similar_matches(stories, query), similar=True)


def _has_lexemes(query):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(websearch_to_tsquery(%s::regconfig, %s)) > 0", [SEARCH_CONFIG, query]
        )
        return cursor.fetchone()[0]


def _regexp_remove(text, pattern):
    return Func(
        text,
        Value(pattern),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _full_text_matches(stories, search_query):
    body_html = Concat("explanation_html", Value(" "), "technical_html", output_field=TextField())
    # Footnote markers ("Tscm<sup>1</sup>") and back-links ("↩") go with their text, so
    # no stray number sticks to a word; then the tags go. Markdown's HTML puts a newline
    # between blocks, so words stay apart.
    body_text = _regexp_remove(
        _regexp_remove(body_html, FOOTNOTE_MARKERS),
        "<[^>]+>",
    )
    return (
        stories.filter(search_vector=search_query)
        .annotate(
            rank=SearchRank(F("search_vector"), search_query),
            snippet=SearchHeadline(
                body_text,
                search_query,
                config=SEARCH_CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .for_listing()
        .order_by("-rank", "-published_at", "-pk")
    )


def _similar_matches(stories, query):
    similarity = Greatest(
        TrigramWordSimilarity(query, "headline"), TrigramWordSimilarity(query, "search_terms")
    )
    return (
        stories.alias(similarity=similarity)
        .filter(similarity__gte=SIMILARITY_THRESHOLD)
        .for_listing()
        .order_by("-similarity", "-published_at", "-pk")
    )


def highlighted(snippet):
    """A ts_headline snippet as safe HTML: all text escaped, matches in <mark>."""
    text = escape(html.unescape(snippet))
    marked = _MARKED.sub(r"<mark>\1</mark>", text)
    return mark_safe(marked.replace(_START, "").replace(_STOP, ""))


def _newest_links(links, column):
    """SQL for the newest CANDIDATES_PER_LINK stories linked to each id of an array
    (parameters: the ids, the story to leave out, the number), read from the link
    table's (``column``, story id descending) index."""
    return f"""SELECT newest.article_id
            FROM unnest(%s::bigint[]) AS linked(id) CROSS JOIN LATERAL (
                SELECT article_id FROM {links}
                WHERE {column} = linked.id AND article_id <> %s
                ORDER BY article_id DESC LIMIT %s
            ) AS newest"""


def related_stories(article, *, limit=RELATED_STORIES):
    """Published stories sharing the most glossary terms and topics with ``article``.

    Score: 2 per shared glossary term, 1 per shared topic (a term says what a story is
    about more narrowly than a topic does); ties go to the newest. A shared cited
    source would be worth 2 as well, but sources belong to the trust app, which
    articles must not import (docs/architecture.md), so they do not count here.

    One query, whose cost does not grow with the number of stories. Each of the story's
    terms and topics offers its newest CANDIDATES_PER_LINK stories (by id, from the
    link tables' (term or topic, story) indexes, newest first); each candidate is
    scored on everything it shares (through the links' (story, term or topic)
    indexes), and only candidates are looked up by primary key. So a story in a topic
    of thousands reads twenty of them, and a story older than the twenty newest of each
    thing it shares is not offered at all: readers look for related stories among the
    recent ones. What a card shows beyond the headline (the columns other apps add, the
    shared names) is fetched for the few winners only. Pass a story from
    ``for_detail()``: its prefetched topics and terms give the ids without a query, and
    the names each result's ``also_about`` lists (up to two, terms first) to say why it
    is related.
    """
    terms = {term.pk: term.term for term in article.glossary_terms.all()}
    topics = {topic.pk: topic.name for topic in article.topics.all()}
    if not terms and not topics:
        return []
    # The ORM cannot group a UNION ALL, so the scoring is SQL; the public rule still
    # comes from Article.published_q(), compiled for the outer table.
    public = Article.objects.published()
    public_sql, public_params = public.query.get_compiler(public.db).compile(public.query.where)
    table = Article._meta.db_table
    term_links = Article.glossary_terms.through._meta.db_table
    topic_links = Article.topics.through._meta.db_table
    # The columns other apps add to cards (articles/cards.py): their own query, joined.
    columns = cards.annotations()
    card_sql, card_params = ("", ())
    if columns:
        card_query = Article.objects.annotate(**columns).values("pk", *columns).order_by()
        card_sql, card_params = card_query.query.sql_with_params()
    card_join = f"LEFT JOIN ({card_sql}) AS card ON card.pk = top.id" if columns else ""
    card_columns = "".join(f', card."{name}"' for name in columns)
    sql = f"""
        WITH candidates AS (
            {_newest_links(term_links, "glossaryterm_id")}
            UNION
            {_newest_links(topic_links, "topic_id")}
        ), scored AS (
            SELECT article_id,
                   %s * (SELECT count(*) FROM {term_links} AS link
                         WHERE link.article_id = candidates.article_id
                         AND link.glossaryterm_id = ANY(%s))
                 + %s * (SELECT count(*) FROM {topic_links} AS link
                         WHERE link.article_id = candidates.article_id
                         AND link.topic_id = ANY(%s)) AS score
            FROM candidates
        ), top AS (
            SELECT {table}.id, published_at, score
            FROM scored JOIN {table} ON {table}.id = article_id
            WHERE {public_sql}
            ORDER BY score DESC, {table}.published_at DESC, {table}.id DESC
            LIMIT %s
        )
        SELECT top.id, story.slug, story.headline, story.dek, top.published_at,
               story.unpublish_at,
               ARRAY(SELECT glossaryterm_id FROM {term_links}
                     WHERE article_id = top.id AND glossaryterm_id = ANY(%s))
               AS shared_terms,
               ARRAY(SELECT topic_id FROM {topic_links}
                     WHERE article_id = top.id AND topic_id = ANY(%s))
               AS shared_topics{card_columns}
        FROM top JOIN {table} AS story ON story.id = top.id {card_join}
        ORDER BY top.score DESC, top.published_at DESC, top.id DESC
    """
    params = [list(terms), article.pk, CANDIDATES_PER_LINK]
    params += [list(topics), article.pk, CANDIDATES_PER_LINK]
    params += [TERM_WEIGHT, list(terms), TOPIC_WEIGHT, list(topics)]
    params += [*public_params, limit, list(terms), list(topics), *card_params]
    stories = list(Article.objects.raw(sql, params))
    for story in stories:
        names = [terms[pk] for pk in terms if pk in story.shared_terms]
        names += [topics[pk] for pk in topics if pk in story.shared_topics]
        story.also_about = names[:ALSO_ABOUT]
    return stories
