"""How many SQL queries each reader page may run, whatever the size of the data.

One place, so that a panel that adds a query changes one number, on purpose.
"""

# Article (with its author and the story it follows up), topics, glossary terms,
# corrections, pictures, its follow-ups; citations with sources, meter components,
# assessment, score history; read tally; question; related stories (their scores joined in).
ARTICLE_PAGE = 13
# The same when its parts are kept rendered (core/fragments.py): the story's row only.
ARTICLE_PAGE_KEPT = 1
# The same, rendered for one reader (the landing page of a form posted without
# JavaScript): their read, their forecast, the crowd's history now shown to them, and the
# meter's history since their forecast.
ARTICLE_PAGE_WITH_READER = 17
# A draft shared by a preview link (articles/draft_links.py): the link, counting its
# opening, then the story page's queries but for what a preview does not draw (the read
# tally, the question, related stories); never kept, since it is for one reader.
DRAFT_PREVIEW_PAGE = 12
# Stories (their reality scores joined in), their topics, their lead images, the page
# count, the topic list with its stories' counts, the evidence that moved this week, the
# questions closing soon, recently resolved and next to open (one query), the most wanted
# topics; and the next scheduled story's time, which bounds how long the shared cache
# keeps the page.
FRONT_PAGE = 9
# Page 1 when its parts are kept (core/fragments.py; the apps' panels too, since the page
# names their keys up front): the next scheduled story's time.
FRONT_PAGE_KEPT = 1
# A topic or a glossary term with a page of its stories (their scores joined in), their
# topics and lead images, the count, and the next scheduled story's time.
LISTING_PAGE = 6
# Page 1 of the same when its parts are kept (core/fragments.py): the topic or term, and
# the next scheduled story's time.
LISTING_PAGE_KEPT = 2
# Question with its story, the history (the page is the same for every reader).
QUESTION_PAGE = 2
# The per-reader endpoint (predictions/selectors/mine.py), for a known reader: the story
# with its tally and their read, its question with their forecast and score, the crowd's
# median on the day of that forecast and its history where that forecast reveals it, in
# one statement. A browser without a reader asks nothing.
READER_PANELS = 1
READER_PANELS_WITHOUT_A_READER = 0
# The same for a reader holding a forecast on an unresolved question, and the meter's
# history since that forecast (the rating app's, through articles/meters.py).
READER_PANELS_WITH_A_STANDING_FORECAST = 2
# A reader's track record (/predictions/me/): their standing forecasts, their scores, the
# mean per topic, the summary; every forecast with its question and story, the crowds'
# histories, and the meter's history of every story they hold a forecast on.
TRACK_RECORD_PAGE = 7
# The leaderboard (predictions/selectors/track_record.py): the ranking of accounts, cut
# in the database, and the handles of those ranked and of the reader looking.
LEADERBOARD_PAGE = 2
# Posting a new read: the story (without its texts), and the one statement that stores
# the read, moves the tally and adds the topics' interest.
READ_POST = 2
# Posting a forecast when the question's aggregate is due (the suite settles at once):
# the question with the little of its story it needs; the one statement that ends the
# standing forecast, stores the new one and marks the aggregate stale; then settling it
# in a transaction of its own (BEGIN, COMMIT): the lock, the stale mark, the standing
# forecasts with the latest forecast's time, and the stored aggregate with the day's
# history point (predictions/services/crowd.py).
FORECAST_POST = 8
# An author's page: the author, their stories, the stories' topics and lead images, the
# page count, the corrections on their stories, the next scheduled story's time.
AUTHOR_PAGE = 7
# The JSON API (api/). Each answer that carries questions' crowds or states also asks,
# in one query, when the next question opens or closes: a shared cache keeps it no
# longer (api/views.py: activity_seconds).
# The page of stories with their assessments, its count, their topics; the next change;
# and when a story next goes live or is taken down (articles/selectors.py), which bounds
# the list's life the same way.
API_STORY_LIST = 5
# The story; its lead picture; its citations with sources, components, assessment, score
# history, sources' verdicts, the question and its history; the next change.
API_STORY = 11
# The story; citations with sources, components, assessment, score history, sources'
# verdicts; the next change.
API_STORY_INPUTS = 7
# The page of questions with their stories, and its count; the next change.
API_QUESTION_LIST = 3
# The question with its story, and its history; the next change.
API_QUESTION = 3
# The source, its verdicts, their criteria, its trust history, the stories citing it.
API_SOURCE = 5
# Calibration: resolved questions with stories and assessments, their histories, and the
# meter's recorded scores.
CALIBRATION_PAGE = 3
# The editors' queue of the citation watch (trust/admin_watch.py). The admin's own: the
# session, its user, the Editors check and the second-factor devices (each twice: the
# site's permission check runs again for the page), the user's and groups' permissions.
# The queue's: the count of findings shown and of all, the page of findings with their
# citations and stories, and their stories' statements in one more. The same for 3
# findings or 30.
WATCH_QUEUE = 12
