"""`make backup` and `make restore`: the database to a file and back, with pg_dump/pg_restore.

    python -m tools.backup backup [--output DIR]
        Dump the configured database (DATABASE_URL, else the private cluster's) in
        pg_dump's custom format to var/backups/newsroom-<UTC time>.dump.

    python -m tools.backup restore FILE [--yes] [--into NAME]
        Restore FILE into the configured database, replacing what it holds
        (pg_restore --clean --if-exists, in one transaction: all or nothing). Asks
        you to type the database's name first, unless --yes. With --into NAME,
        restore into the database NAME on the same server instead, creating it
        when it does not exist.

--database-url URL overrides DATABASE_URL for either command. Standard library only.
The newest PostgreSQL client tools installed run it: they work with every older server.
"""

import argparse
import os
import subprocess
import sys
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from tools import localdb
from tools.servers import CHECKOUT, say


def with_database(url, name):
    """``url`` pointing at the database ``name`` on the same server."""
    return urllib.parse.urlsplit(url)._replace(path="/" + urllib.parse.quote(name)).geturl()


def shown(url):
    """The URL without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return (
        f"{parts.scheme}://{parts.username or ''}@{parts.hostname or 'localhost'}{port}{parts.path}"
    )


def run(program, *args, stdin=None):
    command = [localdb.pg_binary(program, newest_first=True), *args]
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"backup: {program} failed:\n{result.stderr.strip()}")
    return result.stdout


def backup(url, output):
    output.mkdir(parents=True, exist_ok=True)
    path = output / f"newsroom-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.dump"
    say(f"Dumping {shown(url)} to {path}")
    run("pg_dump", "--format=custom", "--no-owner", "--file", str(path), url)
    say(f"Done: {path} ({path.stat().st_size / 1024:.0f} KiB)")


def restore(url, path, *, yes=False, into=None):
    if not path.is_file():
        sys.exit(f"backup: no such file: {path}")
    if into:
        url, server = with_database(url, into), with_database(url, "postgres")
        # psql quotes the name itself (:'name'), which it does for scripts, not for -c.
        query = "SELECT 1 FROM pg_database WHERE datname = :'name';\n"
        if run("psql", "-tA", "-v", f"name={into}", server, stdin=query).strip() != "1":
            say(f"Creating the database {into}")
            run("createdb", "--maintenance-db", server, into)
            yes = True
    name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))
    if not yes:
        sys.stdout.write(
            f"This replaces everything in the database {name} ({shown(url)}) with the backup.\n"
            "Type the database's name to go on: "
        )
        sys.stdout.flush()
        if sys.stdin.readline().strip() != name:
            sys.exit("backup: not confirmed; nothing was changed.")
    say(f"Restoring {path} into {shown(url)}")
    run("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", "--dbname", url, str(path))  # fmt: skip
    say("Done.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="instead of DATABASE_URL or the private cluster")
    commands = parser.add_subparsers(dest="command", required=True)
    dump = commands.add_parser("backup", help="dump the database to a file")
    dump.add_argument("--output", type=Path, default=CHECKOUT / "var" / "backups")
    load = commands.add_parser("restore", help="restore a dump into the database")
    load.add_argument("file", type=Path, help="a dump made by `backup`")
    load.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    load.add_argument("--into", metavar="NAME", help="restore into this database instead")
    options = parser.parse_args(argv)
    url = options.database_url or os.environ.get("DATABASE_URL") or localdb.url()
    if options.command == "backup":
        backup(url, options.output)
    else:
        restore(url, options.file, yes=options.yes, into=options.into)


if __name__ == "__main__":
    main()
