"""The picture library in a browser: an editor finds a picture, sees where it is used,
and sets its focal point by clicking the preview (with JavaScript) or by typing the two
numbers (without); the crops follow. At a phone's size and a desk's, light and dark,
with axe-core finding nothing on the list or the change page."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from articles.models import Picture
from tests.browser.editors import SIZES, editors_at_desks
from tests.browser.screenshots import keep
from tests.browser.test_accessibility import checked, describe
from tests.browser.test_admin_layout import sideways_overflow
from tests.factories import make_article, make_library_picture, make_picture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def red_corner_bytes():
    image = Image.new("RGB", (1600, 900), (90, 120, 150))
    image.paste((220, 20, 20), (1350, 650, 1600, 900))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def library(browser, live_server):
    picture = make_library_picture(
        title="Red corner test card",
        alt="A blue card with a red square in its bottom right corner.",
        credit="Newsroom test graphic",
        content=red_corner_bytes(),
    )
    for headline in ("Bees learn to count to four", "Bees count again"):
        make_picture(make_article(headline=headline), picture=picture, caption="The card.")
    make_library_picture(title="Unused", alt="A grey test card.", credit="Someone else")
    with editors_at_desks(browser, live_server, "alice") as page_of:
        yield page_of, picture


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_the_library_and_a_picture_s_page_pass_axe(library, size):
    page_of, picture = library
    page = page_of(size)
    found = {}

    page.goto("/admin/articles/picture/?q=red")
    expect(page.get_by_text("2 stories")).to_be_visible()
    expect(page.get_by_role("link", name="Bees count again")).to_be_visible()
    expect(page.get_by_text("A grey test card.")).to_have_count(0)
    checked(page, f"library [{size}]", found, shot=f"library-{size}")

    page.goto(f"/admin/articles/picture/{picture.pk}/change/")
    expect(page.locator(".focal-point__image")).to_be_visible()
    expect(page.locator(".picture-crops img")).to_have_count(2)
    assert sideways_overflow(page) <= 0
    checked(page, f"change page [{size}]", found, shot=f"picture-change-{size}")

    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_click_on_the_preview_sets_the_focal_point_and_the_crops_follow(library, size):
    page_of, picture = library
    page = page_of(size)
    page.goto(f"/admin/articles/picture/{picture.pk}/change/")
    preview = page.locator(".focal-point")
    expect(page.locator("[data-focal-point-hint]")).to_be_visible()
    preview.scroll_into_view_if_needed()
    box = preview.bounding_box()

    preview.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.85})

    across = float(page.locator("#id_focal_x").input_value())
    down = float(page.locator("#id_focal_y").input_value())
    assert across == pytest.approx(0.9, abs=0.02) and down == pytest.approx(0.85, abs=0.02)
    marker = page.locator(".focal-point__line").first
    assert float(marker.get_attribute("x1")) == pytest.approx(across * 100, abs=0.5)
    page.locator("input[name=_continue]").click()
    page.get_by_text("was changed successfully").wait_for()

    picture.refresh_from_db()
    assert (picture.focal_x, picture.focal_y) == (across, down)
    crop = page.locator(".picture-crops img").first
    assert "/crop-" in crop.get_attribute("src")
    assert picture.crops["card"]["variants"][0]["name"].split("/")[2] in crop.get_attribute("src")


def test_without_javascript_the_numbers_set_the_focal_point(library):
    page_of, picture = library
    page = page_of(javascript=False)
    page.goto(f"/admin/articles/picture/{picture.pk}/change/")
    expect(page.locator("[data-focal-point-hint]")).to_be_hidden()

    page.locator("#id_focal_x").fill("0.1")
    page.locator("#id_focal_y").fill("0.2")
    page.locator("input[name=_continue]").click()
    page.get_by_text("was changed successfully").wait_for()

    picture.refresh_from_db()
    assert (picture.focal_x, picture.focal_y) == (0.1, 0.2)
    assert page.locator(".focal-point__line").first.get_attribute("x1") == "10.0"


def test_a_focal_point_outside_the_picture_is_refused_on_the_form(library):
    page_of, picture = library
    page = page_of(javascript=False)
    page.goto(f"/admin/articles/picture/{picture.pk}/change/")

    page.locator("#id_focal_x").fill("1.5")
    page.locator("input[name=_continue]").click()

    expect(page.get_by_text("Ensure this value is less than or equal to 1.0.")).to_be_visible()
    assert Picture.objects.get(pk=picture.pk).focal_x == 0.5


def test_a_picture_in_use_cannot_be_deleted(library):
    page_of, picture = library
    page = page_of()
    page.goto(f"/admin/articles/picture/{picture.pk}/delete/")

    expect(page.get_by_text("would require deleting the following protected")).to_be_visible()
    expect(page.get_by_role("button", name="Yes, I’m sure")).to_have_count(0)
    assert Picture.objects.filter(pk=picture.pk).exists()


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_story_card_and_its_link_preview_show_the_crop_around_the_focal_point(
    browser, live_server, size
):
    picture = make_library_picture(
        alt="A blue card with a red square in its bottom right corner.",
        content=red_corner_bytes(),
        focal_x=0.95,
        focal_y=0.95,
    )
    story = make_article(headline="Bees learn to count to four")
    make_picture(story, picture=picture, caption="The card.")
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    page = context.new_page()
    try:
        page.goto("/")
        card = page.locator(".card__picture img, .front-lead__art img").first
        card.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=card.element_handle()
        )
        assert "/crop-" in card.evaluate("img => img.currentSrc")
        box = card.bounding_box()
        assert box["width"] / box["height"] == pytest.approx(1.5, abs=0.02)
        found = {}
        checked(page, f"front [{size}]", found, shot=f"story-card-{size}")

        page.goto(story.get_absolute_url())
        og_image = page.locator("meta[property='og:image']").get_attribute("content")
        assert "/crop-" in og_image
        page.goto(og_image)
        keep(page, f"link-preview-{size}")
    finally:
        context.close()
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
