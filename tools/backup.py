"""`make backup` and `make restore`: the database to a file and back, with pg_dump/pg_restore.

    python tools/backup.py backup [--output DIR]
        Dump the configured database (DATABASE_URL, else the private cluster's) in
        pg_dump's custom format to var/backups/newsroom-<UTC time>.dump.

    python tools/backup.py restore FILE [--yes] [--into NAME]
        Restore FILE into the configured database, replacing what it holds
        (pg_restore --clean --if-exists, in one transaction: all or nothing). Asks
        you to type the database's name first, unless --yes. With --into NAME,
        restore into the database NAME on the same server instead, creating it
        when it does not exist.

--database-url URL overrides DATABASE_URL for either command. Standard library
only, like tools/localdb.py, so it runs before the virtualenv exists.
"""

import argparse
import os
import subprocess
import sys
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CHECKOUT))

from tools import localdb  # noqa: E402  (standard library only, as this script is)
from tools.servers import say  # noqa: E402

DEFAULT_OUTPUT = CHECKOUT / "var" / "backups"


def configured_url():
    return os.environ.get("DATABASE_URL") or localdb.url()


def with_database(url, name):
    """``url`` pointing at the database ``name`` on the same server."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name)))


def database_name(url):
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


def shown(url):
    """The URL without its password, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.username or ''}@{host}{port}{parts.path}"


def binary(name):
    """The newest PostgreSQL client tools installed (they work with every older server)."""
    return localdb.pg_binary(name, newest_first=True)


def run(command, stdin=None):
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"backup: {Path(command[0]).name} failed:\n{result.stderr.strip()}")
    return result


def backup(url, output):
    output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = output / f"newsroom-{stamp}.dump"
    say(f"Dumping {shown(url)} to {path}")
    run([binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), url])
    say(f"Done: {path} ({path.stat().st_size / 1024:.0f} KiB)")
    return path


def ensure_database(url):
    """Create the database of ``url`` when its server does not have it yet."""
    name = database_name(url)
    # psql quotes the name itself (:'name'), which it does for scripts, not for -c.
    exists = run(
        [binary("psql"), "-tA", "-v", f"name={name}", with_database(url, "postgres")],
        stdin="SELECT 1 FROM pg_database WHERE datname = :'name';\n",
    )
    if exists.stdout.strip() == "1":
        return False
    say(f"Creating the database {name}")
    run([binary("createdb"), "--maintenance-db", with_database(url, "postgres"), name])
    return True


def confirmed(url):
    name = database_name(url)
    sys.stdout.write(
        f"This replaces everything in the database {name} ({shown(url)}) with the backup.\n"
        f"Type the database's name to go on: "
    )
    sys.stdout.flush()
    return sys.stdin.readline().strip() == name


def restore(url, path, *, yes=False, into=None):
    if not path.is_file():
        sys.exit(f"backup: no such file: {path}")
    if into:
        url = with_database(url, into)
        created = ensure_database(url)
        yes = yes or created
    if not yes and not confirmed(url):
        sys.exit("backup: not confirmed; nothing was changed.")
    say(f"Restoring {path} into {shown(url)}")
    run(
        [
            binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            url,
            str(path),
        ]
    )
    say("Done.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="instead of DATABASE_URL or the private cluster")
    commands = parser.add_subparsers(dest="command", required=True)
    dump = commands.add_parser("backup", help="dump the database to a file")
    dump.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder for the dump")
    load = commands.add_parser("restore", help="restore a dump into the database")
    load.add_argument("file", type=Path, help="a dump made by `backup`")
    load.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    load.add_argument("--into", metavar="NAME", help="restore into this database instead")
    options = parser.parse_args(argv)

    url = options.database_url or configured_url()
    if options.command == "backup":
        backup(url, options.output)
    else:
        restore(url, options.file, yes=options.yes, into=options.into)
    return 0


if __name__ == "__main__":
    sys.exit(main())
