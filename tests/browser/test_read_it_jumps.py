"""Issue 34: the "Read it" bar marks the part the reader is in, and only that part.

A jump lands a part's top at the page's scroll-padding-top, below the sticky bar; the
bar used to count a part as reached only once its top was under the bar itself, so after
"Evidence" it kept "In depth" marked while the reader was in the evidence. And a phone
keeps a tapped link's :hover, which filled the pill as a mark does: after tapping "In
depth" and reading on into the evidence, "In depth" still looked marked.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LK_99 = "/articles/lk-99-room-temperature-superconductor-claim/"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
PARTS = [("explanation", "Plainly"), ("technical", "In depth"), ("evidence", "Evidence")]


def open_page(browser, live_server, size):
    # Waiting on a condition that is not yet true polls with an evaluated string, which
    # the site's CSP refuses; tests/browser/test_csp.py checks the policy itself.
    context = browser.new_context(
        base_url=live_server.url,
        viewport=SIZES[size],
        has_touch=size == "phone",
        bypass_csp=True,
    )
    page = context.new_page()
    page.size = size
    return context, page


@pytest.fixture(params=list(SIZES))
def reader(request, browser, live_server, fixture_content):
    context, page = open_page(browser, live_server, request.param)
    yield page
    context.close()


@pytest.fixture
def phone_reader(browser, live_server, fixture_content):
    context, page = open_page(browser, live_server, "phone")
    yield page
    context.close()


def marked(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.register-switch a[aria-current]'))
        .map(a => a.textContent).join()"""
    )


def test_the_part_jumped_to_is_the_part_marked(reader):
    page = reader
    page.goto(LK_99)
    bar = page.get_by_role("navigation", name="Read this story")

    for part, label in PARTS:
        link = bar.get_by_role("link", name=label)
        link.tap() if page.size == "phone" else link.click()
        page.wait_for_function("part => location.hash === '#' + part", arg=part)
        # Smooth scrolling: wait until the part has landed below the bar, then for the mark.
        page.wait_for_function(
            """part => { const top = document.getElementById(part).getBoundingClientRect().top;
            return Math.abs(top - parseFloat(getComputedStyle(document.documentElement)
            .scrollPaddingTop)) < 2; }""",
            arg=part,
        )
        page.wait_for_function(
            """label => Array.from(document.querySelectorAll('.register-switch a[aria-current]'))
            .map(a => a.textContent).join() === label""",
            arg=label,
            timeout=2_000,
        )
        assert marked(page) == label


def test_the_part_above_stays_marked_until_the_next_one_reaches_the_bar(reader):
    page = reader
    page.goto(LK_99)
    # The evidence is still a screen below: the reader is in the technical part.
    page.evaluate(
        """() => { document.getElementById('evidence').scrollIntoView({behavior: 'instant'});
        window.scrollBy({top: -innerHeight, behavior: 'instant'}); }"""
    )
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.register-switch a[aria-current]'))
        .map(a => a.textContent).join() === 'In depth'"""
    )
    assert marked(page) == "In depth"


def background(page, label):
    return page.evaluate(
        """label => getComputedStyle(Array.from(document.querySelectorAll(
        '.register-switch a')).find(a => a.textContent === label)).backgroundColor""",
        label,
    )


def test_a_tapped_part_does_not_look_marked_once_the_reader_reads_on(phone_reader):
    page = phone_reader
    page.goto(LK_99)
    page.get_by_role("navigation", name="Read this story").get_by_role(
        "link", name="In depth"
    ).tap()
    page.wait_for_function("location.hash === '#technical'")

    page.evaluate(
        """() => { document.getElementById('evidence').scrollIntoView({behavior: 'instant'});
        window.scrollBy({top: 300, behavior: 'instant'}); }"""
    )
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.register-switch a[aria-current]'))
        .map(a => a.textContent).join() === 'Evidence'"""
    )

    assert background(page, "In depth") == background(page, "Plainly")
    assert background(page, "Evidence") != background(page, "Plainly")
