"""Each fault of `make cluster-chaos`, briefly, under mixed read and write load.

Every acknowledged write is stored exactly once and nothing unsent is stored
(tools/faults/table.py); readers of pages see no 5xx beyond requests in flight.
"""

import pytest

from tools.faults import cluster as faults

SECONDS = 5
THREADS = 4


@pytest.mark.parametrize(("name", "strike"), faults.FAULTS, ids=[name for name, _ in faults.FAULTS])
def test_fault_loses_and_duplicates_no_acknowledged_write(cluster, name, strike):
    row = faults.run_fault(
        cluster, name, strike, seconds=SECONDS, threads=THREADS, targets=cluster.targets
    )

    assert row.passed, row.notes
    assert row.acknowledged > 0
    assert (row.lost, row.duplicated) == (0, 0)
    assert row.page_errors <= THREADS  # at most the requests in flight when it struck


def test_stored_aggregates_equal_the_raw_rows_after_the_faults(cluster):
    ok, report = faults.consistent(cluster)
    assert ok, report
