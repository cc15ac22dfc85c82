"""Handles: unique whatever their case, and never passing for the newsroom, its editors,
or another reader, however the letters are dressed up."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts import handles, services
from core.editors import EDITORS_GROUP
from tests.accounts.flows import create_account, post_json


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("admin", "ADMIN"),
        ("admin", "4dm1n"),
        ("admin", "a.d-m_i_n"),
        ("admin", "ａｄｍｉｎ"),  # fullwidth letters, folded by NFKC
        ("admin", "𝐚𝐝𝐦𝐢𝐧"),  # mathematical bold letters
        ("admin", "ádmín"),
        ("newsroom", "newsr00m"),
        ("modern", "rnodern"),
        ("william", "vviIliam"),
        ("support", "5upp0rt"),
    ],
)
def test_look_alikes_share_a_skeleton(one, other):
    assert handles.skeleton(one) == handles.skeleton(other)


def test_different_handles_keep_different_skeletons():
    assert handles.skeleton("grace") != handles.skeleton("grade")
    assert handles.skeleton("ada") != handles.skeleton("adam")


@pytest.mark.parametrize(
    ("handle", "reason"),
    [
        ("ab", "at least 3"),
        ("a" * 31, "at most 30"),
        ("-dash", "starting with a letter or a digit"),
        ("ada lovelace", "Use letters"),
        ("аda", "Use letters"),  # a Cyrillic а
        ("ada😀", "Use letters"),
        ("curious-otter-4821", "names the site gives readers"),
    ],
)
def test_the_format_rules_give_a_plain_reason(handle, reason):
    assert reason in handles.format_problem(handles.normalized(handle))


@pytest.mark.parametrize(
    "handle",
    ["admin", "Adm1n", "the_real_admin", "NewsRoom", "moderator2", "editor", "St4ff", "support",
     "root", "SYSTEM", "0fficial"],
)  # fmt: skip
def test_reserved_words_and_their_look_alikes_are_refused(handle):
    assert handles.reserved_problem(handles.normalized(handle))


@pytest.mark.parametrize("handle", ["rootvegetable", "systematic", "ada", "grace_h"])
def test_words_reserved_alone_may_be_part_of_a_handle(handle):
    assert handles.reserved_problem(handle) is None


@pytest.mark.django_db
def test_editors_usernames_and_names_are_refused_with_their_look_alikes():
    editor = User.objects.create_user(
        "mlindqvist", first_name="Mara", last_name="Lindqvist", is_staff=True
    )
    editor.groups.add(Group.objects.get_or_create(name=EDITORS_GROUP)[0])

    for handle in ("mlindqvist", "m1indqvist", "MaraLindqvist", "mara.lindqvist_fan"):
        with pytest.raises(ValidationError, match="one of our editors"):
            services.check_handle(handle)
    assert services.check_handle("mara") == "mara"


@pytest.mark.django_db
def test_a_handle_is_taken_whatever_its_case_or_disguise():
    create_account(Client(), "Grace")
    browser = Client()
    for handle in ("grace", "GRACE", "gr4ce", "g.r.a.c.e"):
        answer = post_json(browser, reverse("accounts:create_options"), {"handle": handle})
        assert answer.status_code == 400
        assert "taken" in answer.json()["error"]


@pytest.mark.django_db
def test_the_handle_is_stored_in_its_normal_form():
    create_account(Client(), "ｇｒａｃｅ")
    from accounts.models import Account

    assert Account.objects.get().handle == "grace"


@pytest.mark.django_db
@pytest.mark.parametrize("handle", [None, 5, ["admin"], {"a": 1}, ""])
def test_a_forged_handle_is_a_400_with_a_sentence(client, handle):
    answer = post_json(client, reverse("accounts:create_options"), {"handle": handle})
    assert answer.status_code == 400
    assert answer.json()["error"]


@pytest.mark.django_db
def test_a_handle_taken_between_the_options_and_the_answer_is_refused():
    from accounts.models import Account
    from tests.accounts.authenticator import SoftAuthenticator

    first, second = Client(), Client()
    first_options = post_json(first, reverse("accounts:create_options"), {"handle": "grace"}).json()
    second_options = post_json(
        second, reverse("accounts:create_options"), {"handle": "grace"}
    ).json()
    one, two = SoftAuthenticator(), SoftAuthenticator()
    post_json(first, reverse("accounts:create_verify"), {"credential": one.create(first_options)})

    late = post_json(
        second, reverse("accounts:create_verify"), {"credential": two.create(second_options)}
    )

    assert late.status_code == 400
    assert "taken" in late.json()["error"]
    assert Account.objects.count() == 1
