"""Faults under load, and what survived them: `make chaos` and `make cluster-chaos`.

    python -m tools.faults one-node [--seconds 20] [--workers 3] [--threads 12] [--smoke]
    python -m tools.faults cluster [--seconds 20]

Both drive synthetic readers through the site (traffic.py) while each fault strikes,
hold every write the site acknowledged against the stored rows, and check that the
stored aggregates equal those recomputed from the raw rows, printing a row of table.py
per fault. ``one-node`` (one_node.py) serves a throwaway PostgreSQL with one gunicorn;
``cluster`` (cluster.py) brings up a throwaway `make cluster`.
"""
