"""A crawler walking the whole archive through the cache, as fast as it can, while readers
read and vote: does it cost them anything, and is the archive cached after its first pass?

One client on its own loopback address (127.0.0.2: the edge throttles misses per address,
and the readers' wrk comes from 127.0.0.1) keeps ``connections`` keep-alive connections
busy, fetching every story's path once per pass, in passes until it is told to stop and
has made two. Each answer's status and the cache's ``X-Cache`` header
(newsroom/deploy/varnish.vcl) are kept per path and pass, so the second pass's hit rate is
counted over the paths the first pass fetched: the edge answers a crawler over its miss
budget with 429s, and those stories were never fetched.
"""

import contextlib
import http.client
import threading
import time
from collections import Counter

CRAWLER_ADDRESS = "127.0.0.2"
PASSES = 2


class Crawl:
    def __init__(self, port, paths, *, connections):
        self.port, self.paths, self.connections = port, list(paths), connections
        self.passes = []  # per pass: {path: (status, hit)}
        self.seconds = []
        self.stop, self.abort = threading.Event(), threading.Event()

    def connect(self):
        return http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=10, source_address=(CRAWLER_ADDRESS, 0)
        )

    def walk(self, answers):
        """One pass: the connections share the paths; each path's answer goes in ``answers``."""
        queue, lock = iter(self.paths), threading.Lock()

        def fetch_all():
            connection = self.connect()
            while True:
                with lock:
                    path = next(queue, None)
                if path is None or self.abort.is_set():
                    break
                answers[path] = (None, False)
                # Once more on a fresh connection if the cache closed the one kept alive.
                for _ in range(2):
                    try:
                        connection.request("GET", path, headers={"User-Agent": "bench-crawler"})
                        response = connection.getresponse()
                        response.read()
                    except (OSError, http.client.HTTPException):
                        connection.close()
                        connection = self.connect()
                        continue
                    answers[path] = (response.status, response.getheader("X-Cache") == "hit")
                    break
            connection.close()

        workers = [threading.Thread(target=fetch_all) for _ in range(self.connections)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    def run(self):
        while (len(self.passes) < PASSES or not self.stop.is_set()) and not self.abort.is_set():
            answers, started = {}, time.monotonic()
            self.walk(answers)
            self.seconds.append(round(time.monotonic() - started, 2))
            self.passes.append(answers)

    def summary(self):
        """Per pass: requests, seconds, req/s, statuses and hits; the second pass's hit
        rate over the paths the first pass fetched (200)."""
        passes = [
            {
                "requests": len(answers),
                "seconds": seconds,
                "rps": round(len(answers) / seconds, 1) if seconds else 0.0,
                "statuses": dict(Counter(str(status) for status, _ in answers.values())),
                "hits": sum(hit for _, hit in answers.values()),
            }
            for answers, seconds in zip(self.passes, self.seconds, strict=True)
        ]
        first, second = self.passes[0], self.passes[1]
        fetched = [path for path, (status, _) in first.items() if status == 200]
        hits = sum(second[path] == (200, True) for path in fetched)
        return {
            "stories": len(self.paths),
            "connections": self.connections,
            "address": CRAWLER_ADDRESS,
            "passes": passes,
            "fetched_first_pass": len(fetched),
            "throttled_first_pass": sum(status == 429 for status, _ in first.values()),
            "second_pass_hits": hits,
            "second_pass_hit_rate": round(hits / len(fetched), 4) if fetched else None,
        }


@contextlib.contextmanager
def crawling(port, paths, *, connections, results):
    """Crawl ``paths`` through the cache at ``port`` while the block runs (and until two
    passes are done); the summary goes in ``results["crawl"]``."""
    crawl = Crawl(port, paths, connections=connections)
    thread = threading.Thread(target=crawl.run, daemon=True)
    thread.start()
    try:
        yield None
    except BaseException:
        crawl.abort.set()
        raise
    finally:
        crawl.stop.set()
        thread.join()
    results["crawl"] = crawl.summary()
