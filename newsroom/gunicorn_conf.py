"""gunicorn's configuration: `gunicorn --config newsroom/gunicorn_conf.py newsroom.wsgi`."""

import multiprocessing
import os

# One worker process per core, eight threads each: chosen with `make bench` (README:
# Benchmark) on the 2-core machine, comparing 2x4, 2x8, 3x4, 4x4 and 4x2 in interleaved
# rounds. Throughput was the same within noise; 2x8 had the best tails for posting and
# search. A process can use only one core (the GIL), so more processes than cores add
# context switches and memory but no speed, while threads cover the time a request waits
# on PostgreSQL. Fewer processes also mean fewer cold copies of the per-process page
# cache (LocMemCache). Keep DATABASE_POOL_SIZE at least THREADS, or threads queue for a
# connection. WEB_CONCURRENCY and THREADS override.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = int(os.environ.get("THREADS", "8"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
