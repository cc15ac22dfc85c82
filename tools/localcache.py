"""The checkout's HTTP cache: Varnish in front of the app server(s), started by the project.

Run as ``python -m tools.localcache start|stop|status|socket [--port 8000]
[--backend HOST:PORT|unix:PATH …]``; ``socket`` makes the private folder for the app's
unix socket and prints the socket's path. Standard library only. The VCL is
newsroom/deploy/varnish.vcl with the backends filled in; Varnish's working files live in
``.localcache/<port>/`` in the checkout (or in the ``folder`` a caller names:
tools/cluster.py keeps its own under var/cluster/). As root, varnishd drops to its own
``vcache`` user. Purges are accepted from loopback only.
"""

import argparse
import os
import pwd
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from string import Template

CHECKOUT = Path(__file__).resolve().parent.parent
VCL_TEMPLATE = CHECKOUT / "newsroom" / "deploy" / "varnish.vcl"
# Varnish's thread pools hold thousands of slow client connections; an idle client is
# dropped after timeout_idle seconds, one that reads its answer too slowly after send_timeout.
PARAMETERS = {
    "timeout_idle": "5",
    "send_timeout": "30",
    "idle_send_timeout": "10",
    "thread_pool_min": "50",
    "thread_pool_max": "2000",
    # A request head up to 128 kB with header lines up to 16 kB reaches the VCL, which
    # answers anything oversized with the site's own 414 or 431 page; beyond these
    # Varnish refuses the request itself. The client workspace must hold the head.
    "http_req_size": "128k",
    "http_req_hdr_len": "16k",
    "http_max_hdr": "128",
    "workspace_client": "192k",
}


def run_dir(port, folder=None):
    return Path(folder) if folder else CHECKOUT / ".localcache" / str(port)


def private_socket(folder):
    """A unix socket's path in ``folder``, which only the group of Varnish's worker user
    (``vcache``) may enter, so that no other local user can reach the app around the cache
    and send it what the cache would have removed. Makes the folder."""
    private = Path(folder) / "socket"
    private.mkdir(parents=True, exist_ok=True)
    try:
        group = pwd.getpwnam("vcache").pw_gid
    except KeyError:  # varnishd runs as this user, who owns the folder
        private.chmod(0o700)
    else:
        # The folder guards the socket: gunicorn makes it writable by anyone who gets in.
        os.chown(private, -1, group)
        private.chmod(0o750)
    return private / "gunicorn.sock"


def pid(port, folder=None):
    """varnishd's pid when it runs, else None."""
    try:
        number = int((run_dir(port, folder) / "varnishd.pid").read_text())
        os.kill(number, 0)
    except (OSError, ValueError):
        return None
    return number


def vcl(backends):
    definitions, additions = [], []
    for number, address in enumerate(backends, start=1):
        if address.startswith("unix:"):
            # The app on a unix socket in a folder only Varnish's group may enter; requests
            # name the host the app's own address would have.
            where = f'.path = "{address.removeprefix("unix:")}";\n    .host_header = "127.0.0.1";'
        else:
            host, port = address.rsplit(":", 1)
            where = f'.host = "{host}";\n    .port = "{port}";'
        definitions.append(
            f"backend app{number} {{\n    {where}\n    .probe = healthz;\n"
            "    .connect_timeout = 1s;\n    .first_byte_timeout = 30s;\n"
            "    .between_bytes_timeout = 10s;\n}"
        )
        additions.append(f"    app.add_backend(app{number});")
    return Template(VCL_TEMPLATE.read_text()).substitute(
        BACKENDS="\n\n".join(definitions), ADD_BACKENDS="\n".join(additions)
    )


def start(port, backends, host="127.0.0.1", folder=None):
    if pid(port, folder):
        stop(port, folder)
    folder = run_dir(port, folder)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    (folder / "site.vcl").write_text(vcl(backends))
    (folder / "site.vcl").chmod(0o644)
    command = ["varnishd", "-a", f"{host}:{port}", "-f", str(folder / "site.vcl")]
    command += ["-s", "malloc,256m", "-n", str(folder / "work"), "-P", str(folder / "varnishd.pid")]
    for name, value in PARAMETERS.items():
        command += ["-p", f"{name}={value}"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"localcache: varnishd did not start:\n{result.stderr or result.stdout}")
    for _ in range(100):
        if pid(port, folder):
            print(
                f"localcache: Varnish on http://127.0.0.1:{port}/ in front of {', '.join(backends)}"
            )
            return
        time.sleep(0.05)
    sys.exit("localcache: varnishd did not write its pid file")


def healthy_backends(port, folder=None):
    """The numbers of the backends (app1, app2…) that Varnish's probe counts healthy now."""
    command = ["varnishadm", "-n", str(run_dir(port, folder) / "work"), "backend.list"]
    listed = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    return {int(n) for n in re.findall(r"(?m)^\S+\.app(\d+)\s+\S+\s+\S+\s+healthy\b", listed)}


def stop(port, folder=None):
    running = pid(port, folder)
    if running is None:
        print(f"localcache: not running on {port}")
        return
    os.kill(running, signal.SIGTERM)
    for _ in range(100):
        if pid(port, folder) is None:
            break
        time.sleep(0.05)
    print(f"localcache: stopped on {port}")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, *, method="GET", data=None, headers=None):
    """(status, headers, body as text) of one request through the cache, redirects not
    followed: what a reader's first request gets (tests and tools/bench use it)."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m tools.localcache")
    parser.add_argument("command", choices=["start", "stop", "status", "socket"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--backend", action="append", dest="backends")
    args = parser.parse_args(argv)
    if args.command == "start":
        start(args.port, args.backends, args.host)
    elif args.command == "stop":
        stop(args.port)
    elif args.command == "socket":
        print(private_socket(run_dir(args.port)))
    else:
        running = pid(args.port)
        print(f"localcache: {f'running (pid {running})' if running else 'stopped'} on {args.port}")


if __name__ == "__main__":
    main(sys.argv[1:])
