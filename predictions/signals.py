"""Render question criteria on save; pre_save also runs for loaddata's raw saves."""

from django.db.models.signals import pre_save
from django.dispatch import receiver

from core import markup
from predictions.models import Question


@receiver(pre_save, sender=Question)
def render_criteria(sender, instance, **kwargs):
    instance.criteria_html = markup.render(instance.criteria, section="criteria")
