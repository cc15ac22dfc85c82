"""`manage.py check_consistency` on the site's content: quiet when true, loud when not."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from predictions.models import ReadTally
from tests.site_content import load_site_content
from trust.models import Source


@pytest.fixture
def site(db):
    load_site_content()
    call_command("seed_demo_forecasts", stdout=StringIO())


def check():
    out = StringIO()
    call_command("check_consistency", stdout=out)
    return out.getvalue()


def test_the_site_content_is_consistent(site):
    assert "Every stored aggregate equals" in check()


def test_each_difference_is_printed_and_the_command_fails(site):
    source = Source.objects.order_by("slug").first()
    Source.objects.filter(pk=source.pk).update(trust_score=(source.trust_score + 7) % 100)
    ReadTally.objects.create(article=source.citations.first().article, promising=3)
    out = StringIO()
    with pytest.raises(CommandError, match="stored values differ"):
        call_command("check_consistency", stdout=out)
    printed = out.getvalue()
    assert f"trust of source {source.slug}:" in printed
    assert "read tally of story" in printed


def test_reloading_the_content_keeps_every_community_forecast(site):
    """The fixture's questions hold no crowd: a reload over readers' forecasts (as
    `make run` does each time) recomputes each question's from its forecasts."""
    load_site_content()
    assert "Every stored aggregate equals" in check()
