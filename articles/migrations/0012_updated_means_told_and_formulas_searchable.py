import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.utils.timezone
from django.db import migrations, models

EXPLANATION_HELP = (
    "Markdown. Plain language for a general reader: what happened, why it matters, what to "
    "watch. Use ### for subheadings; H~2~O and Cu^2+^ for sub- and superscripts (no spaces "
    "inside)."
)
TECHNICAL_HELP = (
    "Markdown. The same story for a specialist: mechanisms, numbers, caveats, open questions. "
    "Formulas: Pb~10−x~Cu~x~(PO~4~)~6~O, Cu^2+^, 10^−3^."
)
UPDATED_HELP = (
    "When readers were last told of a change: the publish time, then the date of each "
    "correction or update note. An edit without a note leaves it; the history keeps every edit."
)


def searched_markdown(field):
    return models.Func(
        models.F(field),
        models.Value("−~^"),
        models.Value("-"),
        function="translate",
        output_field=models.TextField(),
    )


class Migration(migrations.Migration):
    """A story's updated time becomes the last change its readers were told of; editors
    are told how to write sub- and superscripts, and search reads them as plain text. A
    generated column cannot be altered, only dropped and added again (with its index)."""

    dependencies = [
        ("articles", "0011_topic_interest_moves_to_predictions"),
    ]

    operations = [
        *(
            operation
            for model_name in ("article", "historicalarticle")
            for operation in (
                migrations.AlterField(
                    model_name=model_name,
                    name="explanation",
                    field=models.TextField(blank=True, help_text=EXPLANATION_HELP),
                ),
                migrations.AlterField(
                    model_name=model_name,
                    name="technical",
                    field=models.TextField(
                        blank=True, help_text=TECHNICAL_HELP, verbose_name="technical deep dive"
                    ),
                ),
            )
        ),
        migrations.AlterField(
            model_name="article",
            name="updated_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                help_text=UPDATED_HELP,
                verbose_name="updated",
            ),
        ),
        migrations.AlterField(
            model_name="historicalarticle",
            name="updated_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now,
                editable=False,
                help_text=UPDATED_HELP,
                verbose_name="updated",
            ),
        ),
        migrations.RemoveIndex(model_name="article", name="article_search_idx"),
        migrations.RemoveField(model_name="article", name="search_vector"),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "headline", config="english", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "dek", "search_terms", config="english", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        searched_markdown("explanation"),
                        searched_markdown("technical"),
                        config="english",
                        weight="C",
                    ),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fastupdate=False, fields=["search_vector"], name="article_search_idx"
            ),
        ),
    ]
