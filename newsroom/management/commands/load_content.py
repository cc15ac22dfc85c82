from pathlib import Path

import yaml
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import BaseCommand, call_command

from articles import picture_store
from articles.models import Article, ArticleImage, Picture
from predictions import services

# In dependency order: stories refer to authors, topics and terms; evidence and questions
# to stories.
FIXTURE_FILES = [
    "topics.yaml",
    "authors.yaml",
    "stories-medicine.yaml",
    "stories-frontiers.yaml",
    "evidence.yaml",
    "predictions.yaml",
    "stories-threads.yaml",
]
# Pictures are files as well as rows: attached through the model, as an upload would be.
FIGURES_FILE = "figures.yaml"


class Command(BaseCommand):
    help = "Load the site's fixture content (idempotent: updates it in place) and score it."

    def handle(self, *args, **options):
        fixtures_dir = settings.BASE_DIR / "fixtures"
        call_command("loaddata", *(fixtures_dir / name for name in FIXTURE_FILES), verbosity=0)
        self.load_figures(fixtures_dir)
        # loaddata saves raw, past the services that keep scores and weights (and resets
        # the topics' stored interest and the questions' crowd): compute them now.
        call_command("rescore", stdout=self.stdout)
        call_command("rebuild_topic_weights", stdout=self.stdout)
        services.rebuild_community_forecasts()

    def load_figures(self, fixtures_dir):
        """Each figure goes into the picture library (once per file) and replaces the
        story's picture in the same place and position."""
        entries = yaml.safe_load((fixtures_dir / FIGURES_FILE).read_text())
        for entry in entries:
            article = Article.objects.get(slug=entry["story"])
            with (fixtures_dir / entry["file"]).open("rb") as file:
                stored = picture_store.store(
                    default_storage, File(file, name=Path(entry["file"]).name)
                )
            picture = Picture.objects.filter(original=stored.name).first() or Picture(
                original=stored.name,
                width=stored.width,
                height=stored.height,
                variants=stored.variants,
            )
            for field in ("alt", "credit", "licence"):
                setattr(picture, field, entry[field])
            picture.full_clean()
            picture.save()
            place = {"role": entry["place"], "position": entry.get("position", 0)}
            image = article.images.filter(**place).first() or ArticleImage(article=article, **place)
            image.picture, image.caption = picture, entry["caption"]
            image.full_clean()
            image.save()
