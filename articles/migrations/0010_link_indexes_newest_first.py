from django.db import migrations

# Django makes the tables of many-to-many fields itself and gives them no place for
# indexes of our own, so these two are SQL: each term's and each topic's stories, newest
# (highest id) first, which related stories read a few of (articles/search.py).
INDEXES = {
    "articles_article_glossary_terms": ("glossaryterm_id", "article_link_term_newest_idx"),
    "articles_article_topics": ("topic_id", "article_link_topic_newest_idx"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_article_public_by_id_index"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON {table} ({column}, article_id DESC)",
            f"DROP INDEX {name}",
        )
        for table, (column, name) in INDEXES.items()
    ]
