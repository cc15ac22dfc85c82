"""`make bench`: how fast the site is with a large data set, against Django's own ceiling.

    python -m tools.bench [--rebuild] [--duration 10] [--connections 16] [--smoke]

It builds two databases once (databases.py: the fixture stories, and a copy with the
synthetic data set of dataset.py) and copies the large one for each run's writes; counts
each page's queries (site.py); serves the copy, the small database and the yardsticks
(apps.py) with gunicorn in production mode, Varnish in front of the copy; loads each row
with wrk after a warm-up (load.py), the baseline between rows, readers through the cache
while a crawler walks every story (crawl.py), then the cache's freshness and slow clients
(cache.py); and prints the report and the targets (report.py). Servers,
the cache, nginx, temporary files and the copy go at the end, also after a failure,
Ctrl-C or SIGTERM. ``--smoke`` runs it all on tiny data with one-second loads, in
databases of its own that it drops (tests/test_bench_smoke.py). README: Benchmark.
"""
