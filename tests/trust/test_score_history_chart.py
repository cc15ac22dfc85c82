"""The story's score history chart: labelled axes, every change numbered and reachable,
and its data as a table (templates/trust/components/score_history.html)."""

from datetime import timedelta

import html5lib
import pytest

from articles.models import Article
from tests.factories import make_article, make_meter
from trust.models import ScoreChange

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
LUTETIUM = "/articles/lutetium-hydride-superconductor-claim/"


def score_history(client, path):
    """The page's score history section, parsed as a browser would, or None."""
    response = client.get(path)
    assert response.status_code == 200
    page = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return page.find(".//section[@id='score-history']")


def text(element):
    return " ".join("".join(element.itertext()).split())


def test_the_chart_labels_its_axes_in_units_and_numbers_each_change(client, fixture_content):
    section = score_history(client, LUTETIUM)
    figure = section.find(".//figure")
    titles = [text(p) for p in figure.iter("p") if "chart__axis-title" in p.get("class")]
    assert titles == ["Reality score (out of 100)", "Date"]
    y_labels = [text(span) for span in figure.find(".//p[@class='chart__y']")]
    assert y_labels == ["100", "80", "60", "40", "20", "0"]
    ticks = figure.find(f".//{SVG}svg[@class='chart__ticks chart__ticks--years']")
    assert [text(label) for label in ticks] == ["Jan", "2023", "Apr", "Jul", "Oct", "Jan", "2024"]

    plot = figure.find(f".//{SVG}svg[@role='img']")
    caption = figure.find("figcaption")
    assert plot.get("aria-labelledby") == caption.get("id")
    assert text(caption).startswith("The reality score from 27 to 16 out of 100, at each change:")
    assert "27 on 10 March 2023, 25 on 11 May 2023, 16 on 8 November 2023" in text(caption)
    numbers = [text(label) for label in plot.iter(f"{SVG}text")]
    assert numbers == ["1", "2", "3"]
    assert len(plot.findall(f"{SVG}circle")) == 3


def test_the_data_table_gives_every_change_and_its_reason_and_leads_to_it(client, fixture_content):
    section = score_history(client, LUTETIUM)
    details = section.find(".//details")
    assert text(details.find("summary")) == "Show the data"
    table = details.find(".//table")
    assert "at each change, oldest first" in text(table.find("caption"))
    assert [text(th) for th in table.find("thead").iter("th")] == [
        "No.",
        "Date",
        "Score",
        "Reason",
    ]
    rows = [[text(cell) for cell in row] for row in table.find("tbody")]
    assert rows[0] == ["1", "10 Mar 2023", "27 Early signal", "First scored"]
    assert rows[2][:3] == ["3", "8 Nov 2023", "16 Speculative"]
    assert rows[2][3].startswith("Nature retracted the paper on 7 November 2023")
    # Each row's number leads to that change in the list, with all that moved.
    for number, row in enumerate(table.find("tbody"), start=1):
        assert row.find(".//a").get("href") == f"#score-change-{number}"
        item = section.find(f".//li[@id='score-change-{number}']")
        assert text(row[3]) in text(item)
    assert "Citation now retracted" in text(section.find(".//li[@id='score-change-3']"))


def test_every_fixture_story_with_moves_charts_them_all(client, fixture_content):
    charted = 0
    for article in Article.objects.published():
        changes = list(ScoreChange.objects.filter(article=article).order_by("changed_at"))
        section = score_history(client, article.get_absolute_url())
        scored = [change for change in changes if change.score is not None]
        if len(scored) < 2:
            # A single score is a sentence in the list, not a chart of one dot.
            assert section is None or section.find(".//figure") is None
            continue
        charted += 1
        plot = section.find(f".//figure//{SVG}svg[@role='img']")
        assert len(plot.findall(f"{SVG}circle")) == len(scored)
        reasons = [text(row[3]) for row in section.find(".//table/tbody")]
        assert reasons == [" ".join(change.reason.split()) for change in changes]
    assert charted >= 4  # LK-99, lecanemab, NIF and lutetium hydride


def test_one_score_shows_the_list_without_a_chart(client):
    article = make_article()
    make_meter(article, values=[48], weights=[100])
    section = score_history(client, article.get_absolute_url())
    assert section.find(".//figure") is None and section.find(".//table") is None
    assert "First scored" in text(section.find(".//ol"))


def test_an_unscored_spell_keeps_the_numbers_of_chart_table_and_list_in_step(client):
    article = make_article()
    make_meter(article, values=[48], weights=[100])
    first = ScoreChange.objects.get(article=article)
    for days, score, reason in [(1, None, "Withdrawn for review"), (2, 70, "Reviewed")]:
        ScoreChange.objects.create(
            article=article,
            changed_at=first.changed_at + timedelta(days=days),
            score=score,
            reason=reason,
        )
    section = score_history(client, article.get_absolute_url())
    plot = section.find(f".//figure//{SVG}svg[@role='img']")
    assert [text(label) for label in plot.iter(f"{SVG}text")] == ["1", "3"]
    rows = [[text(cell) for cell in row] for row in section.find(".//table/tbody")]
    assert [row[0] for row in rows] == ["1", "2", "3"]
    assert rows[1][2:] == ["not scored", "Withdrawn for review"]
    assert "Reviewed" in text(section.find(".//li[@id='score-change-3']"))
