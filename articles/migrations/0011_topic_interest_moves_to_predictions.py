from django.db import migrations


class Migration(migrations.Migration):
    """Topic interest belongs to predictions now (predictions.TopicInterest), which copied
    it before this removes the column."""

    dependencies = [
        ("articles", "0010_link_indexes_newest_first"),
        ("predictions", "0006_topic_interest"),
    ]

    operations = [
        migrations.RemoveField(model_name="topic", name="reader_interest"),
    ]
