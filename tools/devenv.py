"""The development values the settings read from the environment, for one command.

The settings read the environment only: production supplies DATABASE_URL, REDIS_URL
and EMAIL_URL, and on a developer's machine this script supplies the checkout's private
cluster, Redis (tools/localdb.py, tools/localredis.py) and mail server (a port of the
checkout's own, which tools/supervision.py serves) unless they are already set.

    python3 -m tools.devenv COMMAND [ARGS...]   run COMMAND with them (the Makefile does)
    python3 -m tools.devenv                     print them as shell exports:
                                                eval "$(python3 -m tools.devenv)"

Standard library only, like the two scripts it asks.
"""

import os
import shlex
import sys

from tools import localdb, localredis


def mail_port():
    """The checkout's own mail server's port: one per checkout, as the database's."""
    return 2525 + int(localdb.DIGEST[:8], 16) % 1000


def email_url():
    """EMAIL_URL as set, else the checkout's own mail server."""
    return os.environ.get("EMAIL_URL") or f"smtp://127.0.0.1:{mail_port()}"


def values():
    """NEWSROOM_ENV, DATABASE_URL, REDIS_URL and EMAIL_URL: each as set, else the
    checkout's own."""
    return {
        "NEWSROOM_ENV": os.environ.get("NEWSROOM_ENV") or "development",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or localdb.url(),
        "REDIS_URL": os.environ.get("REDIS_URL") or localredis.url(),
        "EMAIL_URL": email_url(),
    }


def main(argv):
    if len(argv) == 1:
        for name, value in values().items():
            print(f"export {name}={shlex.quote(value)}")  # noqa: T201
        return
    os.execvpe(argv[1], argv[1:], os.environ | values())


if __name__ == "__main__":
    main(sys.argv)
