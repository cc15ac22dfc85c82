"""The edge decides what the app sees: headers, query strings, sizes and fetch rates.

Everything here goes through the cluster's Varnish (newsroom/deploy/varnish.vcl) to
gunicorn nodes (newsroom/gunicorn_conf.py), as readers reach the site.
"""

import socket
import time

import pytest

from tools.localcache import fetch

# Each would, if believed, change the page the app renders or the address it links to.
FORGED_HEADERS = [
    {"SCRIPT_NAME": "/community"},
    {"PATH_INFO": "/community/"},
    {"Script-Name": "/community"},
    {"X-Forwarded-Proto": "https"},
    {"X-Forwarded-Ssl": "on"},
    {"X-Forwarded-Protocol": "ssl"},
    {"X-Forwarded-Scheme": "https"},
    {"X_Forwarded_Proto": "https"},
    {"X-Forwarded-Host": "evil.example"},
    {"X-Forwarded-Port": "4443"},
    {"X-Forwarded-Prefix": "/evil"},
    {"Forwarded": "for=192.0.2.1;proto=https;host=evil.example"},
    {"X-Original-URL": "/community/"},
    {"X-Rewrite-URL": "/community/"},
    {"X-Real-IP": "192.0.2.1"},
    {"X-Forwarded-For": "192.0.2.1"},
]


def purge(cluster, key):
    status, _, body = fetch(cluster.layout.base_url + "/", method="PURGE", headers={"xkey": key})
    assert status == 200, body


@pytest.fixture
def story_url(cluster):
    slug = cluster.targets[0][0]
    return f"{cluster.layout.base_url}/articles/{slug}/", f"story-{slug}"


def clean_copy(cluster, url, key):
    purge(cluster, key)
    status, headers, body = fetch(url)
    assert status == 200 and headers["X-Cache"] == "miss"
    return body


@pytest.mark.parametrize("forged", FORGED_HEADERS, ids=lambda headers: next(iter(headers)))
def test_a_forged_header_on_a_miss_leaves_the_cached_page_as_it_would_be(
    cluster, story_url, forged
):
    url, key = story_url
    clean = clean_copy(cluster, url, key)

    purge(cluster, key)
    status, headers, _ = fetch(url, headers=forged)
    assert status == 200 and headers["X-Cache"] == "miss"
    status, headers, cached = fetch(url)

    assert headers["X-Cache"] == "hit"
    assert cached == clean
    assert f'<link rel="canonical" href="{url}">' in cached


def test_tracking_parameters_are_served_from_the_pages_own_cached_copy(cluster, story_url):
    url, key = story_url
    clean = clean_copy(cluster, url, key)
    for query in ["?utm_source=a1", "?utm_medium=x&fbclid=2&gclid=3", "?mc_cid=1&mc_eid=2&ref=hn"]:
        status, headers, body = fetch(url + query)
        assert (status, headers["X-Cache"]) == (200, "hit"), query
        assert body == clean


def test_a_parameter_a_page_does_not_take_is_redirected_to_its_clean_url(cluster, story_url):
    url, _ = story_url
    path = url.removeprefix(cluster.layout.base_url)
    status, headers, _ = fetch(url + "?cachebuster=12345&part=technical&utm_source=x")
    assert (status, headers["Location"]) == (301, f"{path}?part=technical")
    status, headers, _ = fetch(url + "?part=technical&cachebuster=12345")
    assert (status, headers["X-Cache"]) == (301, "hit")


def get_from(source_address, port, path):
    """The status of GET ``path`` from a client at ``source_address`` (127.0.0.0/8)."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    with socket.create_connection(
        ("127.0.0.1", port), timeout=10, source_address=(source_address, 0)
    ) as connection:
        connection.sendall(request.encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode()
    return int(head.split()[1]), head


def test_a_client_that_keeps_causing_misses_is_slowed_at_the_edge_and_no_one_else(cluster):
    port = cluster.layout.cache_port
    statuses = [get_from("127.0.0.2", port, f"/?made-up={n}")[0] for n in range(70)]
    assert statuses[:50] == [301] * 50
    assert statuses[-1] == 429
    status, head = get_from("127.0.0.2", port, "/?made-up=last")
    assert status == 429
    assert "Retry-After: " in head and "Content-Security-Policy: default-src 'none'" in head
    # Another reader at another address is served meanwhile, misses and all.
    assert get_from("127.0.0.3", port, "/?made-up=other")[0] == 301
    assert get_from("127.0.0.3", port, "/")[0] == 200


def test_a_polite_crawler_is_never_slowed(cluster):
    port = cluster.layout.cache_port
    statuses = []
    for n in range(36):
        statuses.append(get_from("127.0.0.4", port, f"/?crawl={n}")[0])
        time.sleep(1 / 3)
    assert statuses == [301] * 36


def test_oversized_requests_get_the_sites_own_pages_never_gunicorns(cluster):
    base = cluster.layout.base_url
    long_url = fetch(base + "/" + "a" * 9000)
    very_long_url = fetch(base + "/" + "a" * 100_000)
    big_header = fetch(base + "/", headers={"X-Big": "a" * 9000})
    just_long = fetch(base + "/" + "a" * 5000)

    assert long_url[0] == 414 and "That address is too long" in long_url[2]
    assert very_long_url[0] == 414 and "That address is too long" in very_long_url[2]
    assert big_header[0] == 431 and "larger than this site accepts" in big_header[2]
    assert just_long[0] == 404 and "Page not found" in just_long[2]
    for _, headers, body in (long_url, very_long_url, big_header, just_long):
        assert headers["Server"] is None
        assert "gunicorn" not in body.lower()
        assert headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
