"""The private cluster script, run from a second checkout so it never touches ours."""

import os
import shutil
import stat
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.core.test_http_cache_stack import wait_for
from tools import localdb


@pytest.fixture
def second_checkout(tmp_path):
    # The cluster's folder and port follow from the checkout's path. pytest numbers its
    # temporary folders afresh on a machine whose /tmp was emptied, so a path of its own
    # keeps a server left by an interrupted run from answering for this one.
    package = tmp_path / f"checkout-{uuid.uuid4().hex}" / "tools"
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

    url = run(second_checkout, "url").stdout.strip()  # now with the cluster's password
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


def psql_over_tcp(url_or_options):
    """psql with no password from the environment or a ~/.pgpass."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    return subprocess.run(
        ["psql", *url_or_options, "-tAc", "SELECT current_user"],
        capture_output=True,
        text=True,
        env=env | {"PGPASSFILE": os.devnull, "PGCONNECT_TIMEOUT": "5"},
    )


def password_file(checkout):
    data = run(checkout, "status").stdout.split("data ")[1].split(";")[0]
    return Path(data) / "localdb.password"


def assert_tcp_asks_for_the_password(checkout):
    url = run(checkout, "url").stdout.strip()
    port = url.rsplit(":", 1)[1].split("/")[0]
    refused = psql_over_tcp(["-w", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "postgres"])
    assert refused.returncode != 0
    assert "password" in refused.stderr
    assert psql_over_tcp([url]).stdout.strip() == "postgres"
    secret = password_file(checkout)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert secret.stat().st_uid == os.geteuid()
    assert secret.read_text().strip() in url
    assert stat.S_IMODE((secret.parent / "socket").stat().st_mode) == 0o700


@pytest.mark.django_db
def test_tcp_connections_need_the_password_that_url_carries(second_checkout):
    assert run(second_checkout, "start").returncode == 0
    assert_tcp_asks_for_the_password(second_checkout)


@pytest.mark.django_db
def test_start_upgrades_a_cluster_that_trusted_tcp(second_checkout):
    assert run(second_checkout, "start").returncode == 0
    # The state of a cluster made before passwords: trust everywhere, no password file.
    secret = password_file(second_checkout)
    hba = secret.parent / "pg_hba.conf"
    hba.write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    secret.unlink()
    run(second_checkout, "stop")
    assert run(second_checkout, "start").returncode == 0
    assert_tcp_asks_for_the_password(second_checkout)

    # A cluster still running with trust is upgraded by the next start, too.
    hba.write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    secret.unlink()
    reload = [localdb.pg_binary("pg_ctl"), "-D", str(hba.parent), "reload"]
    subprocess.run(["runuser", "-u", "postgres", "--", *reload] if os.geteuid() == 0 else reload)
    port = run(second_checkout, "url").stdout.strip().rsplit(":", 1)[1].split("/")[0]
    trusted = ["-w", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "postgres"]
    # The server rereads its configuration when the signal reaches it, a moment later.
    wait_for(lambda: psql_over_tcp(trusted).returncode == 0, 10)
    again = run(second_checkout, "start")
    assert "already running" in again.stdout
    assert_tcp_asks_for_the_password(second_checkout)
