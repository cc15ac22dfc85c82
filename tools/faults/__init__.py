"""Faults under load, and what survived them: `make chaos` and `make cluster-chaos`.

    python -m tools.faults one-node [--seconds 60] [--workers 3] [--threads 12] [--smoke]
    python -m tools.faults cluster [--seconds 20]

Both drive synthetic readers (traffic.py) through the site while they strike, record
every write the site acknowledged, and check afterwards that each is stored exactly
once and that the stored aggregates equal those recomputed from the raw rows
(integrity.py). ``one-node`` (one_node.py) serves a throwaway PostgreSQL with one
gunicorn and kills its workers and restarts or crashes PostgreSQL; ``cluster``
(cluster.py) brings up a throwaway `make cluster` and kills an app node, stops the
replica, restarts Redis and the primary, and purges from one node, printing a row of
table.py per fault.
"""
