"""Comparing two versions as editors read them (core/history_diff.py): long text by its
headings and paragraphs, only the changed passages with a little text around them, and
no change listed that an editor could not see."""

from datetime import UTC, datetime, timedelta

from simple_history.models import ModelChange

from articles.models import Article
from core import history_diff
from core.history_diff import Block, block_diff, blocks, field_changes

PARAGRAPHS = [
    "Honeybees trained with sugar rewards learned to pick the card showing four shapes.",
    "The shapes changed size and colour between trials, so the bees could not match a "
    "picture: they had to count, or do something very like counting, to earn the reward "
    "that the experimenters left beside the right card on every trial of the experiment.",
    "Forty bees took part over two summers in a meadow near the laboratory.",
    "Most of them picked the right card four times in five.",
]
STORY = (
    "### What happened\n\n"
    + "\n\n".join(PARAGRAPHS[:2])
    + "\n\n### How\n\n"
    + "\n\n".join(PARAGRAPHS[2:])
    + "\n"
)


def kinds(passages):
    return [passage.kind for passage in passages]


def test_markdown_splits_into_headings_and_paragraphs_with_code_kept_whole():
    text = "Intro line one\nline two\n### A heading\nAfter it.\n\n```\ncode\n\nmore code\n```\n"
    assert blocks(text) == [
        Block("Intro line one\nline two"),
        Block("### A heading", is_heading=True),
        Block("After it."),
        Block("```\ncode\n\nmore code\n```"),
    ]


def test_one_word_changed_shows_that_paragraph_and_its_neighbours_only():
    edited = STORY.replace("Forty bees", "Forty-two bees")

    passages, added, removed = block_diff(STORY, edited)

    assert kinds(passages) == ["gap", "context", "changed", "context"]
    assert passages[0].skipped == 3  # a heading and two paragraphs, not shown
    assert passages[1].html == "### How" and passages[1].is_heading
    assert str(passages[2].html) == (
        '<del><span class="visually-hidden">removed: </span>Forty</del> '
        '<ins><span class="visually-hidden">added: </span>Forty-two</ins> '
        "bees took part over two summers in a meadow near the laboratory."
    )
    assert passages[3].html == PARAGRAPHS[3]
    assert (added, removed) == (1, 1)
    shown = "".join(str(passage.html) for passage in passages)
    assert "sugar rewards" not in shown and "could not match" not in shown


def test_long_context_is_shortened_toward_the_change():
    edited = STORY.replace("### How", "### How they did it")

    passages, _, _ = block_diff(STORY, edited)

    assert kinds(passages) == ["gap", "context", "changed", "context", "gap"]
    before = str(passages[1].html)  # the long second paragraph: its end, before the heading
    assert before.startswith("… ") and before.endswith("every trial of the experiment.")
    assert len(before.split()) == history_diff.CONTEXT_WORDS + 1
    assert passages[2].is_heading and "<ins>" in str(passages[2].html)


def test_added_and_removed_paragraphs_are_whole_blocks_marked():
    edited = STORY.replace(PARAGRAPHS[2] + "\n\n", "").replace(
        PARAGRAPHS[3], PARAGRAPHS[3] + "\n\nThe study is in Science."
    )

    passages, added, removed = block_diff(STORY, edited)

    marked = [p for p in passages if p.kind in {"added", "removed"}]
    assert [p.kind for p in marked] == ["removed", "added"]
    assert str(marked[0].html).startswith('<del><span class="visually-hidden">removed: </span>')
    assert str(marked[1].html) == (
        '<ins><span class="visually-hidden">added: </span>The study is in Science.</ins>'
    )
    assert (added, removed) == (5, len(PARAGRAPHS[2].split()))


def test_a_paragraph_wrapped_anew_or_saved_with_other_line_ends_is_no_change():
    rewrapped = STORY.replace("so the bees could not match a ", "so the bees could not match a\n")
    crlf = STORY.replace("\n", "\r\n")
    explanation = ModelChange("explanation", STORY, rewrapped)
    technical = ModelChange("technical", STORY, crlf)

    assert field_changes(Article, [explanation, technical]) == []


def test_a_publish_time_saved_without_its_microseconds_is_no_change():
    stored = datetime(2026, 12, 7, 10, 30, 15, 123456, tzinfo=UTC)
    same_second = ModelChange("published_at", stored, stored.replace(microsecond=0))
    a_minute_on = ModelChange("published_at", stored, stored + timedelta(minutes=1))

    assert field_changes(Article, [same_second]) == []
    [change] = field_changes(Article, [a_minute_on])
    assert (change.label, change.old, change.new) == (
        "Publish time",
        "7 Dec 2026, 10:30:15",
        "7 Dec 2026, 10:31:15",
    )


def test_short_values_are_shown_before_and_after_with_choice_labels():
    [status] = field_changes(Article, [ModelChange("status", "draft", "published")])
    assert (status.old, status.new, status.is_long) == ("Draft", "Published", False)
    assert status.summary == "Draft → Published"
