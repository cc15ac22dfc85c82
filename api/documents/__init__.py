"""What the API and the exports say: plain dicts built from the apps' own selectors, one
module per document (stories, inputs, questions, sources, calibration; common holds what
they share).

The pages and these documents read the same values through the same functions
(``trust.selectors.reality_meter`` gives both the page's "Why this score?" and
the exported contributions), so an export cannot disagree with its page.
Nothing here names a reader: no reader ids, handles or individual forecasts,
only the community aggregate the public pages show.
"""

from api.documents.calibration import calibration_document
from api.documents.common import BODY_FIELDS, LICENCE, envelope
from api.documents.inputs import INPUTS_CSV_HEADER, inputs_rows
from api.documents.questions import question_document, question_listing, question_summary
from api.documents.sources import source_document, source_lookup
from api.documents.stories import (
    cited,
    filter_stories,
    story_document,
    story_inputs,
    story_listing,
    story_summary,
)

__all__ = [
    "BODY_FIELDS",
    "INPUTS_CSV_HEADER",
    "LICENCE",
    "calibration_document",
    "cited",
    "envelope",
    "filter_stories",
    "inputs_rows",
    "question_document",
    "question_listing",
    "question_summary",
    "source_document",
    "source_lookup",
    "story_document",
    "story_inputs",
    "story_listing",
    "story_summary",
]
