"""The one CSV writer: text that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import csv
import io

import pytest

from rmadesk.formats.csv_out import CsvWriter, safe_cell


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x.example","click")', '\'=HYPERLINK("http://x.example","click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-5.00", "-5.00"),  # a number stays a number
        ("+3", "+3"),
        ("-1,234.50", "-1,234.50"),
        ("Crew Tee, Black, M", "Crew Tee, Black, M"),
        ("a=b", "a=b"),
        ("", ""),
        (12, 12),
    ],
)
def test_safe_cell(cell: object, written: object) -> None:
    assert safe_cell(cell) == written


def test_the_writer_neutralizes_every_cell_and_keeps_csv_quoting() -> None:
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["sku", "amount"])
    writer.writerows([["=1+1", "-5.00"], ['say "hi", then', "3"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["sku", "amount"],
        ["'=1+1", "-5.00"],
        ['say "hi", then', "3"],
    ]
