"""manage.py watch_citations: the citation watch (trust/watch.py) now, rather than at its
nightly time (trust/tasks.py); what it finds waits in the admin's queue for an editor."""

from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from trust import watch


def positive(value):
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ArgumentTypeError(f"a whole number of works, 1 or more, not “{value}”")
    return number


class Command(BaseCommand):
    help = (
        "Look up the cited works at Crossref and queue what changed (retractions, "
        "corrections, expressions of concern, published preprints, new versions) for editors."
    )

    def add_arguments(self, parser):
        parser.add_argument("--story", metavar="SLUG", help="Only the works this story cites.")
        parser.add_argument(
            "--limit",
            type=positive,
            metavar="N",
            help="At most N works, those looked up least recently first.",
        )

    def handle(self, *args, story=None, limit=None, **options):
        if story is not None and not Article.objects.filter(slug=story).exists():
            raise CommandError(f"No story has the slug “{story}”.")
        run = watch.watch_citations(story=story, limit=limit)
        self.stdout.write(run.summary())
