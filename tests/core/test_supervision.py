"""`make run`'s app, job runner and mail server under supervisord: killed, the app and the
job runner come back by themselves; mail sent to the server lands in the mail folder;
Ctrl-C stops all."""

import mailbox
import os
import signal
import smtplib
import subprocess
import sys
from email.message import EmailMessage

from tools import servers
from tools.supervision import Supervisor

SECONDS = 20


def delivered(port, maildir):
    """True once a message sent to the mail server on ``port`` is in ``maildir``."""
    message = EmailMessage()
    message["From"], message["To"] = "site@example.org", "reader@example.org"
    message["Subject"] = "Your sign-in link"
    message.set_content("Follow the link.")
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
            smtp.send_message(message)
    except OSError:
        return False
    return [kept["Subject"] for kept in mailbox.Maildir(maildir)] == ["Your sign-in link"]


def test_a_killed_app_or_job_runner_is_started_again_and_an_interrupt_stops_everything(tmp_path):
    socket = tmp_path / "socket" / "gunicorn.sock"
    socket.parent.mkdir()
    mail_port, maildir = servers.free_port(), tmp_path / "mail"
    supervisord = subprocess.Popen(
        [sys.executable, "-m", "tools.supervision", "--socket", str(socket)]
        + ["--maildir", str(maildir)],
        cwd=servers.CHECKOUT,
        env=os.environ
        | {"WEB_CONCURRENCY": "1", "THREADS": "2", "EMAIL_URL": f"smtp://127.0.0.1:{mail_port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    supervisor = Supervisor(tmp_path / "supervisor")
    try:
        assert servers.wait_for(lambda: servers.answers(str(socket)), SECONDS)
        assert servers.wait_for(lambda: delivered(mail_port, maildir), SECONDS)
        background = [supervisor.pid("jobs"), supervisor.pid("mail")]
        assert None not in background
        killed, killed_jobs = supervisor.pid("gunicorn"), supervisor.pid("jobs")

        os.killpg(killed, signal.SIGKILL)
        os.kill(killed_jobs, signal.SIGKILL)

        assert servers.wait_for(
            lambda: (
                supervisor.pid("gunicorn") not in (None, killed) and servers.answers(str(socket))
            )
        )
        assert servers.wait_for(lambda: supervisor.pid("jobs") not in (None, killed_jobs))
        serving = supervisor.pid("gunicorn")
        background = [supervisor.pid("jobs"), supervisor.pid("mail")]
        supervisord.send_signal(signal.SIGINT)
        assert supervisord.wait(timeout=SECONDS) == 0
        for pid in [serving, *background]:
            assert not os.path.exists(f"/proc/{pid}")
    finally:
        if supervisord.poll() is None:
            supervisord.kill()
