"""The pool's check before lending: no round trip for a healthy connection, and a
connection whose server session has ended is never lent to a request."""

import threading

import psycopg
import pytest
from django.db import connection

from core.database.base import check_before_lending, has_unread_input
from tests.core.test_http_cache_stack import wait_for


def _admin():
    """A connection of the test's own, outside the pool, to end other sessions."""
    return psycopg.connect(**connection.get_connection_params() | {"autocommit": True})


def _end_other_sessions(admin):
    """End every other session on the database; return their process ids."""
    return [
        pid
        for (pid,) in admin.execute(
            "SELECT pid FROM pg_stat_activity, pg_terminate_backend(pid) "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    ]


def _fill_pool(count):
    """Leave ``count`` idle connections in the pool, as a busy server would hold."""
    together = threading.Barrier(count)

    def hold():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            together.wait(timeout=5)
        connection.close()

    threads = [threading.Thread(target=hold) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.django_db
def test_a_healthy_idle_connection_is_lent_without_asking_the_server():
    with _admin() as conn:
        conn.execute("SELECT 1").fetchone()
        assert not has_unread_input(conn)
        check_before_lending(conn)
        # Nothing was sent: a query now reads only its own answer.
        assert conn.execute("SELECT 2").fetchone() == (2,)


@pytest.mark.django_db
def test_a_connection_whose_session_was_ended_fails_the_check():
    with _admin() as admin, _admin() as conn:
        admin.execute("SELECT pg_terminate_backend(%s)", [conn.info.backend_pid])
        wait_for(lambda: has_unread_input(conn), 5)
        with pytest.raises(psycopg.OperationalError):
            check_before_lending(conn)


@pytest.mark.django_db(transaction=True)
def test_pages_after_the_database_ended_every_pooled_session_are_served(client):
    assert connection.pool is not None
    assert client.get("/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        before = cursor.fetchone()[0]
    connection.close()  # back to the pool, idle
    _fill_pool(4)
    with _admin() as admin:
        ended = _end_other_sessions(admin)
        assert before in ended
        # Each session ends when its own process gets to the signal: wait for all of them,
        # since the pool may hold more than the one this test used.
        wait_for(
            lambda: (
                not admin.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)", [ended]
                ).fetchone()
            ),
            5,
        )
    response = client.get("/")
    assert response.status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != before
