"""The site's fixture content, loaded exactly as `make run` loads it."""

from io import StringIO

from django.core.management import call_command


def load_site_content():
    call_command("load_content", stdout=StringIO())
