"""gunicorn's configuration: `gunicorn --config newsroom/gunicorn_conf.py newsroom.wsgi`."""

import multiprocessing
import os

# Two workers per core with a few threads each keeps both cores busy while
# some requests wait on PostgreSQL. WEB_CONCURRENCY and THREADS override.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
