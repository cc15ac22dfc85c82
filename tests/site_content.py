"""The site's fixture content, loaded exactly as `make run` loads it."""

from django.conf import settings
from django.core.management import call_command

FIXTURE_FILES = ["topics.yaml", "stories-medicine.yaml", "stories-frontiers.yaml"]


def load_site_content():
    fixtures_dir = settings.BASE_DIR / "fixtures"
    call_command("loaddata", *(fixtures_dir / name for name in FIXTURE_FILES), verbosity=0)
