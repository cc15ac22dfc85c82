"""The load: wrk against one URL, and the Lua script that posts as new readers.

``wrk()`` runs wrk and parses its report (requests/s, p50/p90/p99, errors);
``write_post_script()`` writes a script that posts with reader cookies signed by
tools/bench/pages.py, one reader a request. A script starts at the reader it is
given (``first_reader``) and reports where the next run should start;
``Readers.wrk()`` runs a script from there, so that a warm-up and the loads after
it post as new readers too.
"""

import re
import subprocess
from pathlib import Path

# The "story while readers vote" loads post one request in this many.
MIXED_POST_EVERY = 20


def wrk(url, *, threads, connections, duration, script=None, first_reader=0):
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "--latency",
    ]
    arguments = [url]
    if script:
        command += ["-s", str(script)]
        arguments.append(str(first_reader))
    result = subprocess.run(
        [*command, *arguments], capture_output=True, text=True, timeout=duration + 60
    )
    if result.returncode != 0 or "Requests/sec" not in result.stdout:
        raise RuntimeError(f"wrk failed on {url}:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output):
    def number(pattern, default=None):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        return round(float(match.group(1)) * _UNITS_MS[match.group(2)], 3) if match else None

    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = int(number(r"Non-2xx or 3xx responses: (\d+)", 0))
    report = {
        "rps": number(r"Requests/sec:\s+([\d.]+)", 0.0),
        "requests": int(number(r"(\d+) requests in", 0)),
        "p50_ms": latency(50),
        "p90_ms": latency(90),
        "p99_ms": latency(99),
        "errors": non_2xx + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }
    # A posting script's last line: where the next run starts, of how many readers.
    readers = re.search(r"(?m)^Next reader: (\d+) of (\d+)$", output)
    if readers:
        report["next_reader"], report["readers"] = map(int, readers.groups())
    return report


class Readers:
    """Where each posting script's next run starts in its file of readers: after the
    last reader its previous run posted as, so that no reader posts twice in a run of
    the benchmark, warm-ups included. ``ran_out`` says when a run went past the end
    of its file, where readers met again change their answers."""

    def __init__(self):
        self.next = {}

    def wrk(self, url, *, script, **load):
        result = wrk(url, script=script, first_reader=self.next.get(script, 0), **load)
        if "next_reader" not in result:
            raise RuntimeError(f"wrk did not say where the readers of {script} end")
        self.next[script] = result["next_reader"]
        result["ran_out"] = result["next_reader"] > result["readers"]
        return result


LUA = r"""
-- Posts as a new reader on every request, with reader cookies that tools/bench/pages.py
-- signed, one a line in a file; a reader met again (a long run) changes their answer.
-- The paths (one, or many stories) come from a file too. With post_every = n, only every
-- n-th request posts; the others read read_page, as an anonymous reader would. The
-- argument after the URL is the first reader's number; at the end the script prints
-- the number the next run should start at.
local post_every = %(post_every)d
local read_page = "%(read_page)s"
local sent = 0
local bodies = {%(bodies)s}
local readers = {}
local paths = {}
counter = 0  -- a global, so that done() can read each thread's (thread:get)
local next_id = 0
local started = {}

function setup(thread)
  thread:set("first", next_id)
  next_id = next_id + 1
  started[#started + 1] = thread
end

function init(args)
  for line in io.lines("%(cookies)s") do readers[#readers + 1] = line end
  for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
  reader_count = #readers  -- a global too, for done()
  counter = (tonumber(args[1]) or 0) + (first or 0)
end

function request()
  sent = sent + 1
  if post_every > 1 and sent %% post_every ~= 0 then
    return wrk.format("GET", read_page)
  end
  local reader = readers[counter %% #readers + 1]
  local body = bodies[math.floor(counter / #readers) %% #bodies + 1]
  local path = paths[counter %% #paths + 1]
  counter = counter + %(threads)d
  -- A browser posting from our own page says so; reader writes need no CSRF token.
  return wrk.format("POST", path, {
    ["Cookie"] = "reader=" .. reader,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Sec-Fetch-Site"] = "same-origin",
  }, body)
end

-- Each thread's counter is its next reader; the next run starts past all of them, at a
-- multiple of the thread count so that its threads take turns as these did.
function done(summary, latency, requests)
  local last = 0
  for _, thread in ipairs(started) do last = math.max(last, thread:get("counter")) end
  last = math.ceil(last / #started) * #started
  io.write(string.format("Next reader: %%d of %%d\n", last, started[1]:get("reader_count")))
end
"""


def write_post_script(folder, kind, *, cookies, paths, bodies, threads, **page):
    """Write post-<kind>.lua and the cookie and path files it reads; return its path."""
    folder = Path(folder)
    cookie_file = folder / f"readers-{kind}.txt"
    cookie_file.write_text("".join(f"{cookie}\n" for cookie in cookies))
    path_file = folder / f"paths-{kind}.txt"
    path_file.write_text("".join(f"{path}\n" for path in paths))
    script = folder / f"post-{kind}.lua"
    script.write_text(
        LUA
        % {
            "bodies": ",".join(f'"{body}"' for body in bodies),
            "cookies": cookie_file,
            "paths": path_file,
            "threads": threads,
            "post_every": page["post_every"],
            "read_page": page["read_page"],
        }
    )
    return str(script)
