"""A scripted, headless bench: a separate process that inspects RMAs as an inspector would.

    python -m tests.faults.bench_driver --db URL --bench NAME --inspector NAME --journal PATH \
        --rmas A,B,C [--seed N] [--pause-ms N] [--deadline-s N]

For each RMA it opens the authorization (claiming a unit), decides each unit with a seeded
disposition and records it with ``claim_next=True``. It prints one line per event, flushed only
after the thing it reports is durable:

    READY <pid>                         the database answered; work starts
    CONFIRMED <outcome_uid> <unit_id>   record() returned: the commit is done
    KEPT <outcome_uid> <unit_id> <why>  the server was away: the decision is in the bench's journal
    SENT <outcome_uid> <unit_id> <0|1>  a kept decision is now in the database (1: it was already
                                        there, the lost reply of a commit that had landed)
    ELSEWHERE <outcome_uid> <unit_id>   a kept decision was dropped: another bench decided the unit
    SKIPPED <rma> <unit_id|-> <why>     nothing to do here (decided or claimed elsewhere)
    HOLDING <unit_id>                   the --hold-file exists: the inspector is busy with this unit
                                        (claimed, not yet confirmed) until the file is gone
    OFFLINE <why> / ONLINE              the database went away / answers again
    ERROR <what>                        a refusal the bench cannot explain (the tests allow none)
    DONE confirmed=.. kept=.. ...       the end, exit status 0

Kept decisions are sent (``flush``) as soon as the server answers again, and at start-up: a
bench killed with kept decisions sends them when it comes back. The run is bounded by
``--deadline-s``: past it the driver prints GAVEUP and exits with status 3.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rmadesk.domain.errors import DatabaseUnavailable, NothingToDecide, UserError
from rmadesk.domain.model import AuthorizationView, Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, Recorded, UnitClaimed, new_outcome_uid
from rmadesk.services.context import open_store
from rmadesk.services.journal import Journal, flush
from rmadesk.settings import Settings
from rmadesk.store.types import utcnow

DISPOSITIONS = (Disposition.SELLABLE, Disposition.CARRIER_DAMAGED, Disposition.SELLER_FAULT)
GAVE_UP = 3


class GaveUp(Exception):
    """The deadline passed."""


def say(*words: object) -> None:
    """One line on stdout, written out at once (after what it reports is durable)."""
    sys.stdout.write(" ".join(str(w) for w in words) + "\n")
    sys.stdout.flush()


def first_line(text: str) -> str:
    return (text.strip().splitlines() or ["?"])[0].replace("\n", " ")[:200]


class Driver:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.deadline = time.monotonic() + args.deadline_s
        self.rng = random.Random(args.seed)
        self.pause = args.pause_ms / 1000
        self.journal = Journal(Path(args.journal))
        self.hold_file = Path(args.hold_file) if args.hold_file else None
        self.counts: Counter[str] = Counter()
        self.offline = False
        self.service = self._connect()

    def _time_left(self) -> None:
        if time.monotonic() > self.deadline:
            raise GaveUp

    def _connect(self) -> BenchService:
        """Open the store; the server may be away at start-up too."""
        while True:
            self._time_left()
            try:
                store = open_store(self.args.db, allow_upgrade=False)
            except DatabaseUnavailable as exc:
                self._went_offline(exc.message)
                time.sleep(self.args.retry_s)
                continue
            return BenchService(store, load_policy(), Settings(bench=self.args.bench, sounds=False))

    def _went_offline(self, why: str) -> None:
        if not self.offline:
            self.offline = True
            say("OFFLINE", first_line(why))

    # ----- the journal -------------------------------------------------------------------------
    def keep(self, decision: Decision, why: str) -> None:
        kept = replace(decision, decided_at=decision.decided_at or utcnow())
        self.journal.add(kept, utcnow())
        self.counts["kept"] += 1
        say("KEPT", kept.outcome_uid, kept.unit_id, first_line(why))

    def reconnect_and_send(self) -> None:
        """Wait for the server (bounded by the deadline), then send every kept decision."""
        while True:
            self._time_left()
            try:
                self.service.ping()
            except DatabaseUnavailable as exc:
                self._went_offline(exc.message)
                time.sleep(self.args.retry_s)
                continue
            if self.offline:
                self.offline = False
                say("ONLINE")
            if self._send_kept():
                return

    def _send_kept(self) -> bool:
        """Send the journal; False when the server went away again meanwhile."""
        if not self.journal.count():
            return True
        retried: dict[str, bool] = {}

        def send(decision: Decision) -> Recorded:
            recorded = self.service.record(decision, from_journal=True)
            retried[decision.outcome_uid] = recorded.already_written
            return recorded

        try:
            report = flush(self.journal, send)
        except UserError as exc:  # neither an outage nor decided elsewhere: unexplained
            say("ERROR", "flush", first_line(exc.message))
            self.counts["error"] += 1
            time.sleep(self.args.retry_s)
            return False
        for decision in report.sent:
            self.counts["sent"] += 1
            say("SENT", decision.outcome_uid, decision.unit_id, int(retried.get(decision.outcome_uid, False)))
        for decision, message in report.decided_elsewhere:
            self.counts["elsewhere"] += 1
            say("ELSEWHERE", decision.outcome_uid, decision.unit_id, first_line(message))
        if report.still_waiting:
            self._went_offline("the database went away again while sending")
            time.sleep(self.args.retry_s)
            return False
        return True

    # ----- the shift -----------------------------------------------------------------------------
    def open(self, rma: str) -> tuple[AuthorizationView | None, int | None]:
        """Open an RMA: its authorization and the unit claimed here (None: nothing to do here)."""
        while True:
            self._time_left()
            try:
                found = self.service.open(rma, who=self.args.inspector, bench=self.args.bench)
            except DatabaseUnavailable as exc:
                self._went_offline(exc.message)
                self.reconnect_and_send()
                continue
            except UnitClaimed as exc:
                self.counts["skipped"] += 1
                say("SKIPPED", rma, "-", first_line(exc.message))
                return None, None
            except UserError as exc:  # an unknown code, say: the tests allow none
                self.counts["error"] += 1
                say("ERROR", "open", rma, first_line(exc.message))
                return None, None
            if found.authorization is None or found.unit_id is None:
                self.counts["skipped"] += 1
                say("SKIPPED", rma, "-", "nothing undecided")
                return found.authorization, None
            return found.authorization, found.unit_id

    def decision(self, unit_id: int, scanned_at: object) -> Decision:
        return Decision(
            outcome_uid=new_outcome_uid(),
            unit_id=unit_id,
            disposition=self.rng.choice(DISPOSITIONS),
            inspector=self.args.inspector,
            bench=self.args.bench,
            scanned_at=scanned_at,  # type: ignore[arg-type]
        )

    def inspect(self, rma: str) -> None:
        auth, unit_id = self.open(rma)
        reopened = 0
        while auth is not None and unit_id is not None:
            self._time_left()
            scanned_at = utcnow()
            if self.pause:
                time.sleep(self.pause)
            if self.hold_file is not None and self.hold_file.exists():
                say("HOLDING", unit_id)
                while self.hold_file.exists():
                    self._time_left()
                    time.sleep(0.01)
            decision = self.decision(unit_id, scanned_at)
            try:
                recorded = self.service.record(decision, claim_next=True)
            except DatabaseUnavailable as exc:
                self._went_offline(exc.message)
                self.keep(decision, exc.message)
                # The parcel is in hand: its other units are decided on the bench too, and sent later.
                for unit in auth.units:
                    if unit.outcome is None and unit.unit_id != unit_id:
                        self.keep(self.decision(unit.unit_id, utcnow()), "rest of the parcel, offline")
                self.reconnect_and_send()
                auth, unit_id = self.open(rma)
                continue
            except NothingToDecide as exc:  # decided elsewhere (a kept decision sent by another bench)
                self.counts["skipped"] += 1
                say("SKIPPED", rma, unit_id, first_line(exc.message))
                reopened += 1
                if reopened > 20:
                    say("ERROR", "reopen loop", rma)
                    self.counts["error"] += 1
                    return
                auth, unit_id = self.open(rma)
                continue
            except UnitClaimed as exc:
                self.counts["skipped"] += 1
                say("SKIPPED", rma, unit_id, first_line(exc.message))
                return
            except UserError as exc:
                self.counts["error"] += 1
                say("ERROR", "record", rma, unit_id, first_line(exc.message))
                return
            if recorded.already_written:  # a fresh uid cannot have been written before
                self.counts["error"] += 1
                say("ERROR", "fresh uid already written", decision.outcome_uid)
            self.counts["confirmed"] += 1
            say("CONFIRMED", decision.outcome_uid, unit_id)
            auth, unit_id = recorded.authorization, recorded.next_unit_id
            if unit_id is None and recorded.next_unit_message:
                self.counts["skipped"] += 1
                say("SKIPPED", rma, "-", first_line(recorded.next_unit_message))

    def run(self, rmas: list[str]) -> None:
        self.reconnect_and_send()  # a bench that comes back sends what it kept before it went down
        say("READY", os.getpid())
        for rma in rmas:
            self.inspect(rma)
        self.reconnect_and_send()
        assert self.journal.count() == 0
        self.service.store.dispose()
        c = self.counts
        say(
            "DONE",
            f"confirmed={c['confirmed']} kept={c['kept']} sent={c['sent']} elsewhere={c['elsewhere']} "
            f"skipped={c['skipped']} error={c['error']}",
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--bench", required=True)
    parser.add_argument("--inspector", required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--rmas", required=True, help="comma-separated RMA IDs, inspected in this order")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pause-ms", type=int, default=0, help="time an inspector takes per unit")
    parser.add_argument("--deadline-s", type=float, default=120.0)
    parser.add_argument("--retry-s", type=float, default=0.25, help="sleep between reconnection tries")
    parser.add_argument("--hold-file", default="", help="while this file exists, wait before confirming")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rmas = [r for r in args.rmas.split(",") if r]
    try:
        Driver(args).run(rmas)
    except GaveUp:
        say("GAVEUP", f"deadline of {args.deadline_s}s passed")
        return GAVE_UP
    return 0


if __name__ == "__main__":
    sys.exit(main())
