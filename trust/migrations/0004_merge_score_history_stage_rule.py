"""Joins two migrations written side by side: citation status with the score history,
and the evidence stage rule's recorded departures."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0003_citation_status_score_history"),
        ("trust", "0003_stage_rule_departure"),
    ]

    operations = []
