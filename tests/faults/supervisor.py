"""A supervisor's screen, headless: the outcomes export read in a loop while benches work.

    python -m tests.faults.supervisor --db URL --stop PATH --out CSV [--every-ms N] [--deadline-s N]

Prints ``EXPORT <rows>`` after each export that worked and ``UNAVAILABLE <why>`` when the server
is away; when the file named by --stop appears it writes one last export to --out (waiting for
the server if need be) and prints ``DONE <rows>``.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

from rmadesk.domain.errors import DatabaseUnavailable
from rmadesk.services.export import write_outcomes_csv
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.faults.bench_driver import first_line, say


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--stop", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--every-ms", type=int, default=200)
    parser.add_argument("--deadline-s", type=float, default=120.0)
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.deadline_s
    store = Store(args.db)
    stop = Path(args.stop)
    say("READY")
    while time.monotonic() < deadline:
        last = stop.exists()
        buffer = io.StringIO()
        try:
            rows = write_outcomes_csv(store, buffer, BOSS)
        except DatabaseUnavailable as exc:
            say("UNAVAILABLE", first_line(exc.message))
        else:
            say("EXPORT", rows)
            if last:
                Path(args.out).write_text(buffer.getvalue(), encoding="utf-8")
                store.dispose()
                say("DONE", rows)
                return 0
        time.sleep(args.every_ms / 1000)
    say("GAVEUP")
    return 3


if __name__ == "__main__":
    sys.exit(main())
