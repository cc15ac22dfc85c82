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
# gunicorn believes nothing a forwarder says about the connection: no header sets the
# scheme (Django's SECURE_PROXY_SSL_HEADER does that where a TLS proxy is configured), no
# header overrides SCRIPT_NAME or PATH_INFO, and every header whose name holds an
# underscore is dropped. The HTTP cache in front removes them too (newsroom/deploy/varnish.vcl).
secure_scheme_headers = {}
forwarder_headers = ""
header_map = "drop"
# Anything the cache lets through fits (tools/localcache.py's limits): a request line up
# to gunicorn's largest and header lines up to the cache's (the cache answers longer ones
# with the site's 414 and 431 pages), and as many header lines as the cache takes.
limit_request_line = 8190
limit_request_field_size = 16384
limit_request_fields = 128
