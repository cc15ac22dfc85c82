"""The numbers in every export equal the ones on the story's page, for every fixture story."""

import csv
import html
import io
import re
from datetime import datetime

import pytest
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

BREAKDOWN_ROW = re.compile(
    r'class="breakdown__component">(?P<name>[^<]+)</th>\s*<td>(?P<value>\d+)</td>\s*'
    r"<td>(?P<weight>\d+)%</td>\s*<td>(?P<contribution>\d+)</td>"
)
SCORE = re.compile(r'class="meter__number">(\d+)<')
CITATION_SOURCE = re.compile(
    r'<a href="/sources/(?P<slug>[^/]+)/">[^<]+</a>.*?Trust (?P<trust>\d+)/100', re.S
)
HISTORY_ITEM = re.compile(
    r'<li class="score-history__item" id="score-change-\d+">\s*'
    r'<p class="score-history__when"><time datetime="'
    r'(?P<at>[^"]+)">[^<]+</time>:\s*(?P<what>.*?)</p>\s*'
    r'<p class="score-history__reason">(?P<reason>[^<]*)</p>\s*'
    r'(?:<ul class="score-history__changes">(?P<changes>.*?)</ul>)?\s*</li>',
    re.S,
)
HISTORY_SCORE = re.compile(
    r"<strong>(?:(?P<score>\d+)/100|not scored)</strong>(?: · (?P<rest>.*))?", re.S
)
CROWD = re.compile(
    r'class="crowd__median">(?P<median>\d+)%</strong> · middle half (?P<low>\d+)–(?P<high>\d+)%'
    r" · (?P<forecasters>\d+) forecaster"
)


def page_numbers(client, article):
    text = client.get(article.get_absolute_url()).content.decode()
    rows = [
        (html.unescape(m["name"]), int(m["value"]), int(m["weight"]), int(m["contribution"]))
        for m in BREAKDOWN_ROW.finditer(text)
    ]
    score = SCORE.search(text)
    sources_panel = text[text.index('id="sources"') : text.index('id="forecast"')]
    trusts = {m["slug"]: int(m["trust"]) for m in CITATION_SOURCE.finditer(sources_panel)}
    crowd = CROWD.search(text)
    return {
        "score": int(score[1]) if score else None,
        "history": page_history(text),
        "rows": rows,
        "trusts": trusts,
        "crowd": (
            tuple(int(crowd[key]) for key in ("median", "low", "high", "forecasters"))
            if crowd
            else None
        ),
    }


def page_history(text):
    """ "How this score changed" as the page lists it: (moment, score, band, stage,
    reason, what moved) for each item, newest first."""
    if 'id="score-history"' not in text:
        return []
    panel = text[text.index('id="score-history"') :]
    items = []
    for item in HISTORY_ITEM.finditer(panel):
        when = HISTORY_SCORE.fullmatch(item["what"].strip())
        rest = [html.unescape(part.strip()) for part in (when["rest"] or "").split(" · ")]
        score = int(when["score"]) if when["score"] else None
        band = rest.pop(0) if score is not None else None
        items.append(
            (
                datetime.strptime(item["at"], "%Y-%m-%dT%H:%M:%S%z"),
                score,
                band,
                rest[0] if rest and rest[0] else None,
                html.unescape(item["reason"]),
                [
                    html.unescape(line)
                    for line in re.findall(r"<li>(.*?)</li>", item["changes"] or "")
                ],
            )
        )
    assert len(items) == panel.count('class="score-history__item"'), "an item was not read"
    return items


def exported_history(history):
    return [
        (
            datetime.fromisoformat(change["changed_at"]).replace(microsecond=0),
            change["reality_score"],
            change["band"]["label"] if change["band"] else None,
            change["evidence_stage"]["label"] if change["evidence_stage"] else None,
            change["reason"],
            change["changes"],
        )
        for change in history
    ]


def test_story_exports_and_the_api_show_the_page_numbers(client, fixture_content):
    stories = list(Article.objects.published())
    assert len(stories) >= 8
    for article in stories:
        page = page_numbers(client, article)
        assert page["rows"], f"{article.slug}: no breakdown found on the page"

        inputs = client.get(reverse("api:story_inputs", args=[article.slug])).json()["inputs"]
        score = inputs["score"]
        assert score["reality_score"] == page["score"], article.slug
        assert [
            (c["name"], c["value"], c["weight"], c["contribution"]) for c in score["components"]
        ] == page["rows"], article.slug
        assert {s["slug"]: s["trust_score"] for s in inputs["sources"]} == page["trusts"]
        assert page["history"], f"{article.slug}: no score history found on the page"
        assert exported_history(score["history"]) == page["history"], article.slug

        story = client.get(reverse("api:story", args=[article.slug])).json()["story"]
        assert story["score"] == score and story["reality_score"] == page["score"]
        crowd = story["question"]["crowd"] if story["question"] else {"visible": False}
        if page["crowd"] is None:
            assert not crowd["visible"] or not crowd["forecasters"], article.slug
        else:
            assert (
                crowd["median_percent"],
                crowd["lower_quartile_percent"],
                crowd["upper_quartile_percent"],
                crowd["forecasters"],
            ) == page["crowd"], article.slug

        listed = client.get(reverse("api:stories"), {"page": 1}).json()["results"]
        assert {s["slug"]: s["reality_score"] for s in listed}.get(article.slug) == page["score"]

        text = client.get(reverse("api:story_inputs_csv", args=[article.slug])).content.decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [
            (r["name"], int(r["value"]), int(r["weight"]), int(r["contribution"]))
            for r in rows
            if r["part"] == "component"
        ] == page["rows"], article.slug
        [total] = [r for r in rows if r["part"] == "reality score"]
        assert int(total["value"]) == page["score"]
        assert {r["name"]: int(r["value"]) for r in rows if r["part"] == "source"} == {
            s["name"]: s["trust_score"] for s in inputs["sources"]
        }
        assert [
            (
                datetime.fromisoformat(r["changed_at"]).replace(microsecond=0),
                int(r["value"]) if r["value"] else None,
                r["band"] or None,
                r["evidence_stage"] or None,
                r["explanation"],
                r["what_moved"].split("; ") if r["what_moved"] else [],
            )
            for r in rows
            if r["part"] == "score change"
        ] == page["history"], article.slug


def test_share_and_cite_shows_permalink_and_three_formats(client, fixture_content):
    article = Article.objects.get(slug="lk-99-superconductor-claim-fails-replication")
    text = client.get(article.get_absolute_url()).content.decode()
    panel = text[text.index('id="share"') :]
    permalink = f"http://testserver{article.get_absolute_url()}"
    assert f'value="{permalink}" readonly' in panel
    assert "Newsroom science desk (2023, 18 August). Copper sulfide" in panel
    assert "@online{newsroom-lk-99-superconductor-claim-fails-replication," in panel
    assert "&quot;container-title&quot;: &quot;Newsroom&quot;" in panel
    cite = client.get(reverse("api:story", args=[article.slug])).json()["story"]["cite"]
    assert cite["plain_text"] in html.unescape(panel)
    assert reverse("api:story_inputs_csv", args=[article.slug]) in panel
