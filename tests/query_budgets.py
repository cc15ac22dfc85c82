"""How many SQL queries each reader page may run, whatever the size of the data.

One place, so that a panel that adds a query changes one number, on purpose.
"""

# Article (with its author), topics, glossary terms, corrections, pictures; citations
# with sources, meter components, assessment; read tally; question; related stories.
ARTICLE_PAGE = 11
# The same, rendered for one reader (the landing page of a form posted without
# JavaScript): their read, their forecast, and the crowd's history now shown to them.
ARTICLE_PAGE_WITH_READER = 14
# Stories, their topics, their lead images, the page count, the topic list, the most
# wanted topics; and the next scheduled story's time, which bounds how long the shared
# cache keeps the page.
FRONT_PAGE = 7
# Question with its story, the history (the page is the same for every reader).
QUESTION_PAGE = 2
# The per-reader endpoint: the story, its tally, the reader's read, the question with the
# reader's forecast, the crowd's history.
READER_PANELS = 6
# An author's page: the author, their stories, the stories' topics and lead images, the
# page count, the corrections on their stories, the next scheduled story's time.
AUTHOR_PAGE = 7
