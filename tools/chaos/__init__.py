"""`make chaos`: kill gunicorn workers and restart PostgreSQL under load; lose nothing.

Starts a throwaway PostgreSQL cluster of its own (the project's localdb script,
with its data in a temporary folder, on a free port), migrates it and
loads the fixture content, and serves it with gunicorn in production mode on a
free 127.0.0.1 port. Synthetic readers then read pages, vote and forecast
from several threads while the script SIGKILLs gunicorn workers and restarts
PostgreSQL (a clean restart and a crash restart). Every write the server
acknowledged (a 200 or a 302) is recorded with its reader and payload.

Afterwards it checks that every acknowledged write is stored exactly once,
that nothing was stored that was never sent, and that the stored aggregates
(read tallies, topic interest, community forecasts) equal those recomputed
from the raw rows. Writes that failed (5xx, a dropped connection) may or may
not have been stored, and both are accepted. It prints what it did and what
it found, and exits 1 on any lost or duplicated write or wrong aggregate.

    python -m tools.chaos [--seconds 60] [--workers 3] [--threads 12] [--smoke]

Loopback only; bounded in time; the cluster, the server and the temporary
files are removed on the way out, also after an error or Ctrl-C. The
development database is never touched. It runs `collectstatic` into the
checkout's staticfiles/ first (as `make static` does), which production mode
serves from.
"""

from tools.chaos.cluster import AppServer, ThrowawayCluster
from tools.chaos.report import allowed_final_reads, forecasts_match
from tools.chaos.traffic import Attempt

__all__ = ["AppServer", "Attempt", "ThrowawayCluster", "allowed_final_reads", "forecasts_match"]
