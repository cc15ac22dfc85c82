"""`python -m tools.cluster start|stop|status`: tools/cluster/__init__.py says what."""

import argparse
import json
import sys

from tools import cluster as package
from tools.cluster import layout
from tools.cluster.cluster import Cluster, ClusterError


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m tools.cluster", description=package.__doc__.split("\n\n")[0]
    )
    parser.add_argument("command", choices=["start", "stop", "status"])
    options = parser.parse_args(argv)
    cluster = Cluster(layout.default())
    if options.command == "start":
        try:
            cluster.start()
        except ClusterError as error:
            sys.exit(f"cluster: {error}")
    elif options.command == "stop":
        cluster.stop()
    else:
        sys.stdout.write(json.dumps(cluster.status(), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
