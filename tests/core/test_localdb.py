"""The private cluster script, run from a second checkout so it never touches ours."""

import os
import shutil
import subprocess
import sys
import time

import pytest
from django.db import connection

from tools import localdb


@pytest.fixture
def second_checkout(tmp_path):
    package = tmp_path / "checkout" / "tools"
    package.mkdir(parents=True)
    shutil.copy(localdb.__file__, package / "localdb.py")
    (package / "__init__.py").touch()
    yield package.parent
    run(package.parent, "stop")
    data = run(package.parent, "status").stdout.split("data ")[1].split(";")[0]
    shutil.rmtree(data, ignore_errors=True)


def run(checkout, command):
    return subprocess.run(
        [sys.executable, "-m", "tools.localdb", command],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.django_db
def test_start_stop_and_status_are_idempotent_and_do_not_collide(second_checkout):
    url = run(second_checkout, "url").stdout.strip()
    assert url != localdb.url()

    assert run(second_checkout, "status").returncode == 3
    assert run(second_checkout, "start").returncode == 0
    began = time.monotonic()
    again = run(second_checkout, "start")
    assert again.returncode == 0 and "already running" in again.stdout
    assert time.monotonic() - began < 2
    assert run(second_checkout, "status").returncode == 0

    psql = subprocess.run(
        ["psql", url, "-tAc", "SELECT current_database()"], capture_output=True, text=True
    )
    assert psql.stdout.strip() == "newsroom"
    with connection.cursor() as cursor:  # the suite's own database is untouched
        cursor.execute("SELECT 1")

    run(second_checkout, "stop")
    assert run(second_checkout, "status").returncode == 3
    assert run(second_checkout, "stop").returncode == 0


@pytest.mark.django_db
def test_start_refuses_a_port_answered_by_another_checkouts_server(second_checkout):
    port = int(connection.settings_dict["PORT"])  # the suite's own server
    result = subprocess.run(
        [sys.executable, "-m", "tools.localdb", "start"],
        cwd=second_checkout,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"NEWSROOM_DB_PORT": str(port)},
    )
    assert result.returncode != 0
    assert "not this checkout's" in result.stderr
