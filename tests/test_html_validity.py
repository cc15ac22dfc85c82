"""Every page type is valid HTML by the Nu HTML Checker (vnu.jar from the npm package vnu-jar).

All pages go to one Java run: the checker's start-up dominates its cost. Java comes
from tools/system-deps.sh and vnu.jar from `make node-deps`; when either is
missing the test fails and says how to get it, rather than silently skipping.
"""

import json
import re
import shutil
import subprocess
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from core import readers
from predictions import services
from predictions.models import Forecast, Question

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TSCM = "/articles/tscm-car-t-first-in-human/"
TSCM_QUESTION = "/predictions/tscm-therapy-approved-by-2030/"

PAGES = {
    "front": "/",
    "front-page-2": "/?page=2",
    "article": TSCM,
    "article-explanation-alone": f"{TSCM}?part=explanation",
    "article-technical-alone": f"{TSCM}?part=technical",
    "article-evidence-alone": f"{TSCM}?part=evidence",
    "article-lead-image": "/articles/nif-fusion-ignition/",
    "article-figure": "/articles/semaglutide-select-trial-heart-events/",
    "author": "/authors/mara-lindqvist/",
    "topics": "/topics/",
    "topic": "/topics/immunology/",
    "glossary": "/glossary/",
    "glossary-term": "/glossary/tscm/",
    "sources": "/sources/",
    "source": "/sources/nature/",
    "methodology": "/methodology/",
    "predictions": "/predictions/",
    "question": TSCM_QUESTION,
    "resolved-question": "/predictions/lk-99-confirmed-by-end-of-2023/",
    "leaderboard": "/predictions/leaderboard/",
    "community": "/community/",
    "calibration": "/calibration/",
    "search": "/search/?q=T+cells",
    "search-no-results": "/search/?q=zzyzx",
    "search-common-words": "/search/?q=the+of+and",
    "search-phrase": '/search/?q="memory+T+cells"',
    "search-empty": "/search/",
    "not-found": "/no-such-page/",
    "article-retracted-source": "/articles/lutetium-hydride-superconductor-claim/",
    "article-follow-up": "/articles/lk-99-superconductor-claim-fails-replication/",
    "privacy": "/privacy/",
    "account-sign-in": "/account/sign-in/",
    "account-create": "/account/create/",
    "account-recovery-sign-in": "/account/sign-in/recovery/",
}
# After the reader has voted and forecast: the panels and the track record fill in.
PAGES_AFTER_ACTING = {
    "article-after-acting": TSCM,
    "question-after-acting": TSCM_QUESTION,
    "track-record": "/predictions/me/",
}


def reader_acts(client):
    """Vote and forecast through the site's own forms; score a resolved question too."""
    client.post(f"{TSCM}read/", {"choice": "promising"})
    response = client.post(f"{TSCM_QUESTION}forecast/", {"probability": "30"})
    assert response.status_code == 302, response.content[:500]
    reader_id = client.cookies[readers.COOKIE_NAME].value.split(":")[0]
    question = Question.objects.get(slug="lecanemab-traditional-approval-2023")
    Forecast.objects.create(
        question=question,
        reader_id=reader_id,
        probability=70,
        made_at=question.opens_at + timedelta(days=1),
    )
    services.resolve_question(
        question=question,
        resolution=question.resolution,
        note=question.resolution_note,
        now=question.resolved_at,
    )


def fetch(client, pages, folder):
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code in (200, 404), f"{path} answered {response.status_code}"
        (folder / f"{name}.html").write_bytes(response.content)


def fetch_account_pages(client, folder):
    """A reader's account: made with a passkey (a software authenticator), its pages with
    their messages, an address confirmed and a sign-in link asked for and opened."""
    from tests.accounts.flows import create_account

    answer, _ = create_account(client, "grace")
    assert answer.status_code == 200, answer.content
    pages = {
        "account-recovery-codes": client.get(reverse("accounts:recovery_codes")),
        "account-delete": client.get(reverse("accounts:delete")),
    }
    pages["account-email-sent"] = client.post(
        reverse("accounts:email_add"), {"email": "grace@example.org"}, follow=True
    )
    confirm = "/" + re.search(r"https?://\S+", mail.outbox[-1].body).group(0).split("/", 3)[3]
    pages["account-email-confirm"] = client.get(confirm)
    pages["account"] = client.post(confirm, follow=True)
    pages["account-check-mail"] = client.post(
        reverse("accounts:sign_in_email"), {"email": "grace@example.org"}
    )
    link = "/" + re.search(r"https?://\S+", mail.outbox[-1].body).group(0).split("/", 3)[3]
    pages["account-sign-in-link"] = client.get(link)
    pages["account-sign-in-refused-code"] = client.post(
        reverse("accounts:sign_in_recovery"), {"handle": "grace", "code": "nope"}
    )
    assert client.post(link).status_code == 302  # signs in, and uses the link up
    pages["account-link-used"] = client.get(link)
    pages["account-signed-out"] = client.post(reverse("accounts:sign_out"))
    for name, response in pages.items():
        expected = 400 if name == "account-link-used" else 200
        assert response.status_code == expected, f"{name} answered {response.status_code}"
        (folder / f"{name}.html").write_bytes(response.content)
    return len(pages)


def fetch_admin_pages(client, folder):
    """The editors' login (blank and refused) and, logged in, the second-factor page."""
    (folder / "admin-login.html").write_bytes(client.get(reverse("admin:login")).content)
    refused = client.post(reverse("admin:login"), {"username": "nobody", "password": "x"})
    (folder / "admin-login-refused.html").write_bytes(refused.content)
    chief = User.objects.create_superuser("chief", "chief@example.org", "a-long-chief-password")
    client.force_login(chief)
    enrolment = client.get(reverse("admin:second_factor"))
    assert enrolment.status_code == 200
    (folder / "admin-second-factor.html").write_bytes(enrolment.content)
    return 3


def run_vnu(folder):
    java = shutil.which("java")
    assert java, "java is missing: run `make system-deps` (installs default-jre-headless)"
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: run `make node-deps` (npm ci)"
    files = sorted(str(path) for path in folder.glob("*.html"))
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.stdout, f"vnu printed nothing: {result.stderr[:2000]}"
    return json.loads(result.stdout)["messages"]


def assert_valid_html(pages, folder):
    """Each response of ``pages`` ({name: response}) written to ``folder``, and the Nu
    HTML Checker finding no error in any."""
    for name, response in pages.items():
        (folder / f"{name}.html").write_bytes(response.content)
    errors = [m for m in run_vnu(folder) if m.get("type") in ("error", "non-document-error")]
    assert len(list(folder.glob("*.html"))) == len(pages)
    assert not errors, f"The Nu HTML Checker found {len(errors)} errors:\n" + describe(
        errors, folder
    )


def describe(errors, folder):
    lines = []
    for message in errors:
        name = Path(message.get("url", "")).name
        where = f"{name}:{message.get('lastLine', '?')}"
        lines.append(f"{where}: {message.get('message')}")
        if message.get("extract"):
            lines.append(f"    {message['extract'].strip()[:200]}")
    return "\n".join(lines)


@pytest.mark.django_db
def test_every_page_type_is_valid_html(client, fixture_content, tmp_path):
    call_command("seed_demo_forecasts", readers=8, stdout=StringIO())
    fetch(client, PAGES, tmp_path)
    # A forecast out of range: the story again, with the form's error by the field.
    invalid = client.post(f"{TSCM_QUESTION}forecast/", {"probability": "150"}, follow=True)
    assert b'id="probability-error"' in invalid.content
    (tmp_path / "forecast-error.html").write_bytes(invalid.content)
    reader_acts(client)
    fetch(client, PAGES_AFTER_ACTING, tmp_path)
    account_pages = fetch_account_pages(client, tmp_path)
    admin_pages = fetch_admin_pages(client, tmp_path)

    messages = run_vnu(tmp_path)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert (
        len(list(tmp_path.glob("*.html")))
        == len(PAGES) + len(PAGES_AFTER_ACTING) + 1 + account_pages + admin_pages
    )
    assert not errors, f"The Nu HTML Checker found {len(errors)} errors:\n" + describe(
        errors, tmp_path
    )


def fetch_history_pages(client, article, folder):
    """A story's history once its explanation has been edited twice: two versions compared
    block by block, the older one on its own, and its restore page, blank and refused."""
    from tests.admin_forms import change_form_data

    url = reverse("admin:articles_article_change", args=[article.pk])
    for edit in ("A first edit.", "A second edit."):
        data = change_form_data(client, url)
        data["explanation"] = [data["explanation"][0].replace("\n\n", f"\n\n{edit} ", 1)]
        assert client.post(url, data).status_code == 302
    older = article.history.order_by("-history_date")[1]
    pages = {
        "admin-story-compare-edited": reverse(
            "admin:articles_article_history_compare", args=[article.pk]
        ),
        "admin-story-version": reverse(
            "admin:articles_article_simple_history", args=[article.pk, older.pk]
        ),
        "admin-story-restore": reverse(
            "admin:articles_article_history_restore", args=[article.pk, older.pk]
        ),
    }
    fetch(client, pages, folder)
    refused = client.post(pages["admin-story-restore"], {"reason": ""})
    assert refused.status_code == 200 and b"errorlist" in refused.content
    (folder / "admin-story-restore-refused.html").write_bytes(refused.content)
    return len(pages) + 1


@pytest.mark.django_db
def test_the_editors_story_forms_are_valid_html(client, editor, fixture_content, tmp_path):
    from django.urls import reverse

    from articles.models import Article
    from tests.admin_forms import change_form_data

    article = Article.objects.get(slug="tscm-car-t-first-in-human")
    question = article.question
    pages = {
        "admin-story-add": reverse("admin:articles_article_add"),
        "admin-story-change": reverse("admin:articles_article_change", args=[article.pk]),
        "admin-story-history": reverse("admin:articles_article_history", args=[article.pk]),
        "admin-story-compare": reverse("admin:articles_article_history_compare", args=[article.pk]),
        "admin-source-add": reverse("admin:trust_source_add"),
    }
    fetch(client, pages, tmp_path)
    errors_page = client.post(pages["admin-story-add"], {"headline": ""})
    assert errors_page.status_code == 200
    (tmp_path / "admin-story-add-errors.html").write_bytes(errors_page.content)
    resolve = client.post(
        reverse("admin:predictions_question_changelist"),
        {"action": "resolve", "_selected_action": [question.pk]},
    )
    (tmp_path / "admin-resolve.html").write_bytes(resolve.content)
    # A save refused because someone else changed the story since the form was opened.
    opened = change_form_data(client, pages["admin-story-change"])
    Article.objects.filter(pk=article.pk).update(headline="Changed by someone else")
    refused = client.post(pages["admin-story-change"], opened | {"dek": ["Mine."]})
    assert "after you opened it" in refused.content.decode()
    (tmp_path / "admin-story-refused.html").write_bytes(refused.content)
    # Times in the wrong order: the takedown before the publish time, said beside it.
    times = change_form_data(client, pages["admin-story-change"])
    wrong = client.post(
        pages["admin-story-change"],
        times | {"unpublish_at_0": "2000-01-01", "unpublish_at_1": "00:00:00"},
    )
    assert "Take the story down after it goes out" in wrong.content.decode()
    (tmp_path / "admin-story-times-errors.html").write_bytes(wrong.content)
    history_pages = fetch_history_pages(client, article, tmp_path)

    messages = run_vnu(tmp_path)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert len(list(tmp_path.glob("*.html"))) == len(pages) + 4 + history_pages
    assert not errors, f"The Nu HTML Checker found {len(errors)} errors:\n" + describe(
        errors, tmp_path
    )


@pytest.mark.django_db
def test_the_notification_pages_are_valid_html(client, tmp_path):
    from notices import links, services, tasks
    from predictions import services as predictions
    from tests.factories import make_question
    from tests.notices.conftest import make_account, signed_in

    account = make_account(email="ada@example.org", frequency="daily")
    reader, question = signed_in(account), make_question()
    pages = {
        "notices-inbox-empty": reader.get(reverse("notices:inbox")),
        "notices-needs-account": client.post(
            reverse("notices:follow_question", args=[question.slug])
        ),
        "notices-followed": reader.post(
            reverse("notices:follow_question", args=[question.slug]), follow=True
        ),
    }
    services.follow(account=account, article=question.article)
    predictions.resolve_question(question=question, resolution="yes", note="It did.")
    tasks.deliver_waiting_events.call_local()
    unsubscribe = reverse("notices:unsubscribe", args=[links.unsubscribe_token(account)])
    pages |= {
        "notices-inbox": reader.get(reverse("notices:inbox")),
        "notices-settings-errors": reader.post(
            reverse("notices:settings"), {"email_frequency": "x", "crowd_threshold": "0"}
        ),
        "notices-unsubscribe": client.get(unsubscribe),
        "notices-unsubscribed": client.post(unsubscribe),
    }
    assert_valid_html(pages, tmp_path)


@pytest.mark.django_db
def test_the_review_part_of_a_story_is_valid_html(client, editor, tmp_path):
    """A story's review part as its author, its reviewer and a superuser see it: sent,
    with a thread of decisions and comments, each action's form, and the stories' list
    with its review column and filter."""
    from django.test import Client

    from articles import reviews
    from articles.models import Article
    from tests.factories import make_article

    bea = User.objects.create_user("bea", password="a-long-editor-password", is_staff=True)
    bea.groups.set(editor.groups.all())
    story = make_article(status=Article.Status.DRAFT, published_at=None)
    story.headline, story._history_user = "Bees learn to count to four", editor
    story.save()
    reviews.send_for_review(article=story, by=editor, reviewer=bea, note="Is it clear?")
    reviews.add_comment(article=story, by=bea, text="Check the n=12 claim.\nAnd the maze.")
    reviewer, chief = Client(), Client()
    reviewer.force_login(bea)
    chief.force_login(User.objects.create_superuser("chief", "chief@example.org", "x-long-pw"))
    change = reverse("admin:articles_article_change", args=[story.pk])
    changelist = reverse("admin:articles_article_changelist")
    pages = {
        "admin-review-author": client.get(change),
        "admin-review-reviewer": reviewer.get(change),
        "admin-review-superuser": chief.get(change),
        "admin-review-waiting": reviewer.get(changelist, {"review": "mine"}),
    }
    decide = reverse("admin:articles_article_review_decide", args=[story.pk])
    pages["admin-review-refused"] = reviewer.post(
        decide, {"review-decide-verdict": "changes", "review-decide-comment": ""}, follow=True
    )
    assert all(response.status_code == 200 for response in pages.values()), pages
    assert_valid_html(pages, tmp_path)


@pytest.mark.django_db
def test_the_picture_library_pages_are_valid_html(client, editor, tmp_path):
    """The library's list (searched), a picture's page with its focal point and crops, a
    refused focal point, the page refusing to delete a picture in use, the story form
    with a picture placed from the library, and a refused new story keeping its upload."""

    from articles.models import Picture
    from tests.admin_forms import article_form, change_form_data, new_picture_row, rows
    from tests.factories import make_article, make_library_picture, make_picture

    picture = make_library_picture(title="Bees on a card", credit="Jo Photo")
    story = make_article(headline="Bees count")
    make_picture(story, picture=picture)
    make_library_picture(alt="A telescope at dusk.")
    change = reverse("admin:articles_picture_change", args=[picture.pk])
    pages = {
        "admin-picture-library": client.get(reverse("admin:articles_picture_changelist")),
        "admin-picture-search": client.get(
            reverse("admin:articles_picture_changelist"), {"q": "Jo Photo"}
        ),
        "admin-picture-add": client.get(reverse("admin:articles_picture_add")),
        "admin-picture-change": client.get(change),
        "admin-picture-in-use": client.get(
            reverse("admin:articles_picture_delete", args=[picture.pk])
        ),
        "admin-picture-story": client.get(
            reverse("admin:articles_article_change", args=[story.pk])
        ),
    }
    opened = change_form_data(client, change)
    pages["admin-picture-refused"] = client.post(change, opened | {"focal_x": ["2"]})
    pages["admin-story-refused-upload-kept"] = client.post(
        reverse("admin:articles_article_add"),
        article_form(headline="") | rows("images", new_picture_row()),
    )
    assert "Kept from your last try" in pages["admin-story-refused-upload-kept"].content.decode()
    assert all(response.status_code == 200 for response in pages.values()), pages
    assert Picture.objects.get(pk=picture.pk).focal_x == 0.5
    assert_valid_html(pages, tmp_path)
