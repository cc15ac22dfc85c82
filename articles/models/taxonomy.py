"""What stories are filed under and by: topics, glossary terms and authors."""

from django.db import models
from django.urls import reverse

from core import markup


class SlugQuerySet(models.QuerySet):
    """Fixtures refer to objects by slug (natural keys), so reloading updates them."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class TopicQuerySet(SlugQuerySet):
    def with_story_counts(self):
        """Each topic with ``story_count``, the number of its public stories, A–Z.

        Django leaves Meta.ordering out of aggregating queries, so the order is explicit.
        """
        story = self.model._meta.get_field("articles").related_model
        public = story.published_q(prefix="articles__")
        return self.annotate(story_count=models.Count("articles", filter=public)).order_by("name")


class Topic(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in the topic's URL.")
    description = models.TextField(
        blank=True, help_text="One or two plain sentences shown on the topic page."
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class GlossaryTerm(models.Model):
    term = models.CharField(max_length=120, unique=True, help_text="As readers should see it.")
    slug = models.SlugField(max_length=120, unique=True)
    aliases = models.CharField(
        max_length=300,
        blank=True,
        help_text="Other forms that count as a use of the term, separated by commas "
        "(plurals, abbreviations): 'T cells, T-cell'. Matching ignores case.",
    )
    definition = models.TextField(
        validators=[markup.validate],
        help_text="One to three plain sentences. Markdown allowed (emphasis, links).",
    )
    definition_html = models.TextField(editable=False, default="")

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("articles:term", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def forms(self):
        return (self.term, *(alias.strip() for alias in self.aliases.split(",") if alias.strip()))

    def render(self):
        self.definition_html = markup.render(self.definition, section="definition")


class Author(models.Model):
    """A person (or desk) whose stories carry their byline, with a page of their own."""

    name = models.CharField(max_length=120, unique=True, help_text="As printed in bylines.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the author's URL.")
    bio = models.TextField(
        max_length=600,
        blank=True,
        help_text="Two or three plain sentences for readers: what they cover, their background.",
    )

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)
