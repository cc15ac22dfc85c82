"""The articles app's models, one module per subject."""

from articles.models.corrections import ArticleRedirect, Correction, CorrectionQuerySet
from articles.models.pictures import ArticleImage, Picture
from articles.models.preview_links import PreviewLink, PreviewLinkQuerySet
from articles.models.reviews import EditorialComment, ReviewDecision, ReviewRequest
from articles.models.stories import (
    READER_WRITE_COLUMNS,
    READER_WRITE_FIELDS,
    SEARCH_CONFIG,
    Article,
    ArticleQuerySet,
    public_from_reader_write_row,
    story_cache_key,
)
from articles.models.taxonomy import Author, GlossaryTerm, SlugQuerySet, Topic, TopicQuerySet

__all__ = [
    "READER_WRITE_COLUMNS",
    "READER_WRITE_FIELDS",
    "SEARCH_CONFIG",
    "Article",
    "ArticleImage",
    "ArticleQuerySet",
    "ArticleRedirect",
    "Author",
    "Correction",
    "CorrectionQuerySet",
    "EditorialComment",
    "GlossaryTerm",
    "Picture",
    "PreviewLink",
    "PreviewLinkQuerySet",
    "ReviewDecision",
    "ReviewRequest",
    "SlugQuerySet",
    "Topic",
    "TopicQuerySet",
    "public_from_reader_write_row",
    "story_cache_key",
]
