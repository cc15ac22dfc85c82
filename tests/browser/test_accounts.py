"""Accounts in a real browser, with Chromium's virtual authenticator (the DevTools
Protocol's WebAuthn domain): a passkey with user verification, as a phone's or a laptop's
screen lock gives. Sign up, sign in, a second passkey, the same passkey in a second
browser, and a new browser signed in by email link; at phone and desktop sizes, light
and dark, with axe-core finding nothing; and without JavaScript the pages say so."""

import re

import pytest
from django.core import mail

from accounts import emails
from accounts.models import Account, Passkey
from tests.browser.test_accessibility import checked, collect_csp_errors, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SIZES = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def new_page(browser, live_server, viewport=DESKTOP, *, script=True):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        java_script_enabled=script,
        reduced_motion="reduce",
    )
    return context.new_page()


class VirtualAuthenticator:
    """A platform authenticator (built in, with a screen lock) in one browser tab."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("WebAuthn.enable")
        self.id = self.session.send(
            "WebAuthn.addVirtualAuthenticator",
            {
                "options": {
                    "protocol": "ctap2",
                    "transport": "internal",
                    "hasResidentKey": True,
                    "hasUserVerification": True,
                    "isUserVerified": True,
                    "automaticPresenceSimulation": True,
                }
            },
        )["authenticatorId"]

    def credentials(self):
        return self.session.send("WebAuthn.getCredentials", {"authenticatorId": self.id})[
            "credentials"
        ]

    def add(self, credential):
        self.session.send(
            "WebAuthn.addCredential", {"authenticatorId": self.id, "credential": credential}
        )

    def remove(self):
        self.session.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": self.id})


def sign_up(page, handle="grace", passkey_name="Laptop"):
    page.goto("/account/create/")
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Name this passkey").fill(passkey_name)
    page.get_by_role("button", name="Create account with a passkey").click()
    page.wait_for_url("**/account/recovery-codes/")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    page.get_by_role("link", name="I have saved them: go to my account").click()
    page.wait_for_url("**/account/")
    return codes


def sign_in_with_passkey(page):
    page.goto("/account/sign-in/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url("**/account/")


@pytest.mark.parametrize("viewport", SIZES)
def test_a_reader_signs_up_signs_out_signs_in_and_adds_a_second_passkey(
    browser, live_server, viewport
):
    page = new_page(browser, live_server, viewport)
    csp_errors = []
    collect_csp_errors(page, csp_errors)
    laptop = VirtualAuthenticator(page)

    codes = sign_up(page)

    assert len(codes) == 10
    assert page.get_by_text("Signed in as grace").is_visible()
    assert not page.get_by_text("Passkeys need JavaScript").is_visible()
    assert len(laptop.credentials()) == 1
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Signed out").wait_for()
    assert page.get_by_text("You are signed out.").is_visible()
    assert not any(c["name"] == "reader" for c in page.context.cookies())

    sign_in_with_passkey(page)
    assert page.get_by_text("Signed in as grace").is_visible()

    laptop.remove()
    phone = VirtualAuthenticator(page)
    page.get_by_label("Name this passkey").fill("Phone")
    page.get_by_role("button", name="Add a passkey on this device").click()
    page.get_by_text("Passkey “Phone” added.").wait_for()
    assert [p.name for p in Passkey.objects.order_by("pk")] == ["Laptop", "Phone"]
    assert len(phone.credentials()) == 1
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Signed out").wait_for()
    sign_in_with_passkey(page)
    assert Passkey.objects.get(name="Phone").last_used_at is not None
    assert not csp_errors, csp_errors
    page.context.close()


def test_the_same_passkey_signs_in_from_a_second_browser(browser, live_server):
    first = new_page(browser, live_server)
    synced = VirtualAuthenticator(first)
    sign_up(first)
    credential = synced.credentials()[0]

    second = new_page(browser, live_server, PHONE)
    VirtualAuthenticator(second).add(credential)
    sign_in_with_passkey(second)

    assert second.get_by_text("Signed in as grace").is_visible()
    reader = next(c for c in second.context.cookies() if c["name"] == "reader")
    assert reader["value"].split(":")[0] == Account.objects.get().reader_id
    first.context.close()
    second.context.close()


def test_a_new_browser_signs_in_by_email_link_and_adds_a_passkey_there(browser, live_server):
    first = new_page(browser, live_server)
    VirtualAuthenticator(first)
    sign_up(first)
    first.get_by_label("Email address").fill("grace@example.org")
    first.get_by_role("button", name="Send a confirmation link").click()
    first.get_by_text("We sent a link to grace@example.org").wait_for()
    first.goto(re.search(r"https?://\S+", mail.outbox[-1].body).group(0))
    first.get_by_role("button", name="Confirm this address").click()
    first.get_by_text("grace@example.org is confirmed").wait_for()

    phone = new_page(browser, live_server, PHONE)
    phone.goto("/account/sign-in/")
    phone.get_by_label("Email address").fill("grace@example.org")
    phone.get_by_role("button", name="Email me a sign-in link").click()
    phone.get_by_role("heading", name="Check your email").wait_for()
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    phone.goto(link)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/account/")
    assert phone.get_by_text("You signed in with the link from your email.").is_visible()

    VirtualAuthenticator(phone)
    phone.get_by_label("Name this passkey").fill("Phone")
    phone.get_by_role("button", name="Add a passkey on this device").click()
    phone.get_by_text("Passkey “Phone” added.").wait_for()
    phone.goto(link)
    assert phone.get_by_text(emails.EXPIRED).is_visible()  # the link worked once
    first.context.close()
    phone.context.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_without_javascript_the_pages_say_so_and_the_email_link_works(
    browser, live_server, viewport
):
    page = new_page(browser, live_server, viewport, script=False)
    page.goto("/account/sign-in/")
    assert page.get_by_text("Passkeys need JavaScript").is_visible()
    assert not page.get_by_role("button", name="Sign in with a passkey").is_visible()
    assert page.get_by_role("button", name="Email me a sign-in link").is_visible()
    page.goto("/account/create/")
    assert page.get_by_text("Creating an account needs a passkey").is_visible()
    page.get_by_role("link", name="sign in with an email link").click()
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Email me a sign-in link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    page.context.close()


def test_the_account_pages_have_no_axe_violations(browser, live_server, settings):
    # Two browsers at one address, each through every page and two mails: past the
    # limits meant for one reader (tests/accounts/test_pages.py tests those).
    settings.RATE_LIMITS = settings.RATE_LIMITS | {
        "account": (500, 600),
        "account-email": (50, 3600),
    }
    found = {}
    for viewport in (PHONE, DESKTOP):
        Account.objects.all().delete()
        mail.outbox.clear()
        where = f"{viewport['width']}px"
        page = new_page(browser, live_server, viewport)
        VirtualAuthenticator(page)
        for url in ("/account/sign-in/", "/account/create/", "/privacy/"):
            page.goto(url)
            checked(page, f"{url} [{where}]", found)
        page.goto("/account/create/")
        page.get_by_label("Handle").fill("admin")
        page.get_by_role("button", name="Create account with a passkey").click()
        page.locator("[data-passkey-error]").get_by_text("kept for the newsroom").wait_for()
        checked(page, f"create, refused handle [{where}]", found)
        page.get_by_label("Handle").fill("grace")
        page.get_by_role("button", name="Create account with a passkey").click()
        page.wait_for_url("**/account/recovery-codes/")
        checked(page, f"recovery codes [{where}]", found)
        page.goto("/account/")
        page.get_by_label("Email address").fill("grace@example.org")
        page.get_by_role("button", name="Send a confirmation link").click()
        page.get_by_text("We sent a link").wait_for()
        checked(page, f"account, with a message [{where}]", found)
        page.goto(re.search(r"https?://\S+", mail.outbox[-1].body).group(0))
        checked(page, f"confirm address [{where}]", found)
        page.get_by_role("button", name="Confirm this address").click()
        page.wait_for_url("**/account/")
        checked(page, f"account, address confirmed [{where}]", found)
        for url in ("/account/delete/", "/account/sign-in/recovery/"):
            page.goto(url)
            checked(page, f"{url} [{where}]", found)
        page.goto("/account/sign-in/link/nonsense/")
        checked(page, f"expired link [{where}]", found)
        page.goto("/account/sign-in/")
        page.get_by_label("Email address").fill("grace@example.org")
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.get_by_role("heading", name="Check your email").wait_for()
        checked(page, f"check your email [{where}]", found)
        page.goto(re.search(r"https?://\S+", mail.outbox[-1].body).group(0))
        checked(page, f"sign in by link [{where}]", found)
        page.goto("/account/")
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("heading", name="Signed out").wait_for()
        checked(page, f"signed out [{where}]", found)
        page.context.close()
    found = {where: violations for where, violations in found.items() if violations}
    assert not found, f"axe found violations:\n{describe(found)}"
