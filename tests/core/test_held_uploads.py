"""A refused save's upload is held for its editor only, for a day, and let go once used
(core/held_uploads.py); the admin forms that rely on it are tested with the picture
forms (tests/editorial/test_kept_pictures.py)."""

import time
from datetime import timedelta
from unittest import mock

from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import held_uploads


def upload(name="bees.png", content=b"not really a picture, just bytes"):
    return SimpleUploadedFile(name, content, "image/png")


def stored_name(held):
    return signing.loads(held.token, salt=held_uploads.SALT)["name"]


def test_a_held_file_comes_back_for_its_editor_only():
    held = held_uploads.hold(upload(), editor_pk=7)
    assert held.filename == "bees.png"

    found = held_uploads.fetch(held.token, editor_pk=7)
    assert found.name == "bees.png" and found.read() == b"not really a picture, just bytes"
    assert held_uploads.fetch(held.token, editor_pk=8) is None


def test_a_forged_or_stale_token_names_nothing():
    held = held_uploads.hold(upload(), editor_pk=7)
    assert held_uploads.fetch(held.token[:-2] + "xx", editor_pk=7) is None
    assert held_uploads.fetch("", editor_pk=7) is None
    # Signed, but naming a file outside the held folder.
    outside = signing.dumps({"editor": 7, "name": "images/x.png", "filename": "x"}, salt="x")
    assert held_uploads.fetch(outside, editor_pk=7) is None
    forged = signing.dumps(
        {"editor": 7, "name": "images/x.png", "filename": "x"}, salt=held_uploads.SALT
    )
    assert held_uploads.fetch(forged, editor_pk=7) is None
    with mock.patch("time.time", return_value=time.time() + held_uploads.HOLD_SECONDS + 60):
        assert held_uploads.fetch(held.token, editor_pk=7) is None


def test_a_name_from_the_browser_cannot_leave_the_held_folder():
    held = held_uploads.hold(upload(name="../../etc/passwd"), editor_pk=7)
    name = stored_name(held)
    assert name.startswith(f"{held_uploads.FOLDER}/") and ".." not in name
    assert default_storage.exists(name)


def test_a_save_lets_its_held_files_go_and_no_one_elses():
    mine = held_uploads.hold(upload(), editor_pk=7)
    theirs = held_uploads.hold(upload(), editor_pk=8)
    posted = {"images-0-original-held": mine.token, "images-1-original-held": theirs.token}

    held_uploads.release(posted, editor_pk=7)

    assert not default_storage.exists(stored_name(mine))
    assert default_storage.exists(stored_name(theirs))


def test_abandoned_days_are_dropped_and_the_last_day_kept():
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now - timedelta(days=3)):
        old = held_uploads.hold(upload(), editor_pk=7)
    recent = held_uploads.hold(upload(), editor_pk=7)

    held_uploads.drop_old_days(now)

    assert not default_storage.exists(stored_name(old))
    assert default_storage.exists(stored_name(recent))
