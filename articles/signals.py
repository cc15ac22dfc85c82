"""Keep rendered HTML and search terms in step with their sources.

Receivers rather than save() overrides because ``loaddata`` saves raw, which
skips save() but still sends pre_save and m2m_changed: fixtures end up rendered.
"""

from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.dispatch import receiver

from articles.models import Article, Author, Correction, GlossaryTerm, Topic, story_cache_key
from core import httpcache

DERIVED_FIELDS = Article.RENDERED_FIELDS


@receiver(pre_save, sender=Article)
def render_article(sender, instance, **kwargs):
    instance.link_author()
    instance.render()


@receiver(pre_save, sender=GlossaryTerm)
def render_term(sender, instance, **kwargs):
    instance.render()


@receiver(m2m_changed, sender=Article.glossary_terms.through)
def mark_changed_terms(sender, instance, action, reverse, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    articles = instance.articles.all() if reverse else [instance]
    for article in articles:
        article.save(update_fields=DERIVED_FIELDS)


@receiver(post_save, sender=GlossaryTerm)
def remark_term_uses(sender, instance, created, raw, **kwargs):
    """A renamed term or a new alias changes the marks in every story using it."""
    if raw or created:
        return
    for article in instance.articles.all():
        article.save(update_fields=DERIVED_FIELDS)


@receiver(pre_delete, sender=GlossaryTerm)
def unmark_deleted_term(sender, instance, **kwargs):
    """Deleting a term drops its links without m2m_changed; remove them one by one first."""
    for article in instance.articles.all():
        article.glossary_terms.remove(instance)


@receiver(post_save, sender=Article)
@receiver(post_save, sender=Correction)
@receiver(post_save, sender=Topic)
@receiver(post_save, sender=GlossaryTerm)
def purge_cached_pages(sender, instance, **kwargs):
    """Pages that show stories leave the HTTP cache (core/httpcache.py) once this is saved."""
    story = instance if isinstance(instance, Article) else getattr(instance, "article", None)
    topics = ["topics"] if isinstance(instance, Topic) else []
    httpcache.purge("stories", *topics, *([story_cache_key(story.slug)] if story else []))


@receiver(post_save, sender=Author)
def purge_author_pages(sender, instance, **kwargs):
    """An author's page, and the stories whose bylines link to it, leave the HTTP cache."""
    stories = instance.articles.values_list("slug", flat=True)
    httpcache.purge(f"author-{instance.slug}", *(story_cache_key(slug) for slug in stories))
