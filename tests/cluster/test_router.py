"""The router against a real streaming replica whose replay is held back.

Every page here is asked of one app node directly (not through Varnish), so that what
it shows is what the node read, from the replica or the primary.
"""

import pytest

from tests.cluster.conftest import HELD_BACK_SECONDS, Reader, request
from tools import servers
from tools.cluster import Node
from tools.supervision import Supervisor

MINE = "reads__choice--mine"


def headline_of(address, slug, cookie=""):
    status, _, body = request(address, "GET", f"/articles/{slug}/", headers={"Cookie": cookie})
    assert status == 200
    return body


@pytest.fixture
def story(cluster):
    """A story whose headline the test changes on the primary, put back afterwards."""
    slug = cluster.targets[0][-1]
    before = cluster.primary.query(f"SELECT headline FROM articles_article WHERE slug = '{slug}'")
    yield slug
    cluster.primary.query(
        f"UPDATE articles_article SET headline = $${before}$$ WHERE slug = '{slug}'"
    )


def set_headline(cluster, slug, headline):
    cluster.primary.query(
        f"UPDATE articles_article SET headline = '{headline}' WHERE slug = '{slug}'"
    )


def test_a_reader_who_voted_reads_their_vote_while_the_replica_has_not_replayed_it(
    cluster, held_back
):
    node = cluster.nodes[0]
    slug = cluster.targets[0][1]
    reader = Reader(cluster, node.address)
    assert reader.vote(slug, "promising") in {200, 302}
    assert "primary_pin" in reader.set_cookies

    _, _, unpinned = reader.get(f"/articles/{slug}/mine/", pinned=False)
    status, headers, pinned = reader.get(f"/articles/{slug}/mine/")

    assert MINE not in unpinned  # from the replica, which has not replayed the vote
    assert status == 200 and MINE in pinned  # from the primary
    assert "no-store" in headers["Cache-Control"]
    # Once replayed, the replica shows it too: it was the replica that served above.
    assert servers.wait_for(
        lambda: MINE in reader.get(f"/articles/{slug}/mine/", pinned=False)[2],
        timeout=HELD_BACK_SECONDS * 4,
    )


def test_a_pinned_readers_pages_are_kept_out_of_shared_caches(cluster):
    node = cluster.nodes[0]
    slug = cluster.targets[0][2]
    reader = Reader(cluster, node.address)
    assert reader.vote(slug, "overhyped") in {200, 302}

    _, pinned, _ = reader.get(f"/articles/{slug}/")
    _, unpinned, _ = reader.get(f"/articles/{slug}/", pinned=False)

    assert "public" not in pinned["Cache-Control"] and "no-store" in pinned["Cache-Control"]
    assert pinned["xkey"] is None
    assert "public" in unpinned["Cache-Control"] and unpinned["xkey"]


def test_a_forged_pin_does_not_reach_the_primary(cluster, held_back, story):
    port = cluster.nodes[0].address
    set_headline(cluster, story, "Forged pins read the replica")

    assert "Forged pins read the replica" not in headline_of(port, story, "primary_pin=1:forged")


def test_editors_with_a_session_read_the_primary(cluster, held_back, story):
    port = cluster.nodes[0].address
    set_headline(cluster, story, "Editors read the primary")

    assert "Editors read the primary" not in headline_of(port, story)
    assert "Editors read the primary" in headline_of(port, story, "sessionid=any")


@pytest.fixture
def strict_node(cluster):
    """A third node that accepts one second of replay lag: a supervisor of its own, which
    gives it that environment."""
    env = cluster.node_env() | {"DATABASE_REPLICA_MAX_LAG_SECONDS": "1"}
    folder = cluster.layout.root / "strict-node"
    node = Node(folder, env=env, supervisor=Supervisor(folder))
    node.launch()
    node.wait()
    yield node
    node.stop()
    node.supervisor.shutdown()


def test_reads_go_to_the_primary_while_the_replica_lags_beyond_the_bound(
    cluster, strict_node, held_back, story
):
    set_headline(cluster, story, "Lagging replicas are skipped")

    assert servers.wait_for(
        lambda: "Lagging replicas are skipped" in headline_of(strict_node.address, story),
        timeout=HELD_BACK_SECONDS / 2,
    )
    assert "Lagging replicas are skipped" not in headline_of(cluster.nodes[0].address, story)
    status, _, health = request(strict_node.address, "GET", "/healthz")
    assert status == 200 and '"replica": {"state": "lagging"' in health


def test_reads_go_to_the_primary_while_the_replica_is_down(cluster, story):
    port = cluster.nodes[0].address
    cluster.replica.stop()
    try:
        set_headline(cluster, story, "Stopped replicas are skipped")
        statuses = [request(port, "GET", f"/articles/{story}/")[0] for _ in range(5)]
        _, _, health = request(port, "GET", "/healthz")
        assert "Stopped replicas are skipped" in headline_of(port, story)
    finally:
        cluster.replica.start()
    assert statuses == [200] * 5
    assert '"replica": {"state": "unavailable"' in health
