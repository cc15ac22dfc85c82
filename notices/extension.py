"""What notices adds to a story (articles/extensions.py): the "Follow this story" panel
after the forecast panel, and "Follow this question" on the question's own page. The
same bytes for every reader: no query, no reader state."""

from articles.extensions import StoryExtension

FOLLOWING = StoryExtension(
    name="following",
    panels={
        "forecast": "notices/panels/follow_story.html",
        "question_page": "notices/panels/follow_question.html",
    },
)
