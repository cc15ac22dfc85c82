"""An editor shares a draft in a real browser: makes a preview link on the story's form,
an outside reader in a fresh browser (no session) opens it, with and without JavaScript,
then the editor revokes it and the reader is refused; at a phone's size and a desk's,
light and dark, with axe-core finding nothing on the preview or on the form's part."""

import os
import re
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from articles.models import Article, PreviewLink
from tests.admin_forms import log_in_in_browser, recreate_editors_group
from tests.browser.screenshots import keep
from tests.browser.test_accessibility import (
    AXE_SOURCE,
    AXE_TAGS,
    axe_violations,
    describe,
    open_everything,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-editor-password"
TSCM = "tscm-car-t-first-in-human"
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}
# (size, colour scheme, whether the editor's browser runs JavaScript)
VARIANTS = [
    ("phone", "light", True),
    ("phone", "dark", False),
    ("desk", "light", False),
    ("desk", "dark", True),
]


@pytest.fixture
def desk(browser, live_server, fixture_content):
    """A story in review (the fixture story with all its evidence), an editor, and a way to
    open fresh browsers."""
    recreate_editors_group()
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": PASSWORD}):
        call_command("create_editor", "alice", stdout=StringIO())
    story = Article.objects.get(slug=TSCM)
    story.status, story.published_at = Article.Status.IN_REVIEW, None
    story.save()
    contexts = []

    def fresh_browser(size, scheme, *, javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=SIZES[size],
            color_scheme=scheme,
            java_script_enabled=javascript,
        )
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        contexts.append(context)
        return context.new_page()

    yield fresh_browser, story
    for context in contexts:
        context.close()


def axe_violations_within(page, selector):
    """axe-core's findings in one part of a page (the rest of the story form is other
    parts' to answer for: tests/browser/test_admin_desk.py and the rest)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        "([selector, tags]) => axe.run(document.querySelector(selector), {runOnly: {type: 'tag',"
        " values: tags}, resultTypes: ['violations']}).then(results => results.violations)",
        [selector, AXE_TAGS],
    )


def posting_forms(page):
    return page.locator("form[method=post i], form[method=POST]").count()


@pytest.mark.parametrize(("size", "scheme", "editor_javascript"), VARIANTS)
def test_an_editor_shares_a_draft_then_revokes_it(desk, size, scheme, editor_javascript):
    fresh_browser, story = desk
    variant = f"{size}-{scheme}"
    found = {}

    editor = fresh_browser(size, scheme, javascript=editor_javascript)
    log_in_in_browser(editor, "alice", PASSWORD)
    editor.goto(f"/admin/articles/article/{story.pk}/change/#preview-links")
    part = editor.locator("#preview-links")
    part.get_by_label("Who it is for").fill("Dr Ada Osei, University of Ghana")
    part.get_by_label("Their e-mail").fill("ada@example.org")
    part.get_by_label("Open for (days)").fill("3")
    part.get_by_role("button", name="Make a preview link").click()
    editor.get_by_text("Preview link made for Dr Ada Osei, University of Ghana").wait_for()
    link = PreviewLink.objects.get(article=story)
    row = editor.locator(f"#preview-link-{link.pk}")
    box = row.get_by_role("textbox", name="Link for Dr Ada Osei, University of Ghana")
    address = box.input_value()
    assert re.fullmatch(r"http://localhost:\d+/preview/[^/]+/", address), address
    if editor_javascript:
        row.get_by_role("button", name="Copy link").click()
        expect(row.get_by_role("status")).to_have_text("Copied.")
        assert editor.evaluate("navigator.clipboard.readText()") == address
        found[f"story form's preview links [{variant}]"] = axe_violations_within(
            editor, "#preview-links"
        )
    else:
        assert row.get_by_role("button", name="Copy link").count() == 0  # hidden
    keep(part, f"admin-part-{variant}")

    for javascript in (True, False):
        reader = fresh_browser(size, scheme, javascript=javascript)
        answer = reader.goto(address)
        assert answer.status == 200
        assert answer.headers["cache-control"] == "private, no-store"
        assert "noindex" in answer.headers["x-robots-tag"]
        banner = reader.get_by_role("note").filter(has_text="Preview — not published.")
        expect(banner).to_contain_text("Shared with Dr Ada Osei, University of Ghana until")
        expect(reader.get_by_role("heading", level=1)).to_have_text(story.headline)
        assert reader.locator("#explanation").is_visible()
        assert reader.locator("#technical").is_visible()
        assert reader.locator("#evidence .meter").count() > 0
        assert posting_forms(reader) == 0
        assert reader.context.cookies() == []
        if javascript:
            open_everything(reader)
            found[f"preview [{variant}]"] = axe_violations(reader)
            keep(reader, f"preview-{variant}")
        reader.context.close()
    reader = fresh_browser(size, scheme, javascript=False)
    reader.goto(address)

    row.get_by_role("button", name="Revoke the link for Dr Ada Osei, University of Ghana").click()
    editor.get_by_text("preview link is revoked").wait_for()
    expect(editor.locator(f"#preview-link-{link.pk}")).to_contain_text("Revoked")
    answer = reader.reload()

    assert answer.status == 410
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "This preview link has been withdrawn"
    )
    assert story.headline not in reader.content()
    checker = fresh_browser(size, scheme)
    checker.goto(address)
    found[f"refusal [{variant}]"] = axe_violations(checker)
    keep(checker, f"refused-{variant}")
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
