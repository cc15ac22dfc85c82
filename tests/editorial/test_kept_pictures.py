"""A refused save keeps the picture the editor chose: the form says so and the next save
uses it, without choosing it again; the held file is the editor's alone, and goes once
the save succeeds (core/held_uploads.py)."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.models import ArticleImage, Picture
from core import held_uploads
from tests.admin_forms import admin_login, article_form, new_picture_row, rows
from tests.factories import picture_bytes

pytestmark = pytest.mark.django_db

HELD = re.compile(r'<input type="hidden" name="images-0-original-held" value="([^"]+)">')


def refused_with_a_picture(client):
    """A new story with a picture, refused for its missing headline: the page, and the
    token that holds the picture."""
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form(headline="") | rows("images", new_picture_row()),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "problem" in page and "Kept from your last try: <strong>bees.png</strong>" in page
    return page, HELD.search(page).group(1)


def test_a_refused_save_keeps_the_picture_and_the_next_save_uses_it(client, editor):
    _, token = refused_with_a_picture(client)
    held_name = signing.loads(token, salt=held_uploads.SALT)["name"]
    assert default_storage.exists(held_name)
    assert not Picture.objects.exists()

    row = new_picture_row(original=None) | {"original-held": token}
    saved = client.post(
        reverse("admin:articles_article_add"),
        article_form(headline="Bees count to four") | rows("images", row),
    )

    assert saved.status_code == 302
    picture = ArticleImage.objects.get().picture
    assert picture.alt == "Bees on a card." and picture.width > 0
    assert not default_storage.exists(held_name)  # used, and let go


def test_a_file_chosen_again_replaces_the_held_one(client, editor):
    _, token = refused_with_a_picture(client)
    green = picture_bytes(colour=(0, 200, 0))
    row = new_picture_row(original=SimpleUploadedFile("other.png", green, content_type="image/png"))
    saved = client.post(
        reverse("admin:articles_article_add"),
        article_form(headline="Bees count to four")
        | rows("images", row | {"original-held": token}),
    )
    assert saved.status_code == 302
    with ArticleImage.objects.get().picture.original.open() as stored:
        red, green, blue = Image.open(stored).convert("RGB").getpixel((5, 5))
    assert green > 150 and red < 60 and blue < 60


def test_an_upload_that_is_refused_itself_is_not_held(client, editor):
    not_a_picture = SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form(headline="") | rows("images", new_picture_row(original=not_a_picture)),
    )
    assert response.status_code == 200
    assert "Kept from your last try" not in response.content.decode()


def test_another_editors_or_a_forged_token_is_no_picture(client, editor):
    _, token = refused_with_a_picture(client)
    User.objects.create_superuser("mallory", "m@example.org", "a-long-mallory-password")
    mallory = Client()
    assert admin_login(mallory, "mallory", "a-long-mallory-password").status_code == 302

    for who, held in [(mallory, token), (client, token[:-3] + "abc")]:
        row = new_picture_row(original=None) | {"original-held": held}
        response = who.post(
            reverse("admin:articles_article_add"),
            article_form(headline="Bees count to four") | rows("images", row),
        )
        assert response.status_code == 200
        assert "Choose a picture from the library, or upload a new one" in (
            response.content.decode()
        )
    assert not Picture.objects.exists()
