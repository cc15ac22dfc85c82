"""The leaderboard ranks accounts only, by a Brier score shrunk toward the baseline by how
few questions a reader has resolved (predictions/scoring.py: ranking_score), so that a
few lucky or hedged answers cannot top it."""

import itertools
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from accounts.models import Account
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import scoring, services
from predictions.models import SYNTHETIC_READER_PREFIX, Score
from predictions.selectors import track_record
from tests import query_budgets
from tests.factories import make_question

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def make_account(handle=None, *, reader_id=None):
    """An account as accounts/services.py makes one: a user without a password, a handle,
    and the reader id its reads and forecasts are stored under."""
    number = next(_numbers)
    handle = handle or f"forecaster{number}"
    user = get_user_model().objects.create(username=f"reader-{uuid.uuid4().hex}")
    return Account.objects.create(
        user=user,
        handle=handle,
        handle_skeleton=handle.lower(),
        reader_id=reader_id or uuid.uuid4().hex,
    )


def forecast_as(client, question, probability, *, address):
    response = client.post(
        reverse("predictions:forecast", kwargs={"slug": question.slug}),
        {"probability": str(probability)},
        REMOTE_ADDR=address,
    )
    assert response.status_code == 302


def hedge(client, questions, *, readers=None):
    """Eight identities answering every combination of 99 and 1 on three questions, each
    in a browser and from an address of its own: one of them is bound to be right every
    time. ``readers`` are their reader ids (accounts); without them, each browser starts
    as a new reader and keeps its cookie for its next answers."""
    for combination in range(8):
        client.cookies.clear()
        if readers:
            client.cookies[COOKIE_NAME] = signed_reader_cookie(readers[combination])
        for place, question in enumerate(questions):
            probability = 99 if combination >> place & 1 else 1
            forecast_as(client, question, probability, address=f"198.51.100.{combination + 1}")


def board(client):
    return client.get(reverse("predictions:leaderboard")).context["board"]


@pytest.fixture
def honest_forecasters():
    """Ten accounts who each said 80 % on twelve questions that all resolved yes (a Brier
    score of 0.04 each): steady, not perfect, and long enough to count."""
    accounts = [make_account() for _ in range(10)]
    questions = [make_question() for _ in range(12)]
    for question in questions:
        for account in accounts:
            services.submit_forecast(question=question, reader_id=account.reader_id, probability=80)
    return accounts, questions


def resolve_yes(questions):
    for question in questions:
        services.resolve_question(question=question, resolution="yes", note="")


def test_eight_hedging_accounts_stay_out_of_the_top_ten(client, honest_forecasters):
    accounts, questions = honest_forecasters
    hedgers = [make_account(f"hedger{number}") for number in range(8)]
    hedge(client, questions[:3], readers=[account.reader_id for account in hedgers])
    resolve_yes(questions)

    lucky = Score.objects.filter(reader_id=hedgers[-1].reader_id)
    assert [round(score.brier, 4) for score in lucky] == [0.0001] * 3  # 99 % on each yes
    rows = board(client).rows
    handles = [row.handle for row in rows]
    assert set(handles[:10]) == {account.handle for account in accounts}
    assert "hedger7" in handles[10:]  # ranked, by its short record: behind all ten
    assert rows[handles.index("hedger7")].ranking_score == pytest.approx(
        scoring.ranking_score(3, 0.0001)
    )


def test_eight_hedging_identities_without_accounts_are_not_ranked_at_all(
    client, honest_forecasters
):
    accounts, questions = honest_forecasters
    hedge(client, questions[:3])
    resolve_yes(questions)

    perfect = Score.objects.filter(brier__lt=0.001).values("reader_id").annotate(n=Count("pk"))
    assert [row["n"] for row in perfect if row["n"] == 3] == [3]  # one was always right
    assert [row.handle for row in board(client).rows] == [
        account.handle for account in sorted(accounts, key=lambda account: account.reader_id)
    ]


def test_readers_rank_by_their_shrunk_score_not_their_mean(client, settings):
    settings.LEADERBOARD_MIN_RESOLVED = 1
    lucky, steady = make_account("lucky"), make_account("steady")
    questions = [make_question() for _ in range(20)]
    services.submit_forecast(question=questions[0], reader_id=lucky.reader_id, probability=95)
    for question in questions:
        services.submit_forecast(question=question, reader_id=steady.reader_id, probability=75)
    resolve_yes(questions)

    rows = board(client).rows
    assert [row.handle for row in rows] == ["steady", "lucky"]
    assert rows[1].mean_brier < rows[0].mean_brier  # the better mean, on one question
    for row in rows:
        assert row.ranking_score == pytest.approx(
            scoring.ranking_score(row.questions, row.mean_brier)
        )


def test_only_accounts_with_enough_resolved_questions_appear(client, settings):
    settings.LEADERBOARD_MIN_RESOLVED = 2
    sharp, newcomer = make_account("sharp"), make_account("newcomer")
    questions = [make_question() for _ in range(2)]
    for question in questions:
        for reader_id in (sharp.reader_id, "cookie-reader", f"{SYNTHETIC_READER_PREFIX}0001"):
            services.submit_forecast(question=question, reader_id=reader_id, probability=90)
    services.submit_forecast(question=questions[0], reader_id=newcomer.reader_id, probability=90)
    resolve_yes(questions)

    # The cookie reader and the demo reader scored as well as sharp, but have no account.
    assert Score.objects.filter(reader_id="cookie-reader").count() == 2
    assert [row.handle for row in board(client).rows] == ["sharp"]


def test_the_page_states_the_rule_with_its_formula_and_marks_the_viewer(client, settings):
    settings.LEADERBOARD_MIN_RESOLVED = 1
    me, other = make_account("me-myself"), make_account("someone")
    question = make_question()
    for account in (me, other):
        services.submit_forecast(question=question, reader_id=account.reader_id, probability=70)
    resolve_yes([question])

    client.cookies[COOKIE_NAME] = signed_reader_cookie(me.reader_id)
    html = client.get(reverse("predictions:leaderboard")).content.decode()

    assert (
        "Ranking score = (<var>n</var> × mean Brier score + 10 × 0.25) ÷ (<var>n</var> + 10)"
        in (html)
    )
    assert "a perfect record on 1 question ranks at 0.227" in html
    assert "Only readers with an account are ranked" in html
    assert reverse("trust:methodology") + "#leaderboard-rule" in html
    assert "You are <strong>me-myself</strong>." in html
    mine = html.split('class="directory__mine"', 1)[1].split("</tr>", 1)[0]
    assert "me-myself" in mine and "someone" not in mine
    assert "0.235" in mine  # (1 × 0.09 + 10 × 0.25) / 11, rounded


def test_an_empty_board_says_what_it_takes(client):
    html = client.get(reverse("predictions:leaderboard")).content.decode()
    assert "No reader with an account has 3 resolved questions yet." in html


def test_the_leaderboard_costs_its_budget_however_many_are_ranked(
    client, settings, django_assert_num_queries
):
    settings.LEADERBOARD_MIN_RESOLVED = 1
    questions = [make_question() for _ in range(3)]
    accounts = [make_account() for _ in range(12)]
    for question in questions:
        for account in accounts:
            services.submit_forecast(question=question, reader_id=account.reader_id, probability=60)
    resolve_yes(questions)
    client.cookies[COOKIE_NAME] = signed_reader_cookie(accounts[0].reader_id)

    with django_assert_num_queries(query_budgets.LEADERBOARD_PAGE):
        response = client.get(reverse("predictions:leaderboard"))
    assert len(response.context["board"].rows) == 12


def test_the_selector_ranks_in_two_queries(settings, django_assert_num_queries):
    settings.LEADERBOARD_MIN_RESOLVED = 1
    question = make_question()
    account = make_account()
    services.submit_forecast(question=question, reader_id=account.reader_id, probability=60)
    resolve_yes([question])

    with django_assert_num_queries(2):
        ranked = track_record.leaderboard(viewer="not-an-account")
    assert ranked.viewer_handle is None
    assert [(row.handle, row.mine) for row in ranked.rows] == [(account.handle, False)]
