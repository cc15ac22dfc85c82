"""Editors in browsers of their own: each made with a password, and logged in in a
browser context at a phone's size or a desk's, light or dark, with or without scripts."""

import os
from contextlib import contextmanager
from functools import partial
from io import StringIO
from unittest import mock

from django.core.management import call_command

from tests.admin_forms import log_in_in_browser, recreate_editors_group

PASSWORD = "a-long-editor-password"
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 900}}


@contextmanager
def editors_at_desks(browser, live_server, *usernames):
    """Make the editors ``usernames``; yield ``open_page(username, size, scheme, *,
    javascript)``, a page logged in as that editor in a context of its own. With one
    editor, ``open_page`` takes no username."""
    recreate_editors_group()
    with mock.patch.dict(os.environ, {"NEWSROOM_EDITOR_PASSWORD": PASSWORD}):
        for username in usernames:
            call_command("create_editor", username, stdout=StringIO())
    contexts = []

    def open_page(username, size="desk", scheme="light", *, javascript=True):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=SIZES[size],
            color_scheme=scheme,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        log_in_in_browser(page, username, PASSWORD)
        return page

    try:
        yield partial(open_page, usernames[0]) if len(usernames) == 1 else open_page
    finally:
        for context in contexts:
            context.close()
