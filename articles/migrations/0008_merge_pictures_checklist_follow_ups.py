"""Joins three migrations written side by side: pictures and authors, the lead story
and publishing checklist, and follow-up links."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_article_follows_up"),
        ("articles", "0007_lead_story_and_publishing_checklist"),
        ("articles", "0007_pictures_and_authors"),
    ]

    operations = []
