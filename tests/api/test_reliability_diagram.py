"""The reliability diagram on the calibration page and the reader's track record: axes
in per cent, the diagonal named, each band's count shown, and the numbers as a table
(templates/predictions/components/calibration_marks.html)."""

from datetime import timedelta

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from core.readers import COOKIE_NAME, signed_reader_cookie
from predictions import services
from predictions.models import Forecast, Question
from tests.api.test_calibration_page import resolved_question
from tests.factories import make_question

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
READER = "r" * 32


def diagram(client, url):
    """The page's reliability diagram figure and the table that follows it."""
    response = client.get(url)
    assert response.status_code == 200
    page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    figure = page.find(".//figure[@class='chart chart--calibration']")
    return figure, page.find(".//table[@class='directory calibration__table']")


def text(element):
    return " ".join("".join(element.itertext()).split())


def counts(figure):
    return [
        int(text(item))
        for item in figure.find(".//ol[@class='chart__counts chart__counts--bands']")
    ]


def dots(figure):
    plot = figure.find(f".//{SVG}svg[@role='img']")
    return [(dot.get("cx"), dot.get("cy")) for dot in plot.iter(f"{SVG}circle")]


def test_the_fixture_calibration_diagram_reads_on_its_own(client, fixture_content):
    figure, table = diagram(client, reverse("api:calibration"))
    titles = [text(p) for p in figure.iter("p") if "chart__axis-title" in p.get("class")]
    assert titles == ["Resolved yes (%)", "Reality score at the close (0–100)"]
    assert [text(span) for span in figure.find(".//p[@class='chart__y']")] == [
        "100",
        "80",
        "60",
        "40",
        "20",
        "0",
    ]
    ticks = figure.find(f".//{SVG}svg[@class='chart__ticks']")
    assert [text(label) for label in ticks] == ["0", "20", "40", "60", "80", "100"]
    plot = figure.find(f".//{SVG}svg[@role='img']")
    assert plot.get("aria-labelledby") == figure.find("figcaption").get("id")
    assert [text(label) for label in plot.iter(f"{SVG}text")] == ["perfectly calibrated"]

    # Every band's count under the plot, and the same counts in the table.
    resolved = Question.objects.public().filter(resolution__in=["yes", "no"]).count()
    assert len(counts(figure)) == 10 and sum(counts(figure)) == resolved
    assert "Questions in each band of 10 points" in text(figure)
    rows = [[text(cell) for cell in row] for row in table.find("tbody")]
    assert {row[0]: int(row[1]) for row in rows} == {
        f"{10 * band}–{10 * band + 9}": count for band, count in enumerate(counts(figure)) if count
    }
    assert len(dots(figure)) == len(rows)
    assert [text(th) for th in table.find("thead").iter("th")] == [
        "Band",
        "Questions",
        "Mean score",
        "Resolved yes",
    ]
    assert text(table.find("caption")).startswith("The diagram's numbers, by band")


def test_all_questions_in_one_band_show_one_dot_and_one_count(client):
    for happened in (True, True, False):
        resolved_question(meter=85, happened=happened)
    figure, table = diagram(client, reverse("api:calibration"))
    assert counts(figure) == [0] * 8 + [3, 0]
    assert dots(figure) == [("85.0%", "33.3%")]
    assert [[text(cell) for cell in row] for row in table.find("tbody")] == [
        ["80–89", "3", "85", "67%"]
    ]


def test_scores_of_0_and_100_sit_in_the_corners(client):
    resolved_question(meter=0, happened=False)
    resolved_question(meter=100, happened=True)
    figure, _ = diagram(client, reverse("api:calibration"))
    assert counts(figure) == [1] + [0] * 8 + [1]
    assert dots(figure) == [("0.0%", "100.0%"), ("100.0%", "0.0%")]


def test_the_track_record_draws_the_readers_diagram_with_counts(client):
    for probability, happened in [(15, False), (72, True), (78, False)]:
        question = make_question(
            opens_at=timezone.now() - timedelta(days=40),
            closes_at=timezone.now() - timedelta(days=5),
        )
        Forecast.objects.create(
            question=question,
            reader_id=READER,
            probability=probability,
            made_at=question.opens_at + timedelta(days=1),
        )
        services.resolve_question(
            question=question,
            resolution=Question.Resolution.YES if happened else Question.Resolution.NO,
            note="Decided.",
        )
    client.cookies[COOKIE_NAME] = signed_reader_cookie(READER)
    figure, table = diagram(client, reverse("predictions:track_record"))
    assert counts(figure) == [0, 1, 0, 0, 0, 0, 0, 2, 0, 0]
    assert "Forecasts in each band of 10 points" in text(figure)
    assert text(figure.find("figcaption")).startswith("Calibration: each dot")
    assert [[text(cell) for cell in row] for row in table.find("tbody")] == [
        ["10–19%", "1", "15%", "0%"],
        ["70–79%", "2", "75%", "50%"],
    ]
