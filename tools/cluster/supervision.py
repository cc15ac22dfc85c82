"""The app nodes under a supervisor: a node that dies is started again within seconds,
as a production supervisor does it (systemd's Restart=always; docs/runtime.md).

Each cluster runs one supervisord (the well-kept `supervisor` from PyPI) in its root
folder, started with the nodes' environment by the first node that launches. Each
node is one of its programs: started when the cluster asks (autostart is off, so
the cluster brings the database up first), started again whenever it exits without
being asked to, and stopped or killed as a process group (gunicorn's master with its
workers).
"""

import subprocess
import sys
import time

from tools import servers

READY_TIMEOUT_SECONDS = 10

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
autostart=false
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
        self.root = root
        self.config = root / "supervisord.conf"
        self.programs = {}

    def add(self, name, command, log_path):
        self.programs[name] = (command, log_path)

    def _write_config(self):
        programs = "".join(
            PROGRAM.format(
                name=name,
                command=" ".join(command),
                checkout=servers.CHECKOUT,
                log=log_path,
            )
            for name, (command, log_path) in self.programs.items()
        )
        self.config.write_text(CONFIG.format(root=self.root) + programs)

    def ctl(self, *args):
        return subprocess.run(
            [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    def is_running(self):
        return self.config.exists() and self.ctl("pid").isdigit()

    def ensure_running(self, env):
        """Start supervisord with ``env`` for its programs, unless it runs already."""
        if self.is_running():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self._write_config()
        subprocess.run(
            [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.config)],
            cwd=servers.CHECKOUT,
            env=env,
            check=True,
        )
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not self.is_running():
            if time.monotonic() > deadline:
                raise RuntimeError(f"supervisord did not start: see {self.root}")
            time.sleep(0.1)

    def pid(self, name):
        """The program's running pid, or None."""
        if not self.is_running():
            return None
        answer = self.ctl("pid", name)
        return int(answer) if answer.isdigit() and int(answer) > 0 else None

    def start(self, name):
        self.ctl("start", name)

    def stop(self, name):
        if self.is_running():
            self.ctl("stop", name)

    def shutdown(self):
        if self.is_running():
            self.ctl("shutdown")
