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
from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import SEARCH_CONFIG, Article, Topic

MAX_QUERY_LENGTH = 200
# word_similarity from 0 to 1: at 0.4 "perovskyte" finds "perovskite" and
# "fuson ignitoin" finds "fusion ignition", while unrelated headlines score below 0.3.
SIMILARITY_THRESHOLD = 0.4
RELATED_STORIES = 4

# ts_headline marks matches with these; the snippet is escaped first and only
# then are they turned into <mark>, so no editor HTML can reach the page.
_START, _STOP = "\ue000", "\ue001"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)
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
    return SearchResults(stories=_similar_matches(stories, query, search_query), similar=True)


def _full_text_matches(stories, search_query):
    body_text = Func(
        Concat("explanation_html", Value(" "), "technical_html", output_field=TextField()),
        # Tags go; Markdown's HTML puts a newline between blocks, so words stay apart.
        Value("<[^>]+>"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
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


def _similar_matches(stories, query, search_query):
    # A query of stop words alone ("the") has no lexemes; every headline with
    # "the" in it would look similar. numnode() is 0 for such a query.
    lexemes = Func(search_query, function="numnode", output_field=IntegerField())
    similarity = Greatest(
        TrigramWordSimilarity(query, "headline"), TrigramWordSimilarity(query, "search_terms")
    )
    return (
        stories.alias(lexemes=lexemes, similarity=similarity)
        .filter(lexemes__gt=0, similarity__gte=SIMILARITY_THRESHOLD)
        .for_listing()
        .order_by("-similarity", "-published_at", "-pk")
    )


def highlighted(snippet):
    """A ts_headline snippet as safe HTML: all text escaped, matches in <mark>."""
    text = escape(html.unescape(snippet))
    marked = _MARKED.sub(r"<mark>\1</mark>", text)
    return mark_safe(marked.replace(_START, "").replace(_STOP, ""))


def related_stories(article, *, limit=RELATED_STORIES):
    """Published stories sharing the most topics and glossary terms with ``article``.

    One query: the shared topics and terms are counted in the database.
    """
    shared_topics = Count("topics", filter=Q(topics__in=article.topics.all()), distinct=True)
    shared_terms = Count(
        "glossary_terms", filter=Q(glossary_terms__in=article.glossary_terms.all()), distinct=True
    )
    return (
        Article.objects.published()
        .exclude(pk=article.pk)
        .alias(overlap=shared_topics + shared_terms)
        .filter(overlap__gt=0)
        .only("slug", "headline", "dek", "published_at")
        .order_by("-overlap", "-published_at", "-pk")[:limit]
    )
