"""Render question criteria on save; pre_save also runs for loaddata's raw saves. A saved
question leaves the HTTP cache and the kept page parts of its story and the question lists
(core/httpcache.py), wherever it was edited."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from articles.models import story_cache_key
from core import httpcache, markup
from predictions import cache_keys
from predictions.models import Question


@receiver(pre_save, sender=Question)
def render_criteria(sender, instance, **kwargs):
    instance.criteria_html = markup.render(instance.criteria, section="criteria")


@receiver(post_save, sender=Question)
def purge_question_pages(sender, instance, **kwargs):
    httpcache.purge(
        story_cache_key(instance.article.slug), cache_keys.question(instance.slug), "questions"
    )
