"""The checkout's HTTP cache: Varnish in front of the app server(s), started by the project.

Run as ``python -m tools.localcache start|stop|status [--port 8000] [--backend HOST:PORT …]``.
Standard library only. The VCL is newsroom/deploy/varnish.vcl with the backends filled
in; Varnish's working files live in ``.localcache/<port>/`` in the checkout (or in the
``folder`` a caller names: tools/cluster/ keeps its own under var/cluster/). As root,
varnishd drops to its own ``vcache`` user. Purges are accepted from loopback only.
"""

import argparse
import os
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
DEFAULT_PORT = 8000
DEFAULT_BACKEND = "127.0.0.1:8001"
# Varnish's thread pools hold thousands of slow client connections; an idle client is
# dropped after timeout_idle seconds, one that reads its answer too slowly after send_timeout.
PARAMETERS = {
    "timeout_idle": "5",
    "send_timeout": "30",
    "idle_send_timeout": "10",
    "thread_pool_min": "50",
    "thread_pool_max": "2000",
}


def run_dir(port, folder=None):
    return Path(folder) if folder else CHECKOUT / ".localcache" / str(port)


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
        host, port = address.rsplit(":", 1)
        definitions.append(
            f'backend app{number} {{\n    .host = "{host}";\n    .port = "{port}";\n'
            "    .probe = healthz;\n    .connect_timeout = 1s;\n"
            "    .first_byte_timeout = 30s;\n    .between_bytes_timeout = 10s;\n}"
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
    vcl_path = folder / "site.vcl"
    vcl_path.write_text(vcl(backends))
    vcl_path.chmod(0o644)
    command = ["varnishd", "-a", f"{host}:{port}", "-f", str(vcl_path), "-s", "malloc,256m"]
    command += ["-n", str(folder / "work"), "-P", str(folder / "varnishd.pid")]
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


def status(port):
    running = pid(port)
    print(f"localcache: {f'running (pid {running})' if running else 'stopped'} on {port}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def fetch(url, *, method="GET", data=None, headers=None):
    """(status, headers, body as text) of one request through the cache, redirects not
    followed: what a reader's first request gets (tests and tools/bench use it)."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m tools.localcache")
    parser.add_argument("command", choices=["start", "stop", "status"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--backend", action="append", dest="backends")
    args = parser.parse_args(argv)
    if args.command == "start":
        start(args.port, args.backends or [DEFAULT_BACKEND], args.host)
    elif args.command == "stop":
        stop(args.port)
    else:
        status(args.port)


if __name__ == "__main__":
    main(sys.argv[1:])
