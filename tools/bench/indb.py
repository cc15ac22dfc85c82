"""The benchmark's steps that run inside a database, with Django set up for it.

tools/bench/run.py runs them in a process of their own per database (the settings
read DATABASE_URL from the environment when Django starts):

    python -m tools.bench.indb generate [--scale S] [--seed N] [--stories N] …
    python -m tools.bench.indb inspect OUT --cookies N --wrk-threads N
    python -m tools.bench.indb count-small-page OUT PATH
"""

import argparse
import os
import sys

import django


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    steps = parser.add_subparsers(dest="step", required=True)
    generate = steps.add_parser("generate", help="add the synthetic data set")
    generate.add_argument("--scale", type=float, default=1.0)
    generate.add_argument("--seed", type=int, default=2026)
    for name in ("stories", "topics", "terms", "sources", "reads", "forecasts"):
        generate.add_argument(f"--{name}", type=int)
    inspect = steps.add_parser("inspect", help="choose the pages, count queries, write scripts")
    inspect.add_argument("out")
    inspect.add_argument("--cookies", type=int, default=1000)
    inspect.add_argument("--wrk-threads", type=int, default=2)
    small = steps.add_parser("count-small-page", help="one page's queries, small data set")
    small.add_argument("out")
    small.add_argument("path")
    options = vars(parser.parse_args(argv))

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    django.setup()
    step = options.pop("step")
    if step == "generate":
        from tools.bench import synthetic

        synthetic.generate(verbose=True, out=sys.stdout, **options)
    elif step == "inspect":
        from tools.bench import pages

        pages.inspect(options["out"], options["cookies"], options["wrk_threads"])
    else:
        from tools.bench import pages

        pages.count_small_page(options["out"], options["path"])


if __name__ == "__main__":
    main()
