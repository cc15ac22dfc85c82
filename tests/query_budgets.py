"""How many SQL queries each reader page may run, whatever the size of the data.

One place, so that a panel that adds a query changes one number, on purpose.
"""

# Article (with the story it follows up), topics, glossary terms, corrections, its
# follow-ups; citations with sources, meter components, assessment, score history; read
# tally; question; related stories (their scores joined in).
ARTICLE_PAGE = 12
# The same, rendered for one reader (the landing page of a form posted without
# JavaScript): their read, their forecast, and the crowd's history now shown to them.
ARTICLE_PAGE_WITH_READER = 15
# Stories (their reality scores joined in), their topics, the page count, the topic list,
# the most wanted topics; and the next scheduled story's time, which bounds how long the
# shared cache keeps the page.
FRONT_PAGE = 6
# A topic or a glossary term with a page of its stories (their scores joined in) and their
# topics, the count, and the next scheduled story's time.
LISTING_PAGE = 5
# Question with its story, the history (the page is the same for every reader).
QUESTION_PAGE = 2
# The per-reader endpoint: the story, its tally, the reader's read, the question with the
# reader's forecast, the crowd's history.
READER_PANELS = 6
