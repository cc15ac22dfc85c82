"""`make cluster`: the site as it runs on several machines, on this one's loopback.

    python -m tools.cluster start|stop|status

Each component is its own process set with its own port and folder under
``var/cluster/`` (a folder under /tmp when the postgres OS user cannot enter the
checkout): Varnish on :8000 as the load balancer in front of two gunicorn app
nodes (health-checked every second), one Redis (TCP, a password), and a
PostgreSQL primary with one streaming replica (``pg_basebackup -R``, hot
standby). The nodes read pages from the replica and write to the primary
(core/replicas.py). ``start`` loads the fixture content as ``make run`` does,
starts only what is not running and refuses when something else holds a port;
``status`` prints one JSON object. Its faults are tools/faults/cluster.py's
(`make cluster-chaos`).

Modules: layout.py (ports and folders), database.py (primary and replica),
nodes.py (the app nodes, under tools/supervision.py), cluster.py (the whole).
"""
