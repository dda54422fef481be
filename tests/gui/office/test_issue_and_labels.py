"""Seller-issued RMAs at the bench, and the unit label written after each decision."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pytestqt.qtbot import QtBot

from rmadesk.domain.people import open_actor
from rmadesk.domain.rma_ids import FULL_ALPHABET
from rmadesk.services.demo import create_demo_data
from rmadesk.services.issue import Issued, IssueRequest, issue_rma
from rmadesk.store.uow import Store
from rmadesk.ui.common import printing
from rmadesk.ui.office import issue_dialog
from rmadesk.ui.office.issue_dialog import IssuedDialog
from tests.actors import BOSS
from tests.gui.conftest import make_bench


def _decoded(path: Path) -> set[str]:
    return {b.text for b in zxingcpp.read_barcodes(Image.open(path))}


def test_an_issued_rma_is_inspected_and_its_unit_label_decodes(
    qtbot: QtBot, sqlite_store: Store, tmp_path: Path
) -> None:
    create_demo_data(sqlite_store, BOSS)  # the T-shirt's order was imported before the seller's RMA
    issued = issue_rma(
        sqlite_store,
        IssueRequest(
            order_id="114-3941689-8772232", sku="TSHIRT-BLU-L", quantity=1, reason="Late return, approved"
        ),
        actor=open_actor("Sam", "office"),
    )
    bench = make_bench(qtbot, sqlite_store, label_folder=str(tmp_path / "labels"))
    w = bench.window
    bench.scan(issued.rma_id, wait="card")
    assert w.session.auth is not None and w.session.auth.merchant_rma_id == issued.rma_id
    assert "T-shirt" in w.work_page.card.item.text()  # copied from the imported return of that order
    assert w.work_page.card.fields["price"].text() == "19.99 USD"
    assert w.work_page.card.fields["policy"].text().startswith("No")
    bench.scan("CMD-SELLABLE")
    with qtbot.waitSignal(w.label_written, timeout=10000) as blocker:
        bench.scan("CMD-CONFIRM", wait="recorded")
    label = Path(blocker.args[0])
    assert label.parent == tmp_path / "labels" and label.suffix == ".png"
    assert _decoded(label) == {f"{issued.rma_id}-1"}
    assert "Unit label saved" in w.statusBar().currentMessage()
    w.close()


def test_a_mistyped_seller_number_is_told_it_fails_the_check(qtbot: QtBot, sqlite_store: Store) -> None:
    issued = issue_rma(
        sqlite_store,
        IssueRequest(order_id="O-1", sku="S-1", quantity=1, reason="ok"),
        actor=open_actor("Sam", "b"),
    )
    bench = make_bench(qtbot, sqlite_store)
    position = 4
    wrong = next(c for c in FULL_ALPHABET if c != issued.rma_id[position])
    typo = issued.rma_id[:position] + wrong + issued.rma_id[position + 1 :]
    bench.scan(typo, wait="rejected")
    assert "check character" in bench.window.banner.text()
    assert "No return authorization" not in bench.window.banner.text()
    bench.window.close()


def test_issuing_from_the_bench_form(
    qtbot: QtBot, sqlite_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench = make_bench(qtbot, sqlite_store)
    shown: list[Issued] = []
    request = IssueRequest(
        order_id="111-5520987-3309846", sku="HEADSET-BT-BLK", quantity=2, reason="Goodwill", kind="RA"
    )
    monkeypatch.setattr(issue_dialog, "ask_issue", lambda parent: request)
    monkeypatch.setattr(issue_dialog, "show_issued", lambda parent, issued: shown.append(issued))
    with qtbot.waitSignal(bench.window.rma_issued, timeout=10000) as blocker:
        bench.window.actions.issue_rma()
    bench.window.runner.wait()
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    rma_id = blocker.args[0]
    assert rma_id.startswith("A") and shown[0].rma_id == rma_id and shown[0].kind == "RA"
    assert rma_id in bench.window.banner.text()
    bench.scan(rma_id, wait="card")
    assert bench.window.work_page.card.unit_badge.text() == "Unit 1 of 2"
    bench.window.close()


def test_the_issued_dialog_saves_the_slip(qtbot: QtBot, sqlite_store: Store, tmp_path: Path) -> None:
    issued = issue_rma(
        sqlite_store,
        IssueRequest(order_id="O-9", sku="S-9", quantity=1, reason="ok"),
        actor=open_actor("Sam", "b"),
    )
    dialog = IssuedDialog(issued)
    qtbot.addWidget(dialog)
    written = dialog.save_slip(tmp_path / "slip.png")
    assert written is not None and issued.rma_id in _decoded(written)
    assert "saved" in dialog.status.text()
    assert dialog.save_slip(tmp_path / "slip.docx") is None
    assert ".docx" in dialog.status.text() or "cannot" in dialog.status.text()


def test_zpl_labels_go_to_the_configured_device(qtbot: QtBot, sqlite_store: Store, tmp_path: Path) -> None:
    device = tmp_path / "zebra.zpl"
    bench = make_bench(qtbot, sqlite_store, label_printer=f"zpl:{device}")
    bench.scan("DkQxRtLmRRMA", wait="card")
    bench.scan("CMD-CARRIER-DAMAGED")
    with qtbot.waitSignal(bench.window.label_written, timeout=10000):
        bench.scan("CMD-CONFIRM", wait="recorded")
    zpl = device.read_text(encoding="utf-8")
    assert zpl.startswith("^XA") and zpl.rstrip().endswith("^XZ")
    assert "^FDDkQxRtLmRRMA-1^FS" in zpl
    bench.window.close()


def test_an_unknown_label_printer_is_a_message_not_a_crash(qtbot: QtBot, sqlite_store: Store) -> None:
    bench = make_bench(qtbot, sqlite_store, label_printer="No Such Zebra 9000")
    bench.scan("DkQxRtLmRRMA", wait="card")
    bench.scan("CMD-SELLABLE")
    with qtbot.waitSignal(bench.window.label_failed, timeout=10000) as blocker:
        bench.scan("CMD-CONFIRM", wait="recorded")
    assert "No Such Zebra 9000" in blocker.args[0]
    assert bench.window.state == "ready"  # the outcome is written all the same
    bench.window.close()


def test_printing_an_image_through_qt_produces_a_pdf(qtbot: QtBot, tmp_path: Path) -> None:
    image = tmp_path / "label.png"
    Image.new("L", (600, 300), 255).save(image)
    pdf = printing.print_image_to_pdf(image, tmp_path / "printed.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
