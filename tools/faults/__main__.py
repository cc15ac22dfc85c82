"""`python -m tools.faults one-node|cluster [options]`: tools/faults/__init__.py says what."""

import sys

from tools.faults import cluster, one_node


def main(argv):
    commands = {"one-node": one_node.main, "cluster": cluster.main}
    if len(argv) < 2 or argv[1] not in commands:
        sys.exit("usage: python -m tools.faults one-node|cluster [options] (--help for each)")
    return commands[argv[1]](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
