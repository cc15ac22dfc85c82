"""The editors' second factor in headless Chromium: logging in with a code at desktop
size, enrolling, and axe-core on the login and enrolment pages in light and dark."""

import pytest
from django.contrib.auth.models import Group, User

from core.editors import EDITORS_GROUP
from tests.admin_forms import app_code, enrol, recreate_editors_group, secret_on_page
from tests.browser.test_accessibility import DESKTOP, PHONE, axe_violations, describe, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-editor-password"
STORIES = "/admin/articles/article/"


def make_editor(username="ada"):
    recreate_editors_group()
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def fill_login(page, username, code=""):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Log in").click()


def test_an_editor_logs_in_with_the_code_from_their_app(page):
    secret = enrol(make_editor())
    page.goto(f"/admin/login/?next={STORIES}")
    fill_login(page, "ada")
    error = page.locator("#login-form .errorlist")
    error.wait_for()
    assert error.inner_text() == "Enter the six-digit code from your authenticator app."
    assert (
        page.get_by_label("Code from your authenticator app").get_attribute("autocomplete")
        == "one-time-code"
    )

    fill_login(page, "ada", app_code(secret))
    page.wait_for_url(f"**{STORIES}")
    assert page.get_by_role("button", name="Log out").count() == 1


def test_an_editor_enrols_from_the_admin_and_then_logs_in_with_a_code(page):
    make_editor()
    page.goto(f"/admin/login/?next={STORIES}")
    fill_login(page, "ada")
    page.wait_for_url(f"**{STORIES}")
    page.get_by_role("link", name="Second factor").click()
    page.get_by_role("img", name="QR code of the secret shown below it").wait_for()
    secret = secret_on_page(page.content())
    page.get_by_label("Code the app shows now").fill(app_code(secret))
    page.get_by_role("button", name="Confirm and turn on").click()
    page.get_by_text("Your second factor is set up").wait_for()

    page.get_by_role("button", name="Log out").click()
    page.goto("/admin/login/")
    fill_login(page, "ada", app_code(secret, steps_ahead=1))
    page.wait_for_url("**/admin/")


def test_the_login_and_enrolment_pages_have_no_axe_violations(browser, live_server):
    make_editor()
    found = {}
    for scheme, size, viewport in [
        ("light", "desktop", DESKTOP),
        ("dark", "desktop", DESKTOP),
        ("dark", "phone", PHONE),
    ]:
        page = new_page(browser, live_server, scheme=scheme, viewport=viewport)
        page.goto("/admin/login/")
        found[f"login [{scheme}, {size}]"] = axe_violations(page)
        fill_login(page, "nobody")
        page.locator(".errornote").wait_for()
        found[f"login with an error [{scheme}, {size}]"] = axe_violations(page)
        fill_login(page, "ada", "000000")
        page.wait_for_url("**/admin/")
        page.goto("/admin/second-factor/")
        found[f"enrolment [{scheme}, {size}]"] = axe_violations(page)
        page.get_by_role("button", name="Confirm and turn on").click()
        page.locator(".errorlist").wait_for()
        found[f"enrolment with an error [{scheme}, {size}]"] = axe_violations(page)
        page.context.close()
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
