"""The picture library: one picture on several stories with its credit, kept while in use,
and cropped for cards and link previews around its focal point."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.models import Article, ArticleImage, Picture, story_cache_key
from tests.admin_forms import article_form, change_form_data, new_picture_row, rows
from tests.core.test_activity_purges import PurgeRecorder
from tests.factories import make_article, make_library_picture, make_picture, picture_bytes

pytestmark = pytest.mark.django_db

RED = (220, 20, 20)


def change_url(picture):
    return reverse("admin:articles_picture_change", args=[picture.pk])


def flat(data):
    """form_data's {name: [values]} as single values, for a form without multiple choices."""
    return {name: values[0] for name, values in data.items()}


def red_corner_bytes():
    """A 1600 × 600 grey picture with a red square in its bottom right corner."""
    image = Image.new("RGB", (1600, 600), (128, 128, 128))
    image.paste(RED, (1400, 400, 1600, 600))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def stored_pixels(rendition):
    with default_storage.open(rendition.variants[-1]["name"]) as stored:
        return Image.open(io.BytesIO(stored.read())).convert("RGB")


def has_red(image):
    pixels = image.get_flattened_data()
    return any(red > 180 and green < 80 and blue < 80 for red, green, blue in pixels)


@pytest.fixture
def shared():
    """One library picture, the lead of one story and a figure on another."""
    picture = make_library_picture(alt="Four yellow shapes on a card.", credit="Jo Photo")
    first = make_article(headline="Bees count", slug="bees-count")
    second = make_article(headline="Bees again", slug="bees-again")
    make_picture(first, picture=picture, caption="A forager picks four.")
    make_picture(
        second, picture=picture, role=ArticleImage.Role.EXPLANATION, caption="The same card."
    )
    return picture, first, second


def test_one_picture_on_two_stories_shows_on_both_with_its_credit(client, shared):
    picture, first, second = shared

    for story, caption in [(first, "A forager picks four."), (second, "The same card.")]:
        page = client.get(story.get_absolute_url()).content.decode()
        assert 'alt="Four yellow shapes on a card."' in page
        assert caption in page
        assert "Jo Photo · CC BY 4.0" in page
    assert Picture.objects.count() == 1


def test_a_new_credit_reaches_both_stories_and_purges_their_pages(
    client, editor, shared, settings, django_capture_on_commit_callbacks
):
    picture, first, second = shared
    recorder = PurgeRecorder()
    settings.HTTP_CACHE_PURGE_URLS = [recorder.url]
    try:
        data = flat(change_form_data(client, change_url(picture)))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(change_url(picture), data | {"credit": "Ana Lens"})
        assert response.status_code == 302
    finally:
        recorder.server.shutdown()

    purged = set().union(*recorder.purges)
    assert {story_cache_key(first.slug), story_cache_key(second.slug)} <= purged
    for story in (first, second):
        page = Client().get(story.get_absolute_url()).content.decode()
        assert "Ana Lens · CC BY 4.0" in page and "Jo Photo" not in page


def test_a_picture_in_use_cannot_be_deleted_and_the_admin_says_where_it_is_used(
    client, editor, shared
):
    picture, first, _ = shared
    url = reverse("admin:articles_picture_delete", args=[picture.pk])

    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "would require deleting the following protected related objects" in html
    assert "Bees count" in html and "Bees again" in html
    assert client.post(url, {"post": "yes"}).status_code == 200
    listing = reverse("admin:articles_picture_changelist")
    bulk = client.post(
        listing, {"action": "delete_selected", "_selected_action": [picture.pk], "post": "yes"}
    )
    assert bulk.status_code == 200
    assert Picture.objects.filter(pk=picture.pk).exists()
    with pytest.raises(ProtectedError):
        picture.delete()


def test_a_picture_on_no_story_can_be_deleted(client, editor):
    picture = make_library_picture()
    url = reverse("admin:articles_picture_delete", args=[picture.pk])

    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Picture.objects.exists()


def test_the_crop_is_cut_from_around_the_focal_point(client, editor):
    picture = make_library_picture(content=red_corner_bytes())
    assert not has_red(stored_pixels(picture.card))  # centred: the corner is cut off
    assert not has_red(stored_pixels(picture.share))

    data = flat(change_form_data(client, change_url(picture)))
    response = client.post(change_url(picture), data | {"focal_x": "0.95", "focal_y": "0.9"})

    assert response.status_code == 302
    picture.refresh_from_db()
    assert (picture.focal_x, picture.focal_y) == (0.95, 0.9)
    card, share = stored_pixels(picture.card), stored_pixels(picture.share)
    assert has_red(card) and has_red(share)
    assert card.getpixel((card.width - 1, card.height - 1)) == RED
    assert share.size == (1143, 600)
    assert card.width / card.height == pytest.approx(1.5, abs=0.01)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("1.5", "Ensure this value is less than or equal to 1.0."),
        ("-0.1", "Ensure this value is greater than or equal to 0.0."),
        ("middle", "Enter a number."),
        ("nan", "Enter a number."),
        ("inf", "Enter a number."),
    ],
)
def test_a_focal_point_outside_the_picture_is_a_form_error(client, editor, value, error):
    picture = make_library_picture()
    data = flat(change_form_data(client, change_url(picture)))

    response = client.post(change_url(picture), data | {"focal_x": value})

    assert response.status_code == 200
    assert error in str(response.context["adminform"].form.errors["focal_x"])
    picture.refresh_from_db()
    assert picture.focal_x == 0.5


def test_the_library_finds_pictures_by_credit_and_says_where_each_is_used(client, editor, shared):
    picture, first, second = shared
    make_library_picture(alt="A telescope at dusk.", credit="Observatory press office")
    listing = reverse("admin:articles_picture_changelist")

    page = client.get(listing, {"q": "Jo Photo"}).content.decode()

    assert "Four yellow shapes on a card." in page and "telescope" not in page
    assert "2 stories" in page
    for story in (first, second):
        assert reverse("admin:articles_article_change", args=[story.pk]) in page
    everything = client.get(listing).content.decode()
    assert "0 stories" in everything


def test_the_story_form_places_a_picture_from_the_library(client, editor, shared):
    picture, _, _ = shared
    data = article_form() | rows(
        "images", {"picture": picture.pk, "role": "lead", "position": "0", "caption": "Reused."}
    )

    response = client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302
    story = Article.objects.get(slug="bees-count-to-four")
    assert story.lead_image.picture == picture
    assert Picture.objects.count() == 1


def test_the_story_form_uploads_a_new_picture_into_the_library(client, editor):
    row = new_picture_row()

    response = client.post(
        reverse("admin:articles_article_add"), article_form() | rows("images", row)
    )

    assert response.status_code == 302
    picture = Picture.objects.get()
    assert (picture.alt, picture.credit, picture.uploaded_by) == (
        "Bees on a card.",
        "Newsroom photo",
        editor,
    )
    assert set(picture.crops) >= {"card", "share"}


@pytest.mark.parametrize(
    ("chosen", "uploaded", "error"),
    [
        (True, True, "Choose a picture from the library or upload a new one, not both."),
        (False, False, "Choose a picture from the library, or upload a new one with its alt text"),
    ],
    ids=["both", "neither"],
)
def test_a_picture_row_needs_a_library_picture_or_an_upload(
    client, editor, chosen, uploaded, error
):
    library = make_library_picture()
    row = {"role": "lead", "position": "0", "caption": "Something."}
    if chosen:
        row["picture"] = library.pk
    if uploaded:
        row["original"] = SimpleUploadedFile("new.png", picture_bytes(), content_type="image/png")
        row |= {"alt": "New.", "credit": "Me", "licence": "CC0"}

    response = client.post(
        reverse("admin:articles_article_add"), article_form() | rows("images", row)
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Picture.objects.count() == 1 and not ArticleImage.objects.exists()


def test_a_new_picture_without_its_credit_is_refused(client, editor):
    row = new_picture_row(credit=None)

    response = client.post(
        reverse("admin:articles_article_add"), article_form() | rows("images", row)
    )

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[0]["credit"] == ["A new picture needs this too."]
    assert not Picture.objects.exists()


def test_the_pictures_field_finds_library_pictures_as_the_editor_types(client, editor, shared):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "articleimage",
            "field_name": "picture",
            "term": "yellow",
        },
    )

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == [
        "Four yellow shapes on a card."
    ]


def test_the_change_page_shows_the_focal_point_and_the_crops(client, editor):
    picture = make_library_picture(focal_x=0.25, focal_y=0.75)

    page = client.get(change_url(picture)).content.decode()

    assert re.search(r'<line class="focal-point__line" x1="25.0" x2="25.0"', page)
    assert 'alt="The card (3:2) crop"' in page
    assert 'alt="The link preview (1200 × 630) crop"' in page
    assert picture.card.smallest in page
    assert "js/admin_focal_point" in page
