"""Sign-in with badge and PIN, roles at the bench, idle sign-out, and a supervisor's reversal."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from rmadesk.domain.people import open_actor
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService
from rmadesk.services.demo import create_demo_data
from rmadesk.services.people import add_user
from rmadesk.settings import Settings
from rmadesk.store.models import Outcome, OutcomeReversal
from rmadesk.store.uow import Store
from rmadesk.ui.bench.window import BenchWindow
from rmadesk.ui.common import dialogs
from rmadesk.ui.common.sounds import Sounds
from tests.actors import BOSS
from tests.gui.conftest import Bench


@pytest.fixture
def signed_bench(qtbot: QtBot, sqlite_store: Store, tmp_path: object) -> Bench:
    create_demo_data(sqlite_store, BOSS)
    boot = open_actor("setup", "office")
    add_user(sqlite_store, name="Root", role="admin", badge="B-ROOT", pin="9999", actor=boot)
    from rmadesk.services.people import sign_in

    admin = sign_in(sqlite_store, badge="B-ROOT", pin="9999", bench="office")
    add_user(sqlite_store, name="Ana", role="inspector", badge="B-ANA", pin="1111", actor=admin)
    add_user(sqlite_store, name="Sue", role="supervisor", badge="B-SUE", pin="2222", actor=admin)
    settings = Settings(bench="bench-1", sounds=False, label_folder=str(tmp_path))
    window = BenchWindow(
        BenchService(sqlite_store, load_policy(), settings),
        None,
        sign_in_required=True,
        sounds=Sounds(False),
        points=14,
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    bench = Bench(window, sqlite_store, qtbot)
    window.sounds.played.connect(bench.played.append)
    return bench


def sign_in_as(bench: Bench, badge: str, pin: str) -> None:
    w = bench.window
    bench.scan(badge, into_scan_field=True)
    assert w.sign_in_page.pin.isVisible()
    bench.qtbot.keyClicks(w.sign_in_page.pin, pin)  # fast, as a person never types: still a PIN, not a scan
    bench.qtbot.keyClick(w.sign_in_page.pin, Qt.Key.Key_Return)
    w.runner.wait()
    bench.qtbot.waitUntil(lambda: not w.runner.busy, timeout=5000)


def test_the_bench_opens_on_sign_in_and_refuses_scans_until_then(signed_bench: Bench) -> None:
    w = signed_bench.window
    assert w.state == "signed_out" and w.pages.currentWidget() is w.sign_in_page
    signed_bench.scan("CMD-SELLABLE", wait="rejected", into_scan_field=True)
    assert "Sign in first" in w.banner.text()
    sign_in_as(signed_bench, "B-ANA", "1111")
    assert w.state == "ready" and w.session.actor is not None and w.session.actor.name == "Ana"
    assert "Signed in: Ana (inspector)" in w.banner.text()
    assert "Ana" in w.windowTitle() and "inspector" in w.windowTitle()
    assert (
        not w.actions.act_import.isEnabled()
        and not w.actions.act_issue.isEnabled()
        and not w.actions.act_reverse.isEnabled()
    )
    signed_bench.scan("DkQxRtLmRRMA", wait="card", into_scan_field=True)
    signed_bench.scan("CMD-SELLABLE", into_scan_field=True)
    signed_bench.scan("CMD-CONFIRM", wait="recorded", into_scan_field=True)
    with signed_bench.store.read() as s:
        assert s.scalar(select(Outcome.inspector)) == "Ana"


def test_a_wrong_pin_is_refused_and_the_pin_never_lands_in_the_scan(signed_bench: Bench) -> None:
    w = signed_bench.window
    sign_in_as(signed_bench, "B-ANA", "0000")
    assert w.state == "signed_out" and "Wrong PIN" in w.banner.text() and "4 tries left" in w.banner.text()
    assert signed_bench.played[-1] == "reject"
    assert w.scan_field.text() == ""
    sign_in_as(signed_bench, "B-NOBODY", "1111")
    assert "not known" in w.banner.text()


def test_idle_benches_sign_out_and_give_the_unit_back(signed_bench: Bench) -> None:
    w = signed_bench.window
    sign_in_as(signed_bench, "B-ANA", "1111")
    signed_bench.scan("DpHwNcVbRRMA", wait="card", into_scan_field=True)
    with signed_bench.qtbot.waitSignal(w.signed_out, timeout=5000):
        w.actions.on_idle()  # the idle timer's minutes, run now
    w.runner.wait()
    signed_bench.qtbot.waitUntil(lambda: not w.runner.busy, timeout=5000)
    assert w.state == "signed_out" and "idle" in w.banner.text() and "left undecided" in w.banner.text()
    from rmadesk.store.models import Unit

    with signed_bench.store.read() as s:
        assert s.scalar(select(func.count()).select_from(Unit).where(Unit.claimed_by.is_not(None))) == 0


def test_a_supervisor_reverses_an_outcome_from_the_bench(
    signed_bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = signed_bench.window
    sign_in_as(signed_bench, "B-ANA", "1111")
    signed_bench.scan("DkQxRtLmRRMA", wait="card", into_scan_field=True)
    signed_bench.scan("CMD-SELLABLE", into_scan_field=True)
    signed_bench.scan("CMD-CONFIRM", wait="recorded", into_scan_field=True)
    signed_bench.key(Qt.Key.Key_F8)  # disabled for an inspector: nothing happens
    assert "Recorded" in w.banner.text()
    w.actions.reverse_outcome()  # and asked for all the same, it says no
    assert "Only a supervisor" in w.banner.text()
    w.sign_out("Signed out.")
    sign_in_as(signed_bench, "B-SUE", "2222")
    assert w.actions.act_reverse.isEnabled() and w.actions.act_import.isEnabled()
    signed_bench.scan("DkQxRtLmRRMA", wait="rejected", into_scan_field=True)  # all decided: outcomes shown
    asked: list[str] = []

    def answer(parent: object, display_id: str, decided: list) -> tuple[str, str]:
        asked.append(display_id)
        return decided[0][1].outcome_uid, "Hidden stain found on restock"

    monkeypatch.setattr(dialogs, "ask_reversal", answer)
    with signed_bench.qtbot.waitSignal(w.card_shown, timeout=5000):
        signed_bench.key(Qt.Key.Key_F8)
    assert asked == ["DkQxRtLmRRMA"]
    assert (
        w.state == "inspecting" and w.session.unit is not None and w.session.unit.seq == 1
    )  # to inspect anew
    with signed_bench.store.read() as s:
        reversal = s.scalar(select(OutcomeReversal))
        assert reversal is not None and reversal.reversed_by == "Sue" and "stain" in reversal.reason
