"""What changes a published story after the fact: corrections and update notes, and
the old slugs of renamed stories."""

from django.db import models
from django.utils import timezone

from articles.models.stories import Article


class CorrectionQuerySet(models.QuerySet):
    def on_public_stories_by(self, author):
        """Corrections on an author's public stories, newest first, with their story."""
        return (
            self.filter(Article.published_q(prefix="article__"), article__author=author)
            .select_related("article")
            .only("kind", "note", "made_at", "article__slug", "article__headline")
            .order_by("-made_at", "-pk")
        )

    def get_by_natural_key(self, story_slug, made_at):
        return self.get(article__slug=story_slug, made_at=made_at)


class Correction(models.Model):
    """A dated correction or update note on a published story, shown to readers."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    note = models.TextField(help_text="What was wrong and what is right now, or what is new.")
    made_at = models.DateTimeField("date", default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"

    def save(self, *args, **kwargs):
        """A correction or update note is what moves the story's updated time (the
        "Updated" date readers see, Article.save). Fixtures load raw, past this: each
        story's ``updated_at`` there is the date of its latest note."""
        super().save(*args, **kwargs)
        Article.objects.filter(pk=self.article_id, updated_at__lt=self.made_at).update(
            updated_at=self.made_at
        )

    def natural_key(self):
        """Fixtures name a note by its story and date, so reloading them updates it."""
        return (self.article.slug, self.made_at)


class ArticleRedirect(models.Model):
    """An old slug of a published story that was renamed: its links keep working."""

    old_slug = models.SlugField(max_length=140, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")

    class Meta:
        verbose_name = "old link of a story"

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
