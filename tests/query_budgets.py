"""How many SQL queries each reader page may run, whatever the size of the data.

One place, so that a panel that adds a query changes one number, on purpose.
"""

# Article, topics, glossary terms, corrections; citations with sources, meter
# components, assessment; read tally; question; related stories.
ARTICLE_PAGE = 10
# The same, rendered for one reader (the landing page of a form posted without
# JavaScript): their read, their forecast, and the crowd's history now shown to them.
ARTICLE_PAGE_WITH_READER = 13
# Stories, their topics, the page count, the topic list, the most wanted topics; and the
# next scheduled story's time, which bounds how long the shared cache keeps the page.
FRONT_PAGE = 6
# Question with its story, the history (the page is the same for every reader).
QUESTION_PAGE = 2
# The per-reader endpoint: the story, its tally, the reader's read, the question with the
# reader's forecast, the crowd's history.
READER_PANELS = 6
# The JSON API (api/): the page of stories with their assessments, its count, their topics.
API_STORY_LIST = 3
# The story; its citations with sources, components, assessment, sources' verdicts,
# the question and its history.
API_STORY = 8
# The story; citations with sources, components, assessment, sources' verdicts.
API_STORY_INPUTS = 5
# The page of questions with their stories, and its count.
API_QUESTION_LIST = 2
# The question with its story, and its history.
API_QUESTION = 2
# The source, its verdicts, their criteria, its trust history, the stories citing it.
API_SOURCE = 5
# Calibration: resolved questions with stories and assessments, their histories, and the
# meter's recorded scores.
CALIBRATION_PAGE = 3
