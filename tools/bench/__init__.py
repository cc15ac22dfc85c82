"""`make bench`: how fast the site is with a large data set, against Django's own ceiling.

1. Builds, once, two databases on the project's PostgreSQL server (the private cluster,
   or DATABASE_URL's): ``newsroom_bench_small``, the fixture stories as `make content`
   loads them, and ``newsroom_bench``, a copy of it to which tools/bench/synthetic.py
   adds 20,000 stories, 2,000,000 reads, 500,000 forecasts….
   A marker on each (a comment holding a hash of the generator and the fixtures) lets
   later runs reuse them; ``--rebuild`` builds them again.
2. Each run migrates both and copies the large one (the posts write to the copy, so
   every run starts from the same data); collects static files; and counts each page's
   SQL queries with Django's test client (tools/bench/pages.py).
3. Serves the large copy, the small database, the baseline (tools/bench/baseline.py, a
   one-view Django app) and the site storing no reader's post (tools/bench/unwritten.py,
   on the large copy) with gunicorn and newsroom/gunicorn_conf.py in production mode on
   free 127.0.0.1 ports, with Varnish (tools/localcache.py) in front of the large one,
   which purges it as a deployment's would. tools/bench/plan.py lists what wrk loads
   after a warm-up: on gunicorn directly (uncached: Django caches no pages) the front
   page, the most read story, one fixture story on the large and on the small data set
   (in turn, three times), the biggest topic, a search, posting a read (to one story and
   spread over 1,000), posting a forecast (to one question and spread over 1,000), both
   again to the server that stores neither, and the story while one request in 20 posts
   a read; then through the cache the front page, the story, nginx serving the story's
   bytes as a static file beside it, and the story with voters; finally an ordinary page
   while 200 slow clients hold sockets, through the cache and (for information) on
   gunicorn directly. Posts come from new readers each time, warm-ups included: a Lua
   script sends reader cookies that this script signs, each run starting after the last
   one's readers. A shorter baseline load runs between rows, and each row is compared
   with the baseline runs on either side of it, which keeps the ratios honest when the
   machine's load changes during the run. Between the cache rows and the slow clients,
   tools/bench/cache.py times how soon an editor's change and a reader's vote show
   through the cache.
4. Prints requests/s, p50, p99, the ratio to the baseline and the queries per page, and
   PASS/MISS for the targets (tools/bench/targets.py, tools/bench/report.py); writes
   var/bench/results-<time>.json and var/bench/latest.md. Servers, the cache, nginx,
   temporary files and the copy are removed at the end, also after a failure, Ctrl-C
   or SIGTERM.

    python -m tools.bench [--rebuild] [--duration 10] [--connections 16] [--smoke]

``--smoke`` runs it all on a tiny data set with one-second loads, in databases of its
own that it drops afterwards (tests/test_bench_smoke.py runs it).

The parts: databases.py (the databases and their markers), synthetic.py with
bulk.py, stories.py, evidence.py and forecasts.py (the data set), indb.py and
pages.py (the steps inside a database), environment.py (settings, data sets,
gunicorn), baseline.py and unwritten.py (the yardsticks), plan.py (what is loaded),
load.py (wrk and its Lua script), cache.py
(Varnish, nginx, slow clients, freshness), targets.py, report.py, and run.py, which
runs it all; tools/servers.py starts gunicorn.
"""
