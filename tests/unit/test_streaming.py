"""A report file is read as it streams: the same lines, rows and problems as in memory, a block at a time."""

from __future__ import annotations

import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest

from rmadesk.formats import spec, tsv
from rmadesk.formats.amazon import mfn_returns
from rmadesk.formats.amazon.registry import ParsedReport, read_report
from rmadesk.formats.tsv import bytes_opener, decode_lines, decode_report
from tests.integration.test_import_fba import PAID_HEADER, paid
from tests.integration.test_marketplaces import write
from tests.perf.mfn_generator import write_mfn_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
TEXT_FIXTURES = sorted(path.name for path in FIXTURES.glob("*.txt") if path.name not in ("empty.txt",)) + [
    "mfn_returns.csv"
]
MIXED = (
    b"Order ID\tItem Name\n"
    + "1\tCafé Mug\n".encode()
    + "2\tCrème brûlée torch\r\n".encode("cp1252")
    + b"3\tplain\r4\tlast"
)


def split_lines(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


@pytest.mark.parametrize("name", TEXT_FIXTURES)
def test_streamed_lines_are_the_lines_of_the_decoded_text(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    text, encoding = decode_report(data)
    streamed_encoding, lines = decode_lines(bytes_opener(data))
    assert streamed_encoding == encoding
    assert list(lines()) == split_lines(text)


def test_a_file_of_utf8_and_code_page_lines_streams_each_line_in_its_own_encoding() -> None:
    encoding, lines = decode_lines(bytes_opener(MIXED))
    assert encoding == "utf-8 + cp1252"
    assert list(lines()) == [
        "Order ID\tItem Name",
        "1\tCafé Mug",
        "2\tCrème brûlée torch",
        "3\tplain",
        "4\tlast",
    ]


def test_a_large_code_page_file_is_told_from_its_lines_outside_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FIXTURES / "mfn_returns_cp1252.txt").read_bytes()
    monkeypatch.setattr(tsv, "WHOLE_LEGACY_BYTES", 16)
    encoding, lines = decode_lines(bytes_opener(data))
    assert encoding == "cp1252"
    assert list(lines()) == split_lines(data.decode("cp1252"))


def paid_report(path: Path, *amounts: str) -> Path:
    """A reimbursements report of one row per amount (each row's per-unit amount and total)."""
    rows = [
        paid(reimbursement_id=f"59000000{n:02d}", amount_per_unit=amount, amount_total=amount)
        for n, amount in enumerate(amounts, start=1)
    ]
    return write(path, PAID_HEADER, [[row[c] for c in PAID_HEADER] for row in rows])


def comparable(report: ParsedReport) -> tuple[object, ...]:
    return (report.kind, report.encoding, report.rows, report.problems, report.duplicates, report.total_lines)


def test_a_report_read_in_blocks_is_the_report_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mfn.txt"
    write_mfn_report(path, 40)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0], lines[1:]
    # Repeats of earlier rows far below (two downloads pasted together), a refused row, a short row.
    repeated = [row.replace("Approved", "Closed") for row in rows[:5]]
    broken = rows[6].split("\t")
    broken[17] = "many"  # Return quantity
    short = "\t".join(rows[7].split("\t")[:25])
    body = [*rows, "\t".join(broken), short, *repeated]
    path.write_text("\n".join([header, *body]) + "\n", encoding="utf-8")
    whole = read_report(path)
    monkeypatch.setattr(spec, "BLOCK_ROWS", 3)
    in_blocks = read_report(path)
    assert comparable(in_blocks) == comparable(whole)
    assert whole.duplicates >= 5 and whole.problems and whole.total_lines == len(body)


def test_how_amounts_are_written_is_told_by_the_whole_column_not_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1.234 alone could be a thousand and more or a decimal; a later 1141,18 says commas are decimals."""
    monkeypatch.setattr(spec, "BLOCK_ROWS", 1)
    report = read_report(paid_report(tmp_path / "de.txt", "1.234", "1141,18"))
    assert report.problems == ()
    assert sorted(row.amount_total for row in report.rows) == [Decimal("1141.18"), Decimal("1234")]


def test_reading_a_file_holds_a_block_of_raw_cells_not_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond the rows it keeps, reading needs less memory than the file's size: it never holds the
    file's bytes, its text or all of its cells at once."""
    path = tmp_path / "mfn.txt"
    write_mfn_report(path, 20_000)
    size = path.stat().st_size
    monkeypatch.setattr(spec, "BLOCK_ROWS", 250)
    tracemalloc.start()
    try:
        report = read_report(path)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(report.rows) == 20_000
    assert peak - kept < size, (peak - kept, size)


def test_a_decimal_point_in_the_first_block_tells_the_later_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """49.90 says points are decimals, so a later block's 1.234 is one and a quarter, not ambiguous."""
    monkeypatch.setattr(spec, "BLOCK_ROWS", 1)
    report = read_report(paid_report(tmp_path / "us.txt", "49.90", "1.234"))
    assert report.problems == ()
    assert sorted(row.amount_total for row in report.rows) == [Decimal("1.234"), Decimal("49.90")]


def streamed_rows(path: Path) -> tuple[spec.RowsRead, int]:
    """The seller-fulfilled report at path read as it streams, and how often it was read again."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    rereads: list[int] = []

    def again() -> tsv.Table:
        rereads.append(1)
        table = tsv.stream_table(iter(lines))
        assert table is not None
        return table

    table = tsv.stream_table(iter(lines))
    assert table is not None
    return spec.read_rows(mfn_returns.SPEC, table, reread=again), len(rereads)


def test_an_amount_column_of_whole_numbers_and_empty_cells_reads_the_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column that shows no point or comma (say SafeT amounts nobody filled in) reads alike under
    both conventions: telling which is no reason to read the whole file twice."""
    path = tmp_path / "mfn.txt"
    write_mfn_report(path, 30)
    whole, _rereads = streamed_rows(path)
    monkeypatch.setattr(spec, "BLOCK_ROWS", 4)
    in_blocks, rereads = streamed_rows(path)
    assert (in_blocks.rows, in_blocks.problems) == (whole.rows, whole.problems)
    assert rereads == 0
    # One SafeT amount written with a decimal comma, in the last block: that column's cells are then
    # all read to tell its convention, which takes a second reading of the file.
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    last = lines[-1].split("\t")
    last[30] = "12,50"  # SafeT claim reimbursement amount
    path.write_text("\n".join([*lines[:-1], "\t".join(last)]) + "\n", encoding="utf-8")
    comma, rereads = streamed_rows(path)
    assert rereads == 1
    assert [row.safet_amount for row in comma.rows if row.safet_amount is not None] == [Decimal("12.50")]


def test_a_later_block_that_tells_the_convention_tells_it_for_every_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks of whole numbers first, then 1.234 (a thousand, or one and a quarter?), then 1141,18:
    the whole column says commas are decimals, so 1.234 is a thousand and more."""
    monkeypatch.setattr(spec, "BLOCK_ROWS", 1)
    report = read_report(paid_report(tmp_path / "de.txt", "12", "7", "1.234", "1141,18"))
    assert report.problems == ()
    assert sorted(row.amount_total for row in report.rows) == [
        Decimal("7"),
        Decimal("12"),
        Decimal("1141.18"),
        Decimal("1234"),
    ]
