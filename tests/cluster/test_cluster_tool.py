"""`make cluster`'s tool: the status an operator reads, a second start, a port held by another."""

import json
import os
import pwd
import socket
import stat
import subprocess
from pathlib import Path

import pytest

from tools import servers
from tools.cluster import Cluster, ClusterError, Layout

PARTS = ["cache", "node1", "node2", "redis", "primary", "replica", "mail", "jobs"]
NODES = ["node1", "node2"]


def test_status_names_each_part_with_its_pid_port_or_socket_and_state(cluster):
    report = json.loads(json.dumps(cluster.status()))

    ports = cluster.layout.ports()
    for part in PARTS:
        if part in NODES:
            assert report[part]["socket"] == str(cluster.nodes[NODES.index(part)].socket)
        elif part != "jobs":
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
        taken = Layout.throwaway(tmp_path)
        taken = Layout(**{**taken.__dict__, "cache_port": squatter.getsockname()[1]})

        with pytest.raises(ClusterError, match="make run"):
            Cluster(taken).start(say=lambda message: None)


def test_the_nodes_listen_only_on_sockets_that_the_cache_alone_may_reach(cluster):
    for node in cluster.nodes:
        folder = node.socket.parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o750
        assert folder.stat().st_gid == pwd.getpwnam("vcache").pw_gid
        pid = node.pid()
        listening = Path("/proc/net/tcp").read_text() + Path("/proc/net/tcp6").read_text()
        inodes = {
            os.readlink(f"/proc/{child}/fd/{fd}")
            for child in [pid, *node.workers()]
            for fd in os.listdir(f"/proc/{child}/fd")
        }
        sockets = {inode.removeprefix("socket:[").rstrip("]") for inode in inodes}
        listening_inodes = {
            line.split()[9] for line in listening.splitlines()[1:] if line.split()[3] == "0A"
        }
        assert not sockets & listening_inodes, f"{node.name} listens on a TCP port"
    # Another local user cannot enter the folder, so cannot reach a node around the cache.
    probe = subprocess.run(
        ["runuser", "-u", "nobody", "--", "test", "-w", str(cluster.nodes[0].socket)],
        check=False,
    )
    assert probe.returncode != 0


def test_a_killed_node_is_started_again_by_its_supervisor_and_serves(cluster):
    node = cluster.nodes[1]
    killed = node.pid()

    node.kill()

    assert servers.wait_for(lambda: node.pid() not in (None, killed) and node.answers(), 15)
    assert cluster.status()[node.name]["state"] == "serving"
