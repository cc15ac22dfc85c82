"""Which requests may read from a replica (core/replicas.py), and that without one nothing
of it is wired in. The router against a real replica: tests/cluster/test_router.py."""

import pytest
from django.core import signing
from django.test import RequestFactory

from core import replicas


def pin_cookie():
    return signing.get_cookie_signer(salt=replicas.PIN_COOKIE + replicas.PIN_SALT).sign("1")


def test_without_a_replica_there_is_no_router_and_no_pinning(settings):
    assert list(settings.DATABASES) == ["default"]
    assert settings.DATABASE_ROUTERS == []
    assert "core.replicas.PrimaryPinMiddleware" not in settings.MIDDLEWARE


def test_a_readers_page_read_may_use_the_replica():
    assert replicas.may_read_replica(RequestFactory().get("/articles/a-story/"))


@pytest.mark.parametrize(
    ("method", "path", "cookies"),
    [
        ("post", "/articles/a-story/read/", {}),
        ("get", "/admin/articles/article/", {}),
        ("get", "/articles/a-story/", {"sessionid": "an-editor"}),
        ("get", "/articles/a-story/mine/", {replicas.PIN_COOKIE: "pinned"}),
    ],
    ids=["a write", "the admin", "an editor's session", "a reader who just wrote"],
)
def test_writes_the_admin_editors_and_pinned_readers_use_the_primary(method, path, cookies):
    factory = RequestFactory()
    if replicas.PIN_COOKIE in cookies:
        cookies = {replicas.PIN_COOKIE: pin_cookie()}
    factory.cookies.load(cookies)
    assert not replicas.may_read_replica(getattr(factory, method)(path))


def test_a_pin_past_its_seconds_or_forged_pins_nobody(settings):
    factory = RequestFactory()
    factory.cookies.load({replicas.PIN_COOKIE: pin_cookie()})
    settings.DATABASE_PRIMARY_PIN_SECONDS = -1
    assert replicas.may_read_replica(factory.get("/articles/a-story/"))

    settings.DATABASE_PRIMARY_PIN_SECONDS = 5
    factory.cookies.load({replicas.PIN_COOKIE: "1:forged"})
    assert replicas.may_read_replica(factory.get("/articles/a-story/"))
