"""`make cluster`'s tool: the status an operator reads, a second start, a port held by another."""

import json
import socket

import pytest

from tools.cluster import layout
from tools.cluster.cluster import Cluster, ClusterError

PARTS = ["cache", "node1", "node2", "redis", "primary", "replica"]


def test_status_names_each_part_with_its_pid_port_and_state(cluster):
    report = json.loads(json.dumps(cluster.status()))

    ports = cluster.layout.ports()
    for part in PARTS:
        assert report[part]["port"] == ports[part]
        assert isinstance(report[part]["pid"], int)
    assert {report[part]["state"] for part in PARTS} <= {"running", "serving"}
    assert report["replica"]["streaming"] is True
    assert report["replica"]["replay_lag_seconds"] >= 0


def test_a_second_start_leaves_running_parts_alone(cluster):
    before = {part: value["pid"] for part, value in cluster.status().items() if part in PARTS}

    cluster.start(load_content=False, say=lambda message: None)

    after = {part: value["pid"] for part, value in cluster.status().items() if part in PARTS}
    assert after == before


def test_start_refuses_when_another_program_holds_the_cache_port(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = layout.throwaway(tmp_path)
        taken = layout.Layout(**{**taken.__dict__, "cache_port": squatter.getsockname()[1]})

        with pytest.raises(ClusterError, match="make run"):
            Cluster(taken).start(say=lambda message: None)
