"""`make backup` / `make restore`: a dump of a database with content restores whole."""

import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from articles.models import Article
from predictions.models import Forecast
from predictions.services import submit_forecast
from tests.factories import make_question
from trust.models import Source

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "backup.py"
TABLES = [
    "articles_article",
    "articles_topic",
    "articles_glossaryterm",
    "articles_article_topics",
    "trust_source",
    "trust_citation",
    "trust_criterionresult",
    "predictions_question",
    "predictions_forecast",
    "auth_group",
    "django_migrations",
]


def server_url(name):
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{name}"


def backup_script(*args, stdin=""):
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--database-url",
            server_url(connection.settings_dict["NAME"]),
            *args,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def snapshot(cursor):
    counts = {}
    for table in TABLES:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT slug, headline, explanation_html FROM articles_article ORDER BY slug")
    articles = cursor.fetchall()
    cursor.execute("SELECT slug, trust_score FROM trust_source ORDER BY slug")
    sources = cursor.fetchall()
    cursor.execute(
        "SELECT reader_id, probability, made_at FROM predictions_forecast ORDER BY made_at, id"
    )
    forecasts = cursor.fetchall()
    return counts, articles, sources, forecasts


@pytest.fixture
def restored_database():
    name = f"newsroom_restore_test_{uuid.uuid4().hex[:8]}"
    yield name
    with psycopg.connect(server_url("postgres"), autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def test_a_backup_restores_into_a_fresh_database_with_the_same_content(
    fixture_content, tmp_path, restored_database
):
    question = make_question()
    submit_forecast(question=question, reader_id="a" * 32, probability=35)
    assert Article.objects.count() > 5 and Source.objects.exists() and Forecast.objects.exists()
    with connection.cursor() as cursor:
        original = snapshot(cursor)

    made = backup_script("backup", "--output", str(tmp_path))
    assert made.returncode == 0, made.stderr
    [dump] = tmp_path.glob("newsroom-*.dump")
    assert dump.stat().st_size > 10_000

    restored = backup_script("restore", str(dump), "--into", restored_database)
    assert restored.returncode == 0, restored.stderr
    with psycopg.connect(server_url(restored_database)) as copy, copy.cursor() as cursor:
        assert snapshot(cursor) == original
        # Restoring again over changed content puts the backup's content back (--clean).
        cursor.execute("UPDATE articles_article SET headline = 'Changed after the backup'")
        cursor.execute("DELETE FROM predictions_forecast")
        copy.commit()

    again = backup_script("restore", str(dump), "--into", restored_database, "--yes")
    assert again.returncode == 0, again.stderr
    with psycopg.connect(server_url(restored_database)) as copy, copy.cursor() as cursor:
        assert snapshot(cursor) == original


def test_restore_asks_for_the_database_name_before_replacing_anything(tmp_path, restored_database):
    backup_script("backup", "--output", str(tmp_path))
    [dump] = tmp_path.glob("newsroom-*.dump")
    assert backup_script("restore", str(dump), "--into", restored_database).returncode == 0

    refused = backup_script("restore", str(dump), "--into", restored_database, stdin="no\n")
    assert refused.returncode != 0
    assert "not confirmed" in refused.stderr
    accepted = backup_script(
        "restore", str(dump), "--into", restored_database, stdin=f"{restored_database}\n"
    )
    assert accepted.returncode == 0, accepted.stderr
