"""python -m tools.bench: see tools/bench/__init__.py."""

from tools.bench.run import main

main()
