import os
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from django.core.management import call_command
from django.urls import reverse

from core import activity_purges
from tests.site_content import load_site_content
from tools.liveserver import CHROMIUM_ARGS, CHROMIUM_PATH


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached pages, page versions, rate-limit counts or purges
    waiting."""
    for cache in caches.all():
        cache.clear()
    activity_purges.forget_waiting()


@pytest.fixture
def fixture_content(db):
    """The site's real fixture stories, loaded the way `make run` loads them."""
    load_site_content()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, driven by Playwright; talks only to the live server."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH,
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def editor(client):
    """An editor made by the documented command, logged in through the admin's form."""
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": "a-long-editor-password"}):
        call_command("create_editor", "editor", stdout=StringIO())
    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "a-long-editor-password", "next": "/admin/"},
    )
    assert response.status_code == 302
    return User.objects.get(username="editor")
