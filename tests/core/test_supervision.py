"""`make run`'s app under supervisord: killed, it serves again by itself; Ctrl-C stops all."""

import os
import signal
import subprocess
import sys

from tools import servers
from tools.supervision import Supervisor

SECONDS = 20


def test_a_killed_app_is_started_again_and_an_interrupt_stops_everything(tmp_path):
    socket = tmp_path / "socket" / "gunicorn.sock"
    socket.parent.mkdir()
    supervisord = subprocess.Popen(
        [sys.executable, "-m", "tools.supervision", "--socket", str(socket)],
        cwd=servers.CHECKOUT,
        env=os.environ | {"WEB_CONCURRENCY": "1", "THREADS": "2"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    supervisor = Supervisor(tmp_path / "supervisor")
    try:
        assert servers.wait_for(lambda: servers.answers(str(socket)), SECONDS)
        killed = supervisor.pid("gunicorn")

        os.killpg(killed, signal.SIGKILL)

        assert servers.wait_for(
            lambda: (
                supervisor.pid("gunicorn") not in (None, killed) and servers.answers(str(socket))
            )
        )
        serving = supervisor.pid("gunicorn")
        supervisord.send_signal(signal.SIGINT)
        assert supervisord.wait(timeout=SECONDS) == 0
        assert not os.path.exists(f"/proc/{serving}")
    finally:
        if supervisord.poll() is None:
            supervisord.kill()
