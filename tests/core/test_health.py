import socket

import pytest
from django.db import connection


@pytest.mark.django_db
def test_healthz_is_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.fixture
def unreachable_database():
    """Point the connection at a port where nothing listens, then put it back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    original = connection.settings_dict.copy()
    connection.close()
    connection.close_pool()
    connection.settings_dict["PORT"] = closed_port
    connection.settings_dict["OPTIONS"] = original["OPTIONS"] | {"pool": False}
    yield
    connection.close()
    connection.settings_dict.update(original)


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_does_not_answer(client, unreachable_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "redis": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "options", "trace", "put"])
def test_healthz_answers_only_get_and_head(client, method):
    assert getattr(client, method)("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200
