"""The faults: SIGKILL a gunicorn worker, restart PostgreSQL cleanly, crash it."""

import os
import random
import signal
import time


def run_chaos(server, cluster, *, seconds, started, log):
    """Kill a worker and restart PostgreSQL at set moments of the run."""
    plan = [
        (0.15, "kill"),
        (0.35, "restart"),
        (0.55, "kill"),
        (0.75, "crash"),
    ]
    for fraction, action in plan:
        delay = started + fraction * seconds - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        at = time.monotonic() - started
        if action == "kill":
            victim = random.choice(server.workers())
            os.kill(victim, signal.SIGKILL)
            log.append(f"{at:5.1f} s  SIGKILL gunicorn worker {victim}")
        else:
            down = time.monotonic()
            if action == "restart":
                cluster.stop()
                how = "restarted PostgreSQL (fast shutdown)"
            else:
                cluster.crash()
                how = "crashed PostgreSQL (immediate shutdown, WAL recovery on start)"
            time.sleep(min(2.0, seconds * 0.05))  # requests meet a database that is away
            cluster.start()
            log.append(f"{at:5.1f} s  {how}; down {time.monotonic() - down:.1f} s")
