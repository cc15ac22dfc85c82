"""`python -m tools.faults one-node|cluster [options]`: tools/faults/__init__.py says what."""

import sys

from tools.faults import cluster, one_node

commands = {"one-node": one_node.main, "cluster": cluster.main}
if len(sys.argv) < 2 or sys.argv[1] not in commands:
    sys.exit("usage: python -m tools.faults one-node|cluster [options] (--help for each)")
sys.exit(commands[sys.argv[1]](sys.argv[2:]))
