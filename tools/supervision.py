"""gunicorn and the job runner under a supervisor: a process that dies is started again
within seconds, as a production supervisor does it (systemd's Restart=always;
docs/runtime.md).

supervisord (the well-kept `supervisor` from PyPI) runs in a folder of its own with the
app's environment, and each app is one of its programs: started again whenever it exits
without being asked to, stopped or killed as a process group (gunicorn's master with its
workers). `make cluster` runs one per cluster in the background, started by the first
node that launches, whose programs start when the cluster asks (after the database);
`make run` runs one in the foreground:

    python -m tools.supervision --socket PATH    gunicorn on the unix socket PATH, the
                                                 job runner and the checkout's mail
                                                 server, under supervisord, until Ctrl-C

The job runner is huey's consumer (`manage.py run_huey`, newsroom/settings.py HUEY). The
mail server (aiosmtpd, from PyPI) answers where EMAIL_URL points on this machine (the
port tools/devenv.py gives each checkout) and keeps every message it receives in
var/mail/ as a Maildir: one file a message under var/mail/new/, readable with any mail
reader or `cat`.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from tools import servers

JOBS = [sys.executable, "manage.py", "run_huey"]
MAILDIR = servers.CHECKOUT / "var" / "mail"

CONFIG = """\
[unix_http_server]
file={root}/supervisor.sock
chmod=0700

[supervisord]
logfile={root}/supervisord.log
pidfile={root}/supervisord.pid
childlogdir={root}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{root}/supervisor.sock
"""
PROGRAM = """
[program:{name}]
command={command}
directory={checkout}
autostart={autostart}
autorestart=true
startsecs=1
startretries=1000
stopasgroup=true
killasgroup=true
stopwaitsecs=10
redirect_stderr=true
stdout_logfile={log}
stdout_logfile_maxbytes=0
"""


class Supervisor:
    def __init__(self, root):
        self.root, self.config, self.programs = root, root / "supervisord.conf", {}

    def add(self, name, command, log_path, *, autostart=False):
        self.programs[name] = PROGRAM.format(
            name=name,
            command=" ".join(command),
            checkout=servers.CHECKOUT,
            log=log_path,
            autostart=str(autostart).lower(),
        )

    def supervisord(self, *options):
        """supervisord's command line, with its configuration written."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.config.write_text(CONFIG.format(root=self.root) + "".join(self.programs.values()))
        return [sys.executable, "-m", "supervisor.supervisord", *options, "-c", str(self.config)]

    def ctl(self, *args):
        """supervisorctl's answer; empty when this supervisor was never started."""
        if not self.config.exists():
            return ""
        command = [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(self.config)]
        return subprocess.run([*command, *args], capture_output=True, text=True).stdout.strip()

    def ensure_running(self, env):
        """Start supervisord with ``env`` for its programs, unless it runs already."""
        if self.ctl("pid").isdigit():
            return
        subprocess.run(self.supervisord(), cwd=servers.CHECKOUT, env=env, check=True)
        if not servers.wait_for(lambda: self.ctl("pid").isdigit(), 10):
            raise RuntimeError(f"supervisord did not start: see {self.root}")

    def pid(self, name):
        """The program's running pid, or None (also when supervisord is not running)."""
        answer = self.ctl("pid", name)
        return int(answer) if answer.isdigit() and int(answer) > 0 else None

    def start(self, name):
        self.ctl("start", name)

    def stop(self, name):
        self.ctl("stop", name)

    def shutdown(self):
        self.ctl("shutdown")


def mail_server(env, maildir=MAILDIR):
    """The checkout's mail server's command line when ``env`` sends mail to one on this
    machine (EMAIL_URL smtp://127.0.0.1:PORT, without credentials), else None."""
    url = urlsplit(env.get("EMAIL_URL", ""))
    if url.scheme != "smtp" or url.hostname != "127.0.0.1" or url.username or not url.port:
        return None
    handler = ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)]
    return [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{url.port}", *handler]


def add_background(supervisor, env, log_folder=None, maildir=MAILDIR):
    """The job runner and, when mail goes to it, the checkout's mail server: programs of
    ``supervisor`` that start with it, logging in ``log_folder`` (else to the terminal)."""
    programs = {"jobs": JOBS, "mail": mail_server(env, maildir)}
    for name, command in programs.items():
        log = log_folder / f"{name}.log" if log_folder else "/dev/stdout"
        if command:
            supervisor.add(name, command, log, autostart=True)


def main(argv=None):
    """Become supervisord, in the foreground with gunicorn started; Ctrl-C stops both."""
    parser = argparse.ArgumentParser(prog="python -m tools.supervision")
    parser.add_argument("--socket", required=True, help="the unix socket gunicorn binds")
    parser.add_argument("--maildir", default=MAILDIR, help="where the mail server keeps mail")
    options = parser.parse_args(argv)
    socket = Path(options.socket)
    app = servers.Gunicorn(env=os.environ, log_path="/dev/stdout", socket=socket)
    supervisor = Supervisor(socket.parent.parent / "supervisor")
    supervisor.add("gunicorn", app.command(), "/dev/stdout", autostart=True)
    add_background(supervisor, os.environ, maildir=options.maildir)
    os.chdir(servers.CHECKOUT)
    os.execv(sys.executable, supervisor.supervisord("-n"))


if __name__ == "__main__":
    main()
