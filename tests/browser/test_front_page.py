"""Issue 34: a front page with hierarchy. At a phone's 390x844 and a desktop's 1366x900, in
light and dark, with and without JavaScript: the lead and its art open the page, the
sections by topic follow, and the evidence and question modules sit beside them on a
desktop (in the first screen) and after them on a phone; nothing scrolls sideways; axe
finds nothing and the Nu HTML Checker no error, with the modules full (reads, a crowd on
a question closing soon, a pinned lead with its picture) and empty."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from articles.models import Article
from articles.services import pin_lead
from predictions import services
from predictions.models import Question
from predictions.services import settling
from tests.browser.schemes import each_scheme
from tests.browser.test_accessibility import checked, describe
from tests.test_html_validity import describe as describe_errors
from tests.test_html_validity import run_vnu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
VARIANTS = [(size, script) for size in ("phone", "desktop") for script in (True, False)]
MODULES = ["Evidence that moved this week", "Questions closing soon", "Recently resolved"]


def readers_act():
    """Reads on a few stories (for what readers want covered) and enough forecasts on the
    question closing next for its crowd to show."""
    for number, slug in enumerate(
        [
            "lk-99-room-temperature-superconductor-claim",
            "nif-fusion-ignition",
            "tscm-car-t-first-in-human",
        ]
    ):
        for reader in range(number + 1):
            services.cast_read(
                article=Article.objects.get(slug=slug),
                reader_id=f"reader-{number}-{reader}",
                choice="promising",
            )
    question = Question.objects.public().open_now().order_by("closes_at").first()
    for reader in range(6):
        services.submit_forecast(question=question, reader_id=f"reader-{reader}", probability=40)
    settling.settle()


@pytest.fixture
def site(fixture_content):
    call_command("seed_demo_forecasts", readers=8, stdout=StringIO())
    readers_act()


def new_page(browser, live_server, *, size, script):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE if size == "phone" else DESKTOP,
        java_script_enabled=script,
        reduced_motion="reduce",
    )
    return context.new_page()


def top(page, locator):
    return locator.first.bounding_box()["y"] + page.evaluate("scrollY")


@pytest.mark.parametrize(("size", "script"), VARIANTS)
def test_the_lead_then_the_sections_then_the_modules_at_every_size(
    browser, live_server, site, size, script
):
    page = new_page(browser, live_server, size=size, script=script)
    page.goto("/")
    height = page.viewport_size["height"]
    for _scheme in each_scheme(page):
        lead = page.locator(".front-lead .card__headline")
        assert lead.inner_text().startswith("Stem-like memory T cells")
        assert top(page, lead) < height / 3
        art = page.locator(".front-lead__art .lead-gauge")
        assert art.is_visible() and art.bounding_box()["y"] < height
        sections = page.locator(".front-section__heading")
        assert sections.all_inner_texts()[:3] == ["MEDICINE", "MATERIALS", "PHYSICS"]
        modules = [page.get_by_role("heading", name=name, exact=True) for name in MODULES]
        assert all(module.is_visible() for module in modules)
        if size == "desktop":
            # Beside the sections, the first module in the first screen.
            assert top(page, modules[0]) < height
            assert top(page, modules[0]) < top(page, sections.nth(1))
        else:
            # After the sections, in the order of the page.
            assert top(page, modules[0]) > top(page, sections.last)
        assert [top(page, module) for module in modules] == sorted(top(page, m) for m in modules)
        wanted = page.locator(".wanted__item")
        assert wanted.count() >= 3 and "weight" not in page.locator(".front__wanted").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.context.close()


def test_the_front_page_has_no_axe_violations_full_or_empty(browser, live_server, fixture_content):
    """Empty: no reads, no forecasts; full: reads, a crowd, demo forecasts, a pinned lead
    with its picture."""
    found = {}

    def check(state):
        for size in ("phone", "desktop"):
            page = new_page(browser, live_server, size=size, script=True)
            page.goto("/")
            checked(page, f"{state} [{size}]", found)
            page.context.close()

    check("empty")
    call_command("seed_demo_forecasts", readers=8, stdout=StringIO())
    readers_act()
    check("with readers")
    pin_lead(article=Article.objects.get(slug="nif-ignition-repeated-higher-yield"))
    check("with a pinned lead")
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"


def test_the_front_page_is_valid_html_full_or_empty(fixture_content, tmp_path):
    client = Client()
    (tmp_path / "empty.html").write_bytes(client.get("/").content)
    call_command("seed_demo_forecasts", readers=8, stdout=StringIO())
    readers_act()
    (tmp_path / "with-readers.html").write_bytes(client.get("/").content)
    pin_lead(article=Article.objects.get(slug="nif-ignition-repeated-higher-yield"))
    pinned = client.get("/")
    assert b"front-lead card--pictured" in pinned.content
    (tmp_path / "pinned-lead.html").write_bytes(pinned.content)
    messages = run_vnu(tmp_path)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert not errors, describe_errors(errors, tmp_path)
