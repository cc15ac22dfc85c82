"""Editors are told by email of a review asked of them or answered (articles/review_mail.py);
``told_at`` records that each request and decision has been dealt with. Those made before
count as told: nobody is mailed about an old request once the job runner starts."""

from django.db import migrations, models


def count_earlier_ones_as_told(apps, schema_editor):
    ReviewRequest = apps.get_model("articles", "ReviewRequest")
    ReviewDecision = apps.get_model("articles", "ReviewDecision")
    ReviewRequest.objects.update(told_at=models.F("asked_at"))
    ReviewDecision.objects.update(told_at=models.F("decided_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_picture_library'),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewdecision',
            name='told_at',
            field=models.DateTimeField(blank=True, help_text='When the editor who asked was told by email, or found to need no email (articles/review_mail.py); empty until then.', null=True),
        ),
        migrations.AddField(
            model_name='reviewrequest',
            name='told_at',
            field=models.DateTimeField(blank=True, help_text='When the reviewer was told by email, or found to need no email (articles/review_mail.py); empty until then.', null=True),
        ),
        migrations.RunPython(count_earlier_ones_as_told, migrations.RunPython.noop, elidable=True),
    ]
