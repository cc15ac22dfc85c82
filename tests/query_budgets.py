"""How many SQL queries each reader page may run, whatever the size of the data.

One place, so that a panel that adds a query changes one number, on purpose.
"""

# Article, topics, glossary terms, corrections; citations with sources, meter
# components, assessment; read tally; question; related stories.
ARTICLE_PAGE = 10
# The same for a reader with a cookie who has forecast: their read, their
# forecast, and the crowd's history now shown to them.
ARTICLE_PAGE_WITH_READER = 13
# Stories, their topics, the page count, the topic list, the most wanted topics.
FRONT_PAGE = 5
# Question with its story, the reader's forecast, the history.
QUESTION_PAGE_WITH_READER = 3
