"""Reads for the predictions pages and reader panels; a small, fixed number of queries each.

``reads`` serves the community read panel, /community/ and the front page's wanted
topics; ``questions`` the prediction panel and /predictions/; ``mine`` the per-reader
endpoint (what of a story's panels is one reader's own); ``track_record`` the reader's
track record, its CSV export and the leaderboard; ``front`` the front page's question
modules. Rows and values are frozen dataclasses; a dict is a whole template context,
which the view may extend.
"""
