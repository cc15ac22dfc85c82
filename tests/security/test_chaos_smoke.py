"""`make chaos`, short: worker kills and PostgreSQL restarts under load lose no write."""

import subprocess
import sys

from tools import servers
from tools.faults.table import allowed_final_reads, forecasts_match
from tools.faults.traffic import Attempt


def attempt(value, outcome):
    return Attempt("forecast", "reader", "question", value, outcome, None)


def test_a_short_chaos_run_loses_and_duplicates_nothing():
    result = subprocess.run(
        [sys.executable, "-m", "tools.faults", "one-node", "--smoke"],
        cwd=servers.CHECKOUT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "SIGKILL gunicorn worker" in output
    assert "restarted PostgreSQL" in output and "crashed PostgreSQL" in output
    assert "no lost or duplicated writes" in output
    assert "FAIL" not in output


def test_a_lost_acknowledged_forecast_is_caught():
    sent = [attempt(30, "acked"), attempt(40, "acked")]
    assert forecasts_match(sent, [30, 40])
    assert not forecasts_match(sent, [30])  # one lost
    assert not forecasts_match(sent, [30, 40, 40])  # one duplicated
    assert not forecasts_match(sent, [40, 30])  # out of order
    assert not forecasts_match(sent, [30, 40, 55])  # never sent


def test_a_write_whose_answer_was_lost_may_or_may_not_be_stored():
    sent = [attempt(30, "unknown"), attempt(30, "acked"), attempt(50, "refused")]
    assert forecasts_match(sent, [30])
    assert forecasts_match(sent, [30, 30])
    assert not forecasts_match(sent, [30, 50])  # a refused write was stored
    assert not forecasts_match(sent, [])


def test_a_read_must_end_as_the_last_acknowledged_write_or_a_later_unanswered_one():
    def read(value, outcome):
        return Attempt("read", "reader", "story", value, outcome, None)

    assert allowed_final_reads([read("promising", "acked")]) == {"promising"}
    assert allowed_final_reads(
        [read("promising", "unknown"), read("overhyped", "acked"), read(None, "unknown")]
    ) == {"overhyped", None}
    assert allowed_final_reads([read("promising", "refused")]) == {None}
