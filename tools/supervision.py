"""gunicorn under a supervisor: an app that dies is started again within seconds, as a
production supervisor does it (systemd's Restart=always; docs/runtime.md).

supervisord (the well-kept `supervisor` from PyPI) runs in a folder of its own with the
app's environment, and each app is one of its programs: started again whenever it exits
without being asked to, stopped or killed as a process group (gunicorn's master with its
workers). `make cluster` runs one per cluster in the background, started by the first
node that launches, whose programs start when the cluster asks (after the database);
`make run` runs one in the foreground:

    python -m tools.supervision --socket PATH    gunicorn on the unix socket PATH,
                                                 under supervisord, until Ctrl-C
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from tools import servers

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


def main(argv=None):
    """Become supervisord, in the foreground with gunicorn started; Ctrl-C stops both."""
    parser = argparse.ArgumentParser(prog="python -m tools.supervision")
    parser.add_argument("--socket", required=True, help="the unix socket gunicorn binds")
    socket = Path(parser.parse_args(argv).socket)
    app = servers.Gunicorn(env=os.environ, log_path="/dev/stdout", socket=socket)
    supervisor = Supervisor(socket.parent.parent / "supervisor")
    supervisor.add("gunicorn", app.command(), "/dev/stdout", autostart=True)
    os.chdir(servers.CHECKOUT)
    os.execv(sys.executable, supervisor.supervisord("-n"))


if __name__ == "__main__":
    main()
