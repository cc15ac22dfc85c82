"""The load: wrk against one URL, and the Lua script with which it posts as new readers.

``write_post_script()`` writes a script that posts with reader cookies that
tools/bench/site.py signed, one reader a request, starting at the reader it is given;
at the end it says where the next run should start. ``Readers.wrk()`` runs each script
from there, so that a warm-up and the load measured after it post as new readers too.
"""

import re
import subprocess
from pathlib import Path

# The "story while readers vote" loads post one request in this many.
MIXED_POST_EVERY = 20
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(url, *, threads, connections, duration, script=None, first_reader=0, headers=()):
    """Requests/s, requests, p50/p90/p99 in ms and errors (non-2xx/3xx and socket errors);
    ``headers`` ("Name: value") go with every request."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s"]
    command += [option for header in headers for option in ("-H", header)]
    command += ["--latency", *(["-s", str(script)] if script else []), url]
    result = subprocess.run(
        [*command, *([str(first_reader)] if script else [])],
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    output = result.stdout
    if result.returncode != 0 or "Requests/sec" not in output:
        raise RuntimeError(f"wrk failed on {url}:\n{output}{result.stderr}")

    def number(pattern):
        match = re.search(pattern, output)
        return float(match.group(1)) if match else 0

    def latency(percent):
        match = re.search(rf"(?m)^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output)
        return round(float(match.group(1)) * UNITS_MS[match.group(2)], 3) if match else None

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    report = {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        **{f"p{percent}_ms": latency(percent) for percent in (50, 90, 99)},
        "errors": int(number(r"Non-2xx or 3xx responses: (\d+)"))
        + (sum(map(int, errors.groups())) if errors else 0),
    }
    # A posting script's last line: where the next run starts, of how many readers.
    readers = re.search(r"(?m)^Next reader: (\d+) of (\d+)$", output)
    if readers:
        report["next_reader"], report["readers"] = map(int, readers.groups())
    return report


class Readers:
    """Where each posting script's next run starts in its file of readers: after the last
    one its previous run posted as. ``ran_out`` says when a run went past the end of its
    file, where readers met again change their answers."""

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
-- Posts as a new reader on every request, with one reader cookie a line of a file; a
-- reader met again (a long run) changes their answer. The paths (one, or many stories)
-- come from a file too. With post_every = n, only every n-th request posts; the others
-- read read_page, as an anonymous reader would. The argument after the URL is the first
-- reader's number; at the end the script prints the number the next run should start at.
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


def write_post_script(folder, kind, *, cookies, paths, bodies, threads, post_every, read_page):
    """Write post-<kind>.lua and the cookie and path files it reads; return its path."""
    folder = Path(folder)
    (folder / f"readers-{kind}.txt").write_text("".join(f"{cookie}\n" for cookie in cookies))
    (folder / f"paths-{kind}.txt").write_text("".join(f"{path}\n" for path in paths))
    script = folder / f"post-{kind}.lua"
    script.write_text(
        LUA
        % {
            "bodies": ",".join(f'"{body}"' for body in bodies),
            "cookies": folder / f"readers-{kind}.txt",
            "paths": folder / f"paths-{kind}.txt",
            "threads": threads,
            "post_every": post_every,
            "read_page": read_page,
        }
    )
    return str(script)
