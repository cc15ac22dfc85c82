"""Logging filters for the project's LOGGING setting (newsroom/settings.py)."""

import logging


class BriefWarning(logging.Filter):
    """Log a record as a one-line WARNING, without its traceback.

    For refusals that are the client's doing, not the site's (a bad Host header):
    worth a line, never an error with a stack trace on every probe.
    """

    def filter(self, record):
        record.levelno = logging.WARNING
        record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
