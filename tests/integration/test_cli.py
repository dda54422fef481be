"""The command line, in-process with capsys and through the installed entry points."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rmadesk.cli import main
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.context import open_store
from rmadesk.services.demo import DEMO_RETURNS, create_demo_data
from rmadesk.settings import Settings
from rmadesk.store.models import AuditEvent, Authorization, ImportBatch, Outcome, Unit
from rmadesk.store.schema import head_revision
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.conftest import FullDisk, migrate
from tests.integration.test_import import ALL, HEADSET, KETTLE, TEE, write_report

DEMO_IDS = ["DkQxRtLmRRMA", "DpHwNcVbRRMA", "DsGtYuJkRRMA", "DzMbQeWfRRMA", "DaLpKsOiRRMA"]
EXPORT_HEADER = (
    "rma_id,order_id,sku,unit,disposition,restocked,location,"
    "reimbursement,currency,inspector,bench,decided_at"
)
UNREACHABLE_PG = "postgresql+psycopg://nobody@127.0.0.1:1/none"
RMADESK = Path(sys.executable).with_name("rmadesk")


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the default database and settings file of the CLI inside tmp_path, never in the real home."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("RMADESK_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return home


def default_db(home: Path) -> Path:
    return home / "data" / "rmadesk" / "rmadesk.sqlite3"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def count(url: str, model: type) -> int:
    store = open_store(url)
    try:
        with store.read() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        store.dispose()


def no_traceback(text: str) -> None:
    assert "Traceback" not in text
    assert not re.search(r"\b\w+(Error|Exception):", text.replace("rmadesk:", "")), text


# --- demo --------------------------------------------------------------------------------------------


def test_demo_writes_data_and_sheet(capsys, store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.pdf"
    code, out, err = run(capsys, "demo", "--db", store.url, "--sheet", str(sheet))
    assert code == 0, err
    assert "5 authorizations added, 0 already there" in out
    listed = re.findall(r"^\s+(D[A-Za-z]{7}RRMA)$", out, flags=re.M)
    assert listed == DEMO_IDS
    assert f"Barcode sheet: {sheet}" in out
    assert sheet.is_file() and sheet.read_bytes().startswith(b"%PDF")
    assert sheet.stat().st_size > 1000
    with store.read() as session:
        assert sorted(session.scalars(select(Authorization.rma_id))) == sorted(DEMO_IDS)
        assert session.scalar(select(func.count()).select_from(Unit)) == sum(d.quantity for d in DEMO_RETURNS)

    code, out, err = run(capsys, "demo", "--db", store.url, "--sheet", str(sheet))
    assert code == 0, err
    assert "0 authorizations added, 5 already there" in out
    assert re.findall(r"^\s+(D[A-Za-z]{7}RRMA)$", out, flags=re.M) == DEMO_IDS
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Authorization)) == 5


def test_demo_sheet_unwritable_is_a_clear_error(capsys, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    code, out, err = run(capsys, "demo", "--db", url, "--sheet", str(blocker / "sheet.pdf"))
    assert code == 2
    assert "cannot be written" in err
    no_traceback(err)


def test_database_url_from_environment(capsys, monkeypatch, tmp_path: Path, private_home: Path) -> None:
    url = f"sqlite:///{tmp_path}/from-env.sqlite3"
    monkeypatch.setenv("RMADESK_DATABASE_URL", url)
    code, out, err = run(capsys, "demo", "--sheet", str(tmp_path / "sheet.pdf"))
    assert code == 0, err
    assert "from-env.sqlite3" in out
    assert (tmp_path / "from-env.sqlite3").is_file()
    assert count(url, Authorization) == 5
    assert not default_db(private_home).exists()
    # --db wins over the environment.
    other = f"sqlite:///{tmp_path}/from-option.sqlite3"
    code, out, err = run(capsys, "export", "--db", other, "outcomes")
    assert code == 0, err
    assert (tmp_path / "from-option.sqlite3").is_file()
    assert count(other, Authorization) == 0


def test_db_option_before_the_subcommand_is_used(capsys, tmp_path: Path, private_home: Path) -> None:
    """`rmadesk --db URL demo`: the global --db must not be dropped in favour of the default database."""
    url = f"sqlite:///{tmp_path}/given.sqlite3"
    code, out, err = run(capsys, "--db", url, "--bench", "b7", "demo", "--sheet", str(tmp_path / "s.pdf"))
    assert code == 0, err
    assert not default_db(private_home).exists(), "the demo went into the default database, not --db"
    assert "given.sqlite3" in out
    assert count(url, Authorization) == 5


# --- export ------------------------------------------------------------------------------------------


def test_export_outcomes(capsys, store: Store, tmp_path: Path) -> None:
    code, out, err = run(capsys, "demo", "--db", store.url, "--sheet", str(tmp_path / "sheet.pdf"))
    assert code == 0, err
    code, out, err = run(capsys, "export", "outcomes", "--db", store.url)
    assert code == 0, err
    assert out == EXPORT_HEADER + "\n"

    bench = BenchService(store, load_policy(), Settings(bench="b1"))
    decided = [
        ("DkQxRtLmRRMA", Disposition.CARRIER_DAMAGED, "23.99"),
        ("DpHwNcVbRRMA", Disposition.SELLABLE, "0.00"),
        ("DpHwNcVbRRMA", Disposition.SELLER_FAULT, "6.00"),
        ("DsGtYuJkRRMA", Disposition.SELLABLE, "1.44"),
    ]
    before = datetime.now(UTC).replace(microsecond=0)
    for rma_id, disposition, _ in decided:
        unit = bench.lookup(rma_id).next_undecided
        assert unit is not None
        bench.record(Decision(new_outcome_uid(), unit.unit_id, disposition, inspector="Ana", bench="b1"))
    after = datetime.now(UTC)

    code, out, err = run(capsys, "export", "outcomes", "--db", store.url)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == EXPORT_HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4
    got = sorted((r["rma_id"], r["unit"], r["disposition"], r["reimbursement"]) for r in rows)
    assert got == [
        ("DkQxRtLmRRMA", "1", "carrier_damaged", "23.99"),
        ("DpHwNcVbRRMA", "1", "sellable", "0.00"),
        ("DpHwNcVbRRMA", "2", "seller_fault", "6.00"),
        ("DsGtYuJkRRMA", "1", "sellable", "1.44"),
    ]
    locations = {
        "sellable": "RETURNS-RESTOCK",
        "carrier_damaged": "DAMAGED-CLAIM",
        "seller_fault": "UNSELLABLE",
    }
    for r in rows:
        assert r["disposition"] in locations
        assert r["restocked"] == ("1" if r["disposition"] == "sellable" else "0")
        assert r["location"] == locations[r["disposition"]]
        assert re.fullmatch(r"\d+\.\d{2}", r["reimbursement"])
        assert (r["currency"], r["inspector"], r["bench"]) == ("USD", "Ana", "b1")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", r["decided_at"])
        moment = datetime.fromisoformat(r["decided_at"])
        assert moment.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= moment <= after + timedelta(seconds=1)
    assert {r["order_id"] for r in rows if r["rma_id"] == "DpHwNcVbRRMA"} == {"113-2076551-4410617"}
    assert {r["sku"] for r in rows if r["rma_id"] == "DsGtYuJkRRMA"} == {"BOOK-HOBBIT-HC"}
    assert [r["decided_at"] for r in rows] == sorted(r["decided_at"] for r in rows)  # oldest first


def test_export_from_unreachable_database(capsys) -> None:
    code, out, err = run(capsys, "export", "outcomes", "--db", UNREACHABLE_PG)
    assert code == 2
    assert out == ""
    assert err.startswith("rmadesk: ")
    assert "cannot" in err
    no_traceback(err)


def test_global_db_option_unreachable_database(capsys, private_home: Path) -> None:
    code, out, err = run(capsys, "--db", UNREACHABLE_PG, "export", "outcomes")
    assert code == 2, f"exit {code}; out={out!r}"
    assert "cannot" in err
    no_traceback(err)
    assert not default_db(private_home).exists()


def test_sqlite_database_under_a_file(capsys, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, out, err = run(capsys, "export", "outcomes", "--db", f"sqlite:///{blocker}/bench.sqlite3")
    assert code == 2
    assert "cannot" in err
    no_traceback(err)


# --- import ------------------------------------------------------------------------------------------


def test_import_prints_summary_and_rejected_lines(capsys, store: Store, tmp_path: Path) -> None:
    rows = [
        TEE,
        {**KETTLE, "Return quantity": "two"},
        HEADSET,
        {**ALL[2], "Return request date": "31-13-2026"},
    ]
    path = write_report(tmp_path / "returns.txt", rows)
    code, out, err = run(capsys, "import", str(path), "--db", store.url, "--user", "maria", "--bench", "b4")
    assert code == 1, err  # some rows rejected
    assert "returns.txt: seller-fulfilled returns report, 4 rows" in out
    assert "2 added, 0 updated, 0 unchanged" in out
    assert "2 rejected" in out
    problems = err.strip().splitlines()
    assert len(problems) == 2
    assert problems[0].strip().startswith("line 3:") and "'two'" in problems[0]
    assert problems[1].strip().startswith("line 5:") and "31-13-2026" in problems[1]
    with store.read() as session:
        assert sorted(session.scalars(select(Authorization.auth_key))) == ["DkQxRtLmRRMA", "M7K2Q9X4"]
        batch = session.scalars(select(ImportBatch)).one()
    assert (batch.actor, batch.bench, batch.rows_added, batch.rows_rejected) == ("maria", "b4", 2, 2)

    closed = {**TEE, "Return request status": "Closed"}
    path2 = write_report(tmp_path / "returns2.txt", [closed, HEADSET])
    code, out, err = run(capsys, "import", str(path2), "--db", store.url)
    assert code == 0, err
    assert "0 added, 1 updated, 1 unchanged" in out
    assert "note:" in out and "Closed" in out
    assert err == ""


def test_an_import_that_rejects_every_row_exits_2_and_says_nothing_was_imported(
    capsys, store: Store, tmp_path: Path
) -> None:
    path = write_report(
        tmp_path / "bad.txt", [{**TEE, "Return quantity": "two"}, {**KETTLE, "Merchant SKU": ""}]
    )
    code, out, err = run(capsys, "import", str(path), "--db", store.url)
    assert code == 2
    assert "0 added, 0 updated, 0 unchanged; 2 rejected; nothing imported;" in out
    assert len(err.strip().splitlines()) == 2
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Authorization)) == 0


def test_import_not_a_report(capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    path = tmp_path / "returns.csv"
    path.write_text(
        "Order ID,Amazon RMA ID,Merchant SKU,Return quantity\n114-3941689-8772232,DkQxRtLmRRMA,X,1\n"
    )
    code, out, err = run(capsys, "import", str(path), "--db", url)
    assert code == 2
    assert err.startswith("rmadesk: ") and "tab-separated" in err
    no_traceback(err)
    assert count(url, Authorization) == 0
    assert count(url, ImportBatch) == 0


def test_import_missing_file(capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    missing = tmp_path / "nowhere" / "returns.txt"
    code, out, err = run(capsys, "import", str(missing), "--db", url)
    assert code == 2
    assert "no file" in err and str(missing) in err
    no_traceback(err)


# --- db and policy -----------------------------------------------------------------------------------


def test_db_status_and_upgrade(capsys, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.sqlite3"
    head = head_revision()
    code, out, err = run(capsys, "db", "status", "--db", url)
    assert code == 0, err
    assert f"schema (empty); this RMA Desk: {head}" in out
    code, out, err = run(capsys, "db", "upgrade", "--db", url)
    assert code == 0, err
    assert f"schema created (revision {head})" in out
    code, out, err = run(capsys, "db", "status", "--db", url)
    assert f"schema {head}; this RMA Desk: {head}" in out
    code, out, err = run(capsys, "db", "upgrade", "--db", url)
    assert code == 0 and f"schema current (revision {head})" in out


def test_db_status_on_postgresql(capsys, pg_store: Store) -> None:
    code, out, err = run(capsys, "db", "status", "--db", pg_store.url)
    assert code == 0, err
    head = head_revision()
    assert f"schema {head}; this RMA Desk: {head}" in out


def test_db_upgrade_refuses_a_newer_schema(capsys, sqlite_store: Store) -> None:
    with sqlite_store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff9999'")
    code, out, err = run(capsys, "db", "upgrade", "--db", sqlite_store.url)
    assert code == 2
    assert "newer RMA Desk" in err
    no_traceback(err)


def test_policy_list(capsys) -> None:
    code, out, err = run(capsys, "policy", "list")
    assert code == 0, err
    assert out.split() == ["default", "marketplace"]


def test_policy_check_valid(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "policy", "check", "default")
    assert code == 0, err
    assert "valid policy 'default'" in out and "USD" in out
    copy = tmp_path / "mine.toml"
    copy.write_bytes((resources.files("rmadesk.resources") / "policies" / "default.toml").read_bytes())
    code, out, err = run(capsys, "policy", "check", str(copy))
    assert code == 0, err
    assert "valid policy" in out


def test_policy_check_broken(capsys, tmp_path: Path) -> None:
    text = (resources.files("rmadesk.resources") / "policies" / "default.toml").read_text("utf-8")
    assert 'referral_rate = "0.15"' in text
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace('referral_rate = "0.15"', "referral_rate = 0.15", 1), encoding="utf-8")
    code, out, err = run(capsys, "policy", "check", str(broken))
    assert code == 2
    assert "markets.USD.referral_rate" in err
    assert '"0.15"' in err
    no_traceback(err)


# --- the installed entry points ----------------------------------------------------------------------


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "RMADESK_DATABASE_URL"}
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / "data")
    env["XDG_CONFIG_HOME"] = str(tmp_path / "home" / "config")
    return env


def test_console_script_demo_and_export(tmp_path: Path) -> None:
    assert RMADESK.is_file()
    url = f"sqlite:///{tmp_path}/sub.sqlite3"
    sheet = tmp_path / "sheet.pdf"
    done = subprocess.run(
        [str(RMADESK), "demo", "--db", url, "--sheet", str(sheet)],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert re.findall(r"^\s+(D[A-Za-z]{7}RRMA)$", done.stdout, flags=re.M) == DEMO_IDS
    assert sheet.read_bytes().startswith(b"%PDF")

    done = subprocess.run(
        [str(RMADESK), "export", "outcomes", "--db", url],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == EXPORT_HEADER + "\n"


def test_python_m_rmadesk(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rmadesk", "policy", "list"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["default", "marketplace"]

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "rmadesk",
            "import",
            str(tmp_path / "missing.txt"),
            "--db",
            f"sqlite:///{tmp_path}/x",
        ],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 2
    assert "no file" in done.stderr
    assert "Traceback" not in done.stderr


def test_console_script_unreachable_database(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(RMADESK), "export", "outcomes", "--db", UNREACHABLE_PG],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=60,
    )
    assert done.returncode == 2
    assert "cannot" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_outcome_rows_in_database_match_export(capsys, sqlite_store: Store, tmp_path: Path) -> None:
    """The export reads outcomes of the current attempt only: a row per decided unit, no more."""
    run(capsys, "demo", "--db", sqlite_store.url, "--sheet", str(tmp_path / "s.pdf"))
    bench = BenchService(sqlite_store, load_policy(), Settings(bench="b1"))
    auth = bench.lookup("DaLpKsOiRRMA")
    for unit in auth.units:
        bench.record(Decision(new_outcome_uid(), unit.unit_id, Disposition.CARRIER_DAMAGED, "Ana", "b1"))
    code, out, err = run(capsys, "export", "outcomes", "--db", sqlite_store.url)
    rows = list(csv.DictReader(io.StringIO(out)))
    with sqlite_store.read() as session:
        total = session.scalar(select(func.sum(Outcome.reimbursement_total)))
    assert [r["unit"] for r in rows] == ["1", "2", "3"]
    assert sum(Decimal(r["reimbursement"]) for r in rows) == total == Decimal("46.77")


def test_db_upgrade_from_an_older_release_keeps_the_data(capsys, tmp_path: Path) -> None:
    """An install of a newer RMA Desk over an older one: the older schema is upgraded, nothing lost."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from rmadesk.services.context import open_store

    url = f"sqlite:///{tmp_path}/older.sqlite3"
    store = open_store(url)
    ids, added = create_demo_data(store, BOSS)
    store.dispose()
    engine = create_engine(url)
    migrate(engine, command.downgrade, "0005")  # the schema an older release left behind
    engine.dispose()
    code, out, err = run(capsys, "db", "status", "--db", url)
    assert "schema 0005" in out, out + err
    code, out, err = run(capsys, "db", "upgrade", "--db", url)
    assert code == 0, err
    assert f"schema upgraded (revision {head_revision()})" in out
    engine = create_engine(url)
    with engine.connect() as conn:
        kept = (
            conn.execute(text("SELECT auth_key FROM return_authorization ORDER BY auth_key")).scalars().all()
        )
    engine.dispose()
    assert sorted(kept) == sorted(ids) and added == len(ids)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["--user", "u" * 100],
            "The name “uuuuuuuuuuuuuuuuuuuuuuuuuuu…” is 100 characters long; at most 80 fit.",
        ),
        (["--bench", "b" * 70], "is 70 characters long; at most 64 fit."),
    ],
)
def test_a_name_longer_than_its_column_is_refused_alike_on_both_databases(
    capsys, store: Store, tmp_path: Path, argv: list[str], said: str
) -> None:
    path = write_report(tmp_path / "returns.txt", [TEE])
    code, out, err = run(capsys, "import", str(path), "--db", store.url, *argv)
    assert code == 2 and said in err and "Traceback" not in err
    assert count(store.url, Authorization) == 0


def test_an_issued_rma_with_an_order_id_longer_than_its_column_is_refused(capsys, store: Store) -> None:
    code, out, err = run(
        capsys,
        "issue",
        "--db",
        store.url,
        "--order",
        "ß" * 64 + "x",
        "--sku",
        "S",
        "--qty",
        "1",
        "--reason",
        "ok",
    )
    assert code == 2 and "The order ID" in err and "is 65 characters long; at most 64 fit." in err
    assert count(store.url, Authorization) == 0


def test_a_full_disk_is_called_a_full_disk(tmp_path: Path, full_disk: FullDisk) -> None:
    """SQLite says "disk I/O error" and Python "No space left on device": the person reads that the
    disk is full, whether the database, a report or the exported CSV is on it."""
    on_disk = f"sqlite:///{full_disk.folder}/bench.sqlite3"
    elsewhere = f"sqlite:///{tmp_path}/bench.sqlite3"

    def rmadesk(db: str, *args: str, stdout: Path | None = None) -> subprocess.CompletedProcess[str]:
        out = stdout.open("w") if stdout is not None else subprocess.PIPE
        try:
            return subprocess.run(
                [sys.executable, "-m", "rmadesk", "--db", db, *args],
                stdout=out,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
        finally:
            if stdout is not None:
                out.close()  # type: ignore[union-attr]

    assert rmadesk(on_disk, "demo", "--sheet", str(tmp_path / "sheet.png")).returncode == 0
    assert rmadesk(elsewhere, "demo", "--sheet", str(tmp_path / "sheet.png")).returncode == 0
    full_disk.fill()
    opened = rmadesk(on_disk, "export", "outcomes")
    assert opened.returncode == 2 and "the disk is full" in opened.stderr, opened.stderr
    exported = rmadesk(elsewhere, "export", "outcomes", stdout=full_disk.folder / "out.csv")
    assert exported.returncode == 2 and "the disk is full" in exported.stderr, exported.stderr
    assert "Traceback" not in exported.stderr
    pdf = rmadesk(elsewhere, "summary", "--format", "pdf", "--out", str(full_disk.folder / "s.pdf"))
    assert pdf.returncode == 2 and "the disk is full" in pdf.stderr, pdf.stderr


def test_long_text_a_report_may_hold_is_stored_alike_on_both_databases(
    capsys, store: Store, tmp_path: Path
) -> None:
    """An order ID of 64 "ß" (its upper case, 128 letters, is never stored) and a 230-character file
    name: imported on PostgreSQL as on SQLite, the audit naming the file in full."""
    path = write_report(tmp_path / ("r" * 226 + ".txt"), [{**TEE, "Order ID": "ß" * 64}])
    code, out, err = run(capsys, "import", str(path), "--db", store.url)
    assert code == 0 and "1 added" in out, err
    with store.read() as session:
        assert session.scalar(select(Authorization.order_id)) == "ß" * 64
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert len(event.entity_key) == 200 and event.entity_key.endswith("…")
    assert json.loads(event.after or "{}")["file"] == path.name
