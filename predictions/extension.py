"""Everything predictions adds to a story (articles/extensions.py): the community read and
the forecast panels of the story page; beside the front page's stories, the questions
closing soon, those recently resolved and what readers want covered; the question section
of the story's admin form with the reads and forecasters columns of the stories' list."""

import operator
from functools import reduce

from django.db.models import F

from articles.extensions import AdminColumn, AdminPart, StoryExtension
from core.admin_desk import Section
from predictions import cache_keys
from predictions.admin import QuestionInline
from predictions.models import ReadTally

READ_COUNT = reduce(
    operator.add, [F(f"read_tally__{field}") for field in ReadTally.count_fields().values()]
)

READERS = StoryExtension(
    name="readers",
    panels={
        "header_strip": "predictions/panels/question_glance.html",
        "reader_panels": "predictions/panels/community_read.html",
        "forecast": "predictions/panels/forecast.html",
        "front_modules": "predictions/panels/front_questions.html",
        "front_aside": "predictions/panels/readers_want_covered.html",
    },
    # The front's questions and their crowds, and what readers want covered.
    front_keys=("questions", cache_keys.CROWD, cache_keys.INTEREST),
    admin=AdminPart(
        section=Section("Question", inlines=("question",)),
        inlines=(QuestionInline,),
        columns=(
            AdminColumn("reads", "Reads", READ_COUNT, empty=0),
            AdminColumn("forecasters", "Forecasters", F("question__forecasters"), empty=0),
        ),
    ),
)
