"""The passkey ceremonies as a browser runs them, through the test client: fetch the
options, let the software authenticator answer, post the answer back."""

import json

from django.urls import reverse

from tests.accounts.authenticator import SoftAuthenticator


def post_json(client, url, data):
    return client.post(
        url, data=json.dumps(data), content_type="application/json", HTTP_ACCEPT="application/json"
    )


def create_account(client, handle="ada", *, authenticator=None, name="Laptop"):
    """Create an account as a browser would; the verify answer, and the authenticator."""
    authenticator = authenticator or SoftAuthenticator()
    options = post_json(client, reverse("accounts:create_options"), {"handle": handle})
    assert options.status_code == 200, options.content
    credential = authenticator.create(options.json())
    answer = post_json(
        client, reverse("accounts:create_verify"), {"credential": credential, "name": name}
    )
    return answer, authenticator


def sign_in(client, authenticator, **assertion):
    """Sign in with the authenticator's passkey; the verify answer."""
    options = post_json(client, reverse("accounts:sign_in_options"), {})
    assert options.status_code == 200, options.content
    credential = authenticator.get(options.json(), **assertion)
    return post_json(client, reverse("accounts:sign_in_verify"), {"credential": credential})


def add_passkey(client, authenticator, name="Phone"):
    options = post_json(client, reverse("accounts:passkey_add_options"), {"name": name})
    assert options.status_code == 200, options.content
    credential = authenticator.create(options.json())
    return post_json(client, reverse("accounts:passkey_add_verify"), {"credential": credential})
