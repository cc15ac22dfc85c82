"""A clock that a test moves by hand, for code that reads ``time.time()`` through its
module's ``time`` (core/ratelimit.py): ``monkeypatch.setattr(ratelimit, "time", clock)``."""

# A multiple of 60 and of 3600: a fixed window of either length starts here.
WINDOW_BOUNDARY = 1_800_000_000


class ManualClock:
    def __init__(self, now=WINDOW_BOUNDARY):
        self.now = now

    def time(self):
        return self.now
