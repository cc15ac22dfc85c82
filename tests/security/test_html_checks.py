"""The XSS checker itself: the site's own markup among editors' HTML passes, exactly as
the site makes it, and anything else of those kinds is still caught."""

from tests.security.html_checks import problems_in

PAGE = "<!doctype html><html><head><title>t</title></head><body>{}</body></html>"


def prose(html):
    return PAGE.format(f'<div class="prose">{html}</div>')


def test_a_marked_terms_button_and_a_figures_picture_pass():
    html = prose(
        '<p><button type="button" class="term" popovertarget="define-car-t">CAR-T</button></p>'
        '<figure class="figure"><picture class="picture">'
        '<source type="image/avif" srcset="/media/a-480.avif 480w" sizes="100vw">'
        '<img class="picture__img" src="/media/a.png" alt="A chart." width="4" height="3">'
        "</picture></figure>"
    )
    assert problems_in(html) == []


def test_other_buttons_and_pictures_in_content_are_still_caught():
    html = prose(
        '<p><button type="submit" class="term" popovertarget="define-x">x</button>'
        '<button class="term" popovertarget="define-x" formaction="/x">y</button></p>'
        '<picture><source srcset="/media/a.avif"></picture>'
        '<figure class="figure other"><picture class="picture"></picture></figure>'
    )
    found = problems_in(html)
    assert found.count("<button>: not allowed in content") == 2
    assert found.count("<picture>: not allowed in content") == 2
    assert "<source>: not allowed in content" in found
