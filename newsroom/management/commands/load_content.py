from django.conf import settings
from django.core.management import BaseCommand, call_command

# In dependency order: stories refer to topics and terms; evidence and questions to stories.
FIXTURE_FILES = [
    "topics.yaml",
    "stories-medicine.yaml",
    "stories-frontiers.yaml",
    "evidence.yaml",
    "predictions.yaml",
    "stories-threads.yaml",
]


class Command(BaseCommand):
    help = "Load the site's fixture content (idempotent: updates it in place) and score it."

    def handle(self, *args, **options):
        fixtures_dir = settings.BASE_DIR / "fixtures"
        call_command("loaddata", *(fixtures_dir / name for name in FIXTURE_FILES), verbosity=0)
        # loaddata saves raw, past the services that keep scores and weights (and resets
        # the topics' stored interest): compute them now.
        call_command("rescore", stdout=self.stdout)
        call_command("rebuild_topic_weights", stdout=self.stdout)
