"""Pictures on stories: uploaded in the admin, checked, cleaned, resized and served."""

import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import images
from articles.models import Article, ArticleImage
from tests import query_budgets
from tests.admin_forms import article_form, rows, save_change_form
from tests.factories import make_article, make_picture, make_topic, picture_bytes, png_header

pytestmark = pytest.mark.django_db

PICTURE_FIELDS = {
    "role": "lead",
    "position": "0",
    "alt": "Bees on a card with four yellow shapes.",
    "caption": "A forager chooses the card with four shapes.",
    "credit": "Newsroom photo",
    "licence": "CC BY 4.0",
}


def upload(content, name="bees.png"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_story_with_picture(client, picture, **fields):
    data = article_form() | rows("images", PICTURE_FIELDS | {"original": picture} | fields)
    return client.post(reverse("admin:articles_article_add"), data)


def picture_errors(response):
    return " ".join(
        str(error)
        for form in response.context["inline_admin_formsets"]
        for error in form.formset.errors
    )


def test_editor_uploads_a_lead_image_and_gets_every_variant(client, editor):
    response = post_story_with_picture(client, upload(picture_bytes(width=1000, height=600)))

    assert response.status_code == 302, picture_errors(response)
    image = Article.objects.get(slug="bees-count-to-four").lead_image.picture
    assert (image.width, image.height) == (1000, 600)
    made = {(variant["format"], variant["width"]) for variant in image.variants}
    formats = [*images.MODERN_FORMATS, "PNG"]
    assert made == {(fmt, width) for fmt in formats for width in (480, 800, 1000)}
    assert "WEBP" in formats
    for variant in image.variants:
        with default_storage.open(variant["name"]) as stored:
            picture = Image.open(stored)
            assert picture.format == variant["format"]
            assert picture.width == variant["width"]


def test_a_file_that_is_not_an_image_is_refused_with_a_form_error(client, editor):
    response = post_story_with_picture(client, upload(b"%PDF-1.7 not a picture", "notes.png"))

    assert response.status_code == 200
    assert "This file is not an image that can be read" in picture_errors(response)
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("width", "height"),
    [(8000, 6000), (100_000, 100_000)],
    ids=["over the limit", "past Pillow's own bomb limit"],
)
def test_a_decompression_bomb_is_refused_before_it_is_decoded(client, editor, width, height):
    response = post_story_with_picture(client, upload(png_header(width, height), "bomb.png"))

    assert response.status_code == 200
    assert "the most accepted is 40 megapixels" in picture_errors(response)
    assert not ArticleImage.objects.exists()


def test_an_image_in_another_format_is_refused_with_its_name(client, editor):
    response = post_story_with_picture(client, upload(picture_bytes(fmt="TIFF"), "scan.tif"))

    assert "This is a TIFF image; upload a JPEG, PNG, WebP or AVIF picture instead." in (
        picture_errors(response)
    )


def test_a_picture_without_alt_text_is_refused_and_the_story_is_kept_as_it_was(client, editor):
    story = make_article(headline="Kept as it was", slug="kept", byline="Test Desk")
    data = article_form(headline="Changed", slug="kept", status="published")
    data |= {"topics": [topic.pk for topic in story.topics.all()]}
    data |= rows("images", PICTURE_FIELDS | {"alt": "", "original": upload(picture_bytes())})

    response = save_change_form(
        client, reverse("admin:articles_article_change", args=[story.pk]), data
    )

    assert response.status_code == 200
    assert "A new picture needs this too." in picture_errors(response)
    story.refresh_from_db()
    assert story.headline == "Kept as it was"
    assert not ArticleImage.objects.exists()


def test_exif_is_removed_and_the_orientation_applied(client, editor):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    photo = picture_bytes(width=900, height=500, fmt="JPEG", exif=exif.tobytes())
    assert b"SecretCam" in photo

    response = post_story_with_picture(client, upload(photo, "holiday.jpg"))

    assert response.status_code == 302, picture_errors(response)
    image = ArticleImage.objects.get().picture
    assert (image.width, image.height) == (500, 900)
    for name in [image.original.name, *(variant["name"] for variant in image.variants)]:
        with default_storage.open(name) as stored:
            content = stored.read()
        assert b"SecretCam" not in content
        assert not Image.open(io.BytesIO(content)).getexif()
    assert {variant["format"] for variant in image.variants} >= {"JPEG", "WEBP"}


def test_the_same_upload_twice_is_stored_once():
    content = picture_bytes()
    first = make_picture(make_article(), content=content)
    second = make_picture(make_article(), content=content)
    assert first.picture.original.name == second.picture.original.name
    assert first.picture.variants == second.picture.variants


@pytest.fixture
def pictured_story():
    story = make_article(headline="Fusion, pictured")
    make_picture(story, alt="The lead picture.", caption="What the shot released.")
    make_picture(story, role=ArticleImage.Role.TECHNICAL, alt="The energy balance.")
    make_picture(story, role=ArticleImage.Role.EXPLANATION, alt="The laser bay.")
    return story


def test_the_story_shows_its_pictures_with_srcset_sizes_and_dimensions(client, pictured_story):
    page = client.get(pictured_story.get_absolute_url()).content.decode()

    lead = page.index('alt="The lead picture."')
    assert page.index('class="story__headline"') < lead < page.index('id="explanation"')
    assert '<source type="image/webp" srcset="/media/images/' in page
    assert re.search(r'srcset="[^"]* 480w, [^"]* 800w, [^"]* 1000w"', page)
    assert 'sizes="(min-width: 48rem) 48rem, 100vw"' in page
    assert 'width="1000" height="600" alt="The lead picture." fetchpriority="high"' in page
    assert "Newsroom test graphic · CC BY 4.0" in page
    explanation = page[page.index('id="explanation"') : page.index('id="technical"')]
    technical = page[page.index('id="technical"') :]
    assert "<strong>Figure 1.</strong>" in explanation and 'alt="The laser bay."' in explanation
    assert "<strong>Figure 2.</strong>" in technical and 'alt="The energy balance."' in technical


def test_link_previews_and_structured_data_carry_the_lead_image(client, pictured_story):
    page = client.get(pictured_story.get_absolute_url()).content.decode()

    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', page)[1]
    # The 1200 × 630 shape, cut around the focal point from the 1000 × 600 picture.
    assert og_image.startswith("http://testserver/media/images/") and og_image.endswith(".png")
    assert "/crop-0-38-1000x525/" in og_image
    assert '<meta property="og:image:width" content="1000">' in page
    assert '<meta property="og:image:height" content="525">' in page
    assert '<meta property="og:image:alt" content="The lead picture.">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert f'<meta name="twitter:image" content="{og_image}">' in page
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    article = next(json.loads(b) for b in blocks if '"NewsArticle"' in b)
    assert article["image"] == [
        {
            "@type": "ImageObject",
            "url": og_image,
            "contentUrl": og_image,
            "width": 1000,
            "height": 525,
            "caption": "What the shot released.",
            "creditText": "Newsroom test graphic",
        }
    ]
    assert client.get(og_image.removeprefix("http://testserver")).status_code == 200


def test_cards_on_the_front_page_and_topic_pages_show_the_lead_image(client, pictured_story):
    topic = pictured_story.topics.get()
    for url in [reverse("articles:front"), topic.get_absolute_url()]:
        page = client.get(url).content.decode()
        assert 'class="card card--lead card--pictured"' in page or "card--pictured" in page
        assert 'alt="The lead picture."' in page
        assert "The laser bay." not in page


def test_front_page_queries_do_not_grow_with_pictured_stories(client, django_assert_num_queries):
    topic = make_topic()
    content = picture_bytes()
    for _ in range(8):
        make_picture(make_article(topics=[topic]), content=content)
    with django_assert_num_queries(query_budgets.FRONT_PAGE):
        page = client.get(reverse("articles:front")).content.decode()
    # The lead and its section's opening story show their pictures; brief stories none.
    assert page.count('<picture class="picture">') == 2


def test_a_stored_picture_is_served_with_year_long_cache_headers(client):
    image = make_picture(make_article())
    variant = next(v for v in image.picture.variants if v["format"] == "WEBP")

    response = client.get(default_storage.url(variant["name"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "WEBP"
    assert client.head(default_storage.url(variant["name"])).status_code == 200
    assert client.post(default_storage.url(variant["name"])).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/media/images/../../newsroom/settings.py",
        "/media/images/%2e%2e/%2e%2e/pyproject.toml",
        "/media/images/..%2f..%2fmanage.py",
        "/media//etc/passwd",
        "/media/images/nothing-here.png",
        "/media/images/notes.txt",
        "/media/other/picture.png",
    ],
)
def test_the_media_view_serves_nothing_outside_the_pictures(client, path):
    assert client.get(path).status_code == 404


def test_fixture_stories_carry_the_teams_own_figures_with_honest_credits(client, fixture_content):
    pictured = ArticleImage.objects.select_related("article")
    assert pictured.count() >= 4
    for image in pictured:
        assert image.picture.credit.startswith("Newsroom graphic; data: ")
        assert image.picture.alt and image.caption and image.picture.licence
    nif = Article.objects.get(slug="nif-fusion-ignition")
    assert nif.lead_image is not None
    page = client.get(reverse("articles:detail", args=["semaglutide-select-trial-heart-events"]))
    assert "Figure 1." in page.content.decode()
