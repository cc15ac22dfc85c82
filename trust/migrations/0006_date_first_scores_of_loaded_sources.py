from django.db import migrations
from django.db.models import Min

# The reason trust.services.rescore_everything gives: only a scoring from scratch, of
# content loaded with its stories, records a source's first score under it (the admin
# scores a new source as it is saved, under a reason of its own).
FROM_SCRATCH = "Scored against the rubric in force"


def date_first_scores(apps, schema_editor):
    """First scores recorded before trust.services.first_score_time dated them: at the
    publication of the earliest story citing the source, when that is earlier."""
    TrustScoreChange = apps.get_model("trust", "TrustScoreChange")
    Citation = apps.get_model("trust", "Citation")
    for change in TrustScoreChange.objects.filter(old_score__isnull=True, reason=FROM_SCRATCH):
        earliest = Citation.objects.filter(source_id=change.source_id).aggregate(
            earliest=Min("article__published_at")
        )["earliest"]
        if earliest and earliest < change.changed_at:
            change.changed_at = earliest
            change.save(update_fields=["changed_at"])


class Migration(migrations.Migration):
    dependencies = [("trust", "0005_doi_crossref_pattern")]

    operations = [migrations.RunPython(date_first_scores, migrations.RunPython.noop)]
