"""How many SQL queries each reader page may run, whatever the size of the data.

One place, so that a panel that adds a query changes one number, on purpose.
"""

# Article, topics, glossary terms; citations with sources, meter components,
# assessment.
ARTICLE_PAGE = 6
FRONT_PAGE = 3
