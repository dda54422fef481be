"""Tests for rmadesk.formats: decoding, tab-separated tables, dates, money and Amazon's three reports."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rmadesk.domain.errors import NotAReport, UserError
from rmadesk.formats.amazon.fba_reimbursements import FbaReimbursement
from rmadesk.formats.amazon.fba_returns import FbaReturn
from rmadesk.formats.amazon.mfn_returns import MfnReturn
from rmadesk.formats.amazon.registry import ParsedReport, ReportKind, read_report
from rmadesk.formats.cells import parse_date, parse_money, parse_whole_number, parse_yes_no
from rmadesk.formats.spec import RowProblem
from rmadesk.formats.tsv import decode_report, normalize_header, read_table

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "reports"


def read_fixture(name: str) -> ParsedReport:
    return read_report((FIXTURES / name).read_bytes())


def rows_by_line(report: ParsedReport) -> dict[int, MfnReturn | FbaReturn | FbaReimbursement]:
    return {row.line: row for row in report.rows}


def refusal(data: bytes) -> str:
    with pytest.raises(NotAReport) as caught:
        read_report(data)
    return str(caught.value)


# decode_report


def test_utf8_bom_is_removed_and_named() -> None:
    text, encoding = decode_report((FIXTURES / "mfn_returns_utf8_bom_crlf.txt").read_bytes())
    assert encoding == "utf-8-sig"
    assert text.startswith("Order ID\tOrder date\t")


def test_windows_1252_file_keeps_accents_and_dashes() -> None:
    text, encoding = decode_report((FIXTURES / "mfn_returns_cp1252.txt").read_bytes())
    assert encoding == "cp1252"
    assert "Café Mug – 12 oz" in text
    assert "Crème brûlée torch" in text


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("mfn_returns_utf16le_bom.txt", "utf-16-le"), ("mfn_returns_utf16le_no_bom.txt", "utf-16-le")],
)
def test_utf16_files_are_recognized_with_or_without_bom(name: str, encoding: str) -> None:
    text, found = decode_report((FIXTURES / name).read_bytes())
    assert found == encoding
    assert text.startswith("Order ID\t")
    assert "Café Mug" in text


def test_a_truncated_utf16_file_without_bom_is_still_read() -> None:
    data = "Order ID\tMerchant SKU\r\n114-1\tS\r\n".encode("utf-16-le") + b"\x41"
    text, encoding = decode_report(data)
    assert encoding == "utf-16-le"
    assert text.startswith("Order ID\tMerchant SKU\r\n114-1\tS\r\n")


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"\xfe\xff" + "Caf\u00e9\tx".encode("utf-16-be"), "Caf\u00e9\tx", "utf-16-be"),
        ("Order ID\tMerchant SKU\r\n".encode("utf-16-be"), "Order ID\tMerchant SKU\r\n", "utf-16-be"),
        ("Caf\u00e9 \u20ac5".encode(), "Caf\u00e9 \u20ac5", "utf-8"),
        (b"plain ascii", "plain ascii", "utf-8"),
        (b"Caf\xe9 \x80 5", "Caf\u00e9 \u20ac 5", "cp1252"),
        # Shift_JIS as Windows writes it, from amazon.co.jp: not Latin-1 mojibake.
        (
            "商品名\tニットセーター 黒 Mサイズ\n".encode("cp932"),
            "商品名\tニットセーター 黒 Mサイズ\n",
            "cp932",
        ),
        ("Artikel\tSchöne Grüße, Größe M\n".encode("cp1252"), "Artikel\tSchöne Grüße, Größe M\n", "cp1252"),
        ("المنتج\tقميص أسود\n".encode("cp1256"), "المنتج\tقميص أسود\n", "cp1256"),
    ],
)
def test_decode_report_picks_the_encoding(data: bytes, text: str, encoding: str) -> None:
    assert decode_report(data) == (text, encoding)


# read_table


def test_table_line_numbers_count_physical_lines_across_mixed_line_endings() -> None:
    table = read_table("h1\th2\r\na\tb\r\n\r\nc\td\re\tf\n\n   \n\t\t\ng\th\n\n")
    assert table is not None
    assert table.header == ("h1", "h2")
    assert table.header_line == 1
    assert [(line, fields) for line, fields in table.rows] == [
        (2, ("a", "b")),
        (4, ("c", "d")),
        (5, ("e", "f")),
        (9, ("g", "h")),
    ]


def test_table_starts_at_the_first_non_blank_line() -> None:
    table = read_table("\n\nh1\th2\nx\ty\n")
    assert table is not None
    assert table.header_line == 3
    assert table.rows == [(4, ("x", "y"))]


def test_quoted_fields_may_hold_tabs_quotes_and_newlines() -> None:
    table = read_table('h1\th2\th3\n"a\tb"\t"say ""hi"""\t"two\nlines"\nnext\trow\there\n')
    assert table is not None
    assert table.rows == [(2, ("a\tb", 'say "hi"', "two\nlines")), (4, ("next", "row", "here"))]


def test_a_quote_that_never_closes_does_not_swallow_the_rest_of_the_file() -> None:
    body = "".join(f"r{number}\tv{number}\n" for number in range(3, 40))
    table = read_table('h1\th2\n"12 inch\truler\n' + body)
    assert table is not None
    assert table.rows[0] == (2, ('"12 inch', "ruler"))
    assert table.rows[1] == (3, ("r3", "v3"))
    assert len(table.rows) == 38


def test_a_quote_closing_far_below_is_not_taken_as_one_field() -> None:
    # Twenty-odd lines later a stray quote would close the first one and make a plausible two-column row.
    body = "".join(f"r{number}\tv{number}\n" for number in range(3, 33))
    table = read_table('h1\th2\n"12 inch\truler\n' + body + 'end"\tx\n')
    assert table is not None
    assert table.rows[0] == (2, ('"12 inch', "ruler"))
    assert table.rows[-1] == (33, ('end"', "x"))
    assert len(table.rows) == 32


def test_a_quote_inside_a_field_is_an_ordinary_character() -> None:
    table = read_table('h1\th2\nRuler 12" long\tx\n')
    assert table is not None
    assert table.rows == [(2, ('Ruler 12" long', "x"))]


def test_a_repeated_header_line_is_not_data() -> None:
    table = read_table("h1\th2\na\tb\nh1\th2\nc\td\n")
    assert table is not None
    assert [line for line, _ in table.rows] == [2, 4]


def test_header_lookup_ignores_case_spacing_and_trailing_empty_columns() -> None:
    table = read_table("  ORDER   ID \tMerchant\u00a0 SKU\t\t\na\tb\n")
    assert table is not None
    assert table.header == ("ORDER   ID", "Merchant\u00a0 SKU")
    assert table.column("Order ID") == 0
    assert table.column("merchant sku") == 1
    assert table.column("Return quantity") is None
    assert table.column("Return quantity", "order id") == 0


def test_normalize_header_collapses_whitespace_and_case() -> None:
    assert normalize_header("  Return \t  QUANTITY ") == "return quantity"
    assert normalize_header("\ufeffOrder ID") == "order id"
    assert normalize_header("order-id") != normalize_header("order id")


def test_table_of_blank_text_is_none() -> None:
    assert read_table("") is None
    assert read_table("\r\n \t\r\n") is None


# parse_date, parse_money, counts and flags


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-05",
        "2026-11-05T10:22:03+00:00",
        "2026-11-05T10:22:03Z",
        "2026-11-05 10:22:03 UTC",
        "2026-11-05T10:22:03.123-08:00",
        "05-11-2026",
        "05/11/2026",
        "05.11.2026",
        "5-11-2026",
        "05-Nov-2026",
        "05-NOV-2026",
        "05-nov-2026",
        "  05-Nov-2026  ",
    ],
)
def test_parse_date_reads_every_report_style(text: str) -> None:
    assert parse_date(text) == date(2026, 11, 5)


@pytest.mark.parametrize("text", ["", "   "])
def test_parse_date_of_nothing_is_none(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "31-13-2026",
        "2026-02-30",
        "11/25/2026",
        "05-11/2026",
        "2026/11/05",
        "05-Foo-2026",
        "Nov 5 2026",
        "yes",
    ],
)
def test_parse_date_refuses_and_names_the_value(text: str) -> None:
    with pytest.raises(ValueError, match=f"'{text}' is not a date"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("12.50", Decimal("12.50")),
        ("1,234.50", Decimal("1234.50")),
        ("1,234,567", Decimal("1234567")),
        ("$12.50", Decimal("12.50")),
        ("12.50 USD", Decimal("12.50")),
        ("USD 12.50", Decimal("12.50")),
        ("-19.99", Decimal("-19.99")),
        ("-$19.99", Decimal("-19.99")),
        ("$-19.99", Decimal("-19.99")),
        ("0.00", Decimal("0.00")),
        (" 7 ", Decimal("7")),
    ],
)
def test_parse_money_gives_exact_decimals(text: str, amount: Decimal) -> None:
    parsed = parse_money(text)
    assert type(parsed) is Decimal
    assert parsed == amount
    # Same digits as written, not a float's approximation.
    assert str(parsed) == str(amount)


@pytest.mark.parametrize("text", ["12,50", "1,23.4", "twelve", "1e5", "NaN", "12.50 USD EUR", "--5", "$"])
def test_parse_money_refuses_what_it_would_have_to_guess(text: str) -> None:
    with pytest.raises(ValueError, match="is not an amount of money"):
        parse_money(text)


def test_parse_money_of_nothing_is_none() -> None:
    assert parse_money("  ") is None


def test_parse_whole_number() -> None:
    assert parse_whole_number(" 2 ") == 2
    assert parse_whole_number("-1") == -1
    assert parse_whole_number("") is None
    for text in ("two", "1.5", "1.0", "1,000"):
        with pytest.raises(ValueError, match="is not a whole number"):
            parse_whole_number(text)


@pytest.mark.parametrize(
    ("text", "flag"),
    [("Y", True), ("yes", True), ("TRUE", True), ("n", False), ("No", False), ("false", False), ("", None)],
)
def test_parse_yes_no(text: str, flag: bool | None) -> None:
    assert parse_yes_no(text) is flag


def test_parse_yes_no_refuses_anything_else() -> None:
    with pytest.raises(ValueError, match="'maybe' is not Y or N"):
        parse_yes_no("maybe")


# The seller-fulfilled (MFN) returns report


def test_mfn_report_is_recognized_and_counted() -> None:
    report = read_fixture("mfn_returns_utf8_bom_crlf.txt")
    assert report.kind is ReportKind.MFN_RETURNS
    assert report.label == "seller-fulfilled returns report"
    assert report.encoding == "utf-8-sig"
    assert report.total_lines == 14
    assert report.duplicates == 0
    assert [row.line for row in report.rows] == [2, 3, 4, 5, 6, 12, 14]
    assert report.short_rows == 1
    assert all(isinstance(row, MfnReturn) for row in report.rows)


def test_mfn_row_values_are_read_exactly() -> None:
    row = rows_by_line(read_fixture("mfn_returns_utf8_bom_crlf.txt"))[2]
    assert row == MfnReturn(
        line=2,
        order_id="114-3941689-8772232",
        order_date=date(2026, 10, 28),
        return_request_date=date(2026, 11, 2),
        return_request_status="Approved",
        amazon_rma_id="DkQxRtLmRRMA",
        merchant_rma_id=None,
        label_type="AmazonPrePaidLabel",
        tracking_id="1Z999AA10123456784",
        return_carrier="UPS",
        currency="USD",
        asin="B0C4XK2M7Q",
        sku="TEE-BLK-M",
        item_name="Crew Tee, Black, M",
        quantity=1,
        reason="AMZ-PG-WJ-TOO-SMALL",
        customer_comment=None,
        in_policy=True,
        is_prime=True,
        return_type="C-Returns",
        resolution="StandardRefund",
        order_amount=Decimal("19.99"),
        order_quantity=1,
        refunded_amount=Decimal("19.99"),
        return_delivery_date=date(2026, 11, 5),
        category=None,
        label_cost=Decimal("6.49"),
        label_paid_by="Seller",
        a_to_z_claim=False,
        safet_claim_id=None,
        safet_claim_state=None,
        safet_amount=None,
    )
    assert row.key == "DkQxRtLmRRMA"


def test_mfn_multi_unit_row() -> None:
    row = rows_by_line(read_fixture("mfn_returns_utf8_bom_crlf.txt"))[3]
    assert isinstance(row, MfnReturn)
    assert row.quantity == 2
    assert row.order_amount == Decimal("39.98")
    assert row.order_quantity == 2
    assert row.refunded_amount is None
    assert row.return_delivery_date is None
    assert row.return_request_date == date(2026, 11, 3)
    assert (row.in_policy, row.is_prime) == (False, False)
    assert row.reason == "AMZ-PG-APP-TOO-LARGE"


def test_mfn_thousands_separator_in_amounts() -> None:
    row = rows_by_line(read_fixture("mfn_returns_utf8_bom_crlf.txt"))[4]
    assert isinstance(row, MfnReturn)
    assert row.order_amount == Decimal("1234.50")
    assert row.return_request_status == "Closed"


def test_mfn_returnless_refund_is_keyed_by_order_sku_and_request_date() -> None:
    row = rows_by_line(read_fixture("mfn_returns_utf8_bom_crlf.txt"))[5]
    assert isinstance(row, MfnReturn)
    assert row.amazon_rma_id is None
    assert row.merchant_rma_id is None
    assert row.resolution == "ReturnlessRefund"
    assert row.key == "111-2290417-5531840|SOCK-3PK|2026-11-04"


def test_mfn_merchant_rma_is_the_key_when_amazon_gave_none() -> None:
    row = rows_by_line(read_fixture("mfn_returns_utf8_bom_crlf.txt"))[6]
    assert isinstance(row, MfnReturn)
    assert row.amazon_rma_id is None
    assert row.merchant_rma_id == "RMA-2026-00417"
    assert row.key == "RMA-2026-00417"


def test_mfn_amazon_rma_wins_over_merchant_rma_as_key() -> None:
    data = (
        b"Order ID\tMerchant SKU\tReturn quantity\tAmazon RMA ID\tMerchant RMA ID\n"
        b"1-2-3\tS\t1\tDaBcDeFgRRMA\tM-1\n"
    )
    (row,) = read_report(data).rows
    assert row.key == "DaBcDeFgRRMA"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (7, ["Return quantity", "'two'", "not a whole number"]),
        (8, ["Return request date", "'31-13-2026'", "not a date"]),
        (9, ["Merchant SKU is empty"]),
        (10, ["no Amazon RMA ID", "no Merchant RMA ID", "no Return request date", "cannot be told apart"]),
        (11, ["Order Amount", "'19,99'", "not an amount of money"]),
        (13, ["Return quantity", "'0'", "less than 1"]),
        (15, ["Return quantity '1.0' is not a whole number", "Order ID is empty"]),
    ],
)
def test_mfn_problem_rows_say_what_is_wrong(line: int, words: list[str]) -> None:
    report = read_fixture("mfn_returns_utf8_bom_crlf.txt")
    problems = {problem.line: problem.reason for problem in report.problems}
    for word in words:
        assert word in problems[line]


def test_mfn_problems_come_in_file_order() -> None:
    # Rows with the wrong number of columns are caught first, yet must not jump the queue.
    problems = read_fixture("mfn_returns_utf8_bom_crlf.txt").problems
    assert [problem.line for problem in problems] == [7, 8, 9, 10, 11, 13, 15]


def test_the_exact_reason_for_a_bad_date() -> None:
    (bad_date,) = [
        problem for problem in read_fixture("mfn_returns_utf8_bom_crlf.txt").problems if problem.line == 8
    ]
    assert bad_date == RowProblem(
        8,
        "Return request date '31-13-2026' is not a date "
        "(expected a date like 2026-11-05, 05-11-2026 or 05-Nov-2026)",
    )


def test_an_unreadable_value_is_not_also_called_empty() -> None:
    data = (
        b"Order ID\tMerchant SKU\tReturn quantity\tAmazon RMA ID\tReturn request date\n"
        b"114-1\tS\tx\t\t31-13-2026\n"
    )
    (problem,) = read_report(data).problems
    # The date is the returnless refund's key: it is unreadable, not missing, and said only once.
    assert problem.reason == (
        "Return quantity 'x' is not a whole number; Return request date '31-13-2026' is not a date "
        "(expected a date like 2026-11-05, 05-11-2026 or 05-Nov-2026)"
    )


def test_rows_are_frozen() -> None:
    row = read_fixture("mfn_returns_utf8_bom_crlf.txt").rows[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.quantity = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("mfn_returns_cp1252.txt", "cp1252"),
        ("mfn_returns_utf16le_bom.txt", "utf-16-le"),
        ("mfn_returns_utf16le_no_bom.txt", "utf-16-le"),
    ],
)
def test_mfn_in_other_encodings(name: str, encoding: str) -> None:
    report = read_fixture(name)
    assert report.kind is ReportKind.MFN_RETURNS
    assert report.encoding == encoding
    assert report.problems == ()
    first, second = report.rows
    assert isinstance(first, MfnReturn) and isinstance(second, MfnReturn)
    assert (first.line, first.item_name, first.sku) == (2, "Café Mug – 12 oz", "MUG-CAFE")
    assert (second.line, second.item_name, second.order_amount) == (3, "Crème brûlée torch", Decimal("24.95"))


def test_mfn_with_carriage_returns_only() -> None:
    report = read_fixture("mfn_returns_cr.txt")
    assert [(row.line, row.key) for row in report.rows] == [(2, "DkQxRtLmRRMA"), (3, "DmWpZeKcRRMA")]


# The same report edited by hand: odd headers, quotes, date styles, duplicates, blank lines


def test_quirky_mfn_counts_and_order() -> None:
    report = read_fixture("mfn_returns_quirks.txt")
    assert report.kind is ReportKind.MFN_RETURNS
    assert report.total_lines == 8
    assert report.duplicates == 2
    # Each survivor sits where its last copy was.
    assert [(row.line, row.key) for row in report.rows] == [
        (4, "DmWpZeKcRRMA"),
        (6, "DrTbNvQsRRMA"),
        (9, "RMA-2026-00417"),
        (10, "DqRsTuVwRRMA"),
        (11, "DkQxRtLmRRMA"),
    ]
    assert report.problems == (RowProblem(12, "In policy 'maybe' is not Y or N"),)


def test_quirky_mfn_last_copy_of_a_duplicate_wins() -> None:
    rows = rows_by_line(read_fixture("mfn_returns_quirks.txt"))
    socks, gift = rows[10], rows[11]
    assert isinstance(socks, MfnReturn) and isinstance(gift, MfnReturn)
    assert socks.item_name == "Socks, 3 pack"
    assert gift.customer_comment == "changed my mind"


def test_quirky_mfn_quoted_fields() -> None:
    rows = rows_by_line(read_fixture("mfn_returns_quirks.txt"))
    assert rows[11].item_name == "Gift Set\tDeluxe"  # type: ignore[union-attr]
    assert rows[4].item_name == 'Steel Ruler 12" long'  # type: ignore[union-attr]
    # Quoted although nothing in it needs quoting: the quotes are the customer's own.
    assert rows[4].customer_comment == '"arrived bent"'  # type: ignore[union-attr]
    assert rows[6].customer_comment == "Handle came off.\nSecond line of the comment"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "requested", "ordered"),
    [
        (11, date(2026, 11, 5), date(2026, 10, 28)),  # 05-Nov-2026, 28-OCT-2026
        (4, date(2026, 11, 5), date(2026, 10, 30)),  # 05-11-2026, 30/10/2026
        (6, date(2026, 11, 5), None),  # 05.11.2026, empty
    ],
)
def test_quirky_mfn_date_styles(line: int, requested: date, ordered: date | None) -> None:
    row = rows_by_line(read_fixture("mfn_returns_quirks.txt"))[line]
    assert isinstance(row, MfnReturn)
    assert row.return_request_date == requested
    assert row.order_date == ordered


def test_quirky_mfn_money_and_flags() -> None:
    rows = rows_by_line(read_fixture("mfn_returns_quirks.txt"))
    gift, ruler, mug = rows[11], rows[4], rows[6]
    assert isinstance(gift, MfnReturn) and isinstance(ruler, MfnReturn) and isinstance(mug, MfnReturn)
    assert (gift.order_amount, gift.refunded_amount) == (Decimal("24.50"), Decimal("24.50"))
    assert ruler.order_amount == Decimal("1234.50")
    assert (gift.in_policy, gift.is_prime) == (True, False)
    assert (ruler.in_policy, ruler.is_prime) == (True, False)
    assert (mug.in_policy, mug.is_prime) == (False, True)


def test_quirky_mfn_columns_it_lacks_are_none() -> None:
    row = rows_by_line(read_fixture("mfn_returns_quirks.txt"))[4]
    assert isinstance(row, MfnReturn)
    assert row.quantity == 2
    assert row.tracking_id is None
    assert row.return_delivery_date is None
    assert row.order_quantity is None


def test_fields_are_trimmed_and_ids_keep_their_case() -> None:
    data = (
        b"Order ID\tMerchant SKU\tReturn quantity\tAmazon RMA ID\tItem Name\n"
        b" 114-1 \t sku-Mixed \t 1 \t DkQxRtLmRRMA \t\n"
        b"114-2\tsku-mixed\t1\tDKQXRTLMRRMA\tMug\n"
    )
    report = read_report(data)
    first, second = report.rows
    assert isinstance(first, MfnReturn) and isinstance(second, MfnReturn)
    assert (first.order_id, first.sku, first.amazon_rma_id) == ("114-1", "sku-Mixed", "DkQxRtLmRRMA")
    assert first.item_name == ""
    # Keys that differ only in case are different authorizations, not duplicates.
    assert second.key == "DKQXRTLMRRMA"
    assert report.duplicates == 0


def test_a_report_with_only_a_header_has_no_rows() -> None:
    report = read_report(b"Order ID\tMerchant SKU\tReturn quantity\tMerchant RMA ID\r\n\r\n")
    assert report.kind is ReportKind.MFN_RETURNS
    assert (report.rows, report.problems, report.total_lines, report.duplicates) == ((), (), 0, 0)


def test_a_row_with_extra_values_past_the_last_column_is_refused() -> None:
    data = (
        b"Order ID\tMerchant SKU\tReturn quantity\tMerchant RMA ID\n"
        b"1\tS\t1\tM-1\tsurprise\n"
        b"2\tS\t1\tM-2\t\t\n"
    )
    report = read_report(data)
    assert [row.line for row in report.rows] == [3]
    assert [problem.line for problem in report.problems] == [2]
    assert "5 columns but the header has 4" in report.problems[0].reason


# The FBA customer returns report


def test_fba_returns_report() -> None:
    report = read_fixture("fba_customer_returns.txt")
    assert report.kind is ReportKind.FBA_RETURNS
    assert report.label == "FBA customer returns report"
    assert report.total_lines == 8
    assert report.duplicates == 1
    assert [(row.line, row.key) for row in report.rows] == [
        (3, "LPNRR223456789"),
        (4, "113-0052281-6634619|MUG-CER-12|2026-11-05"),
        (5, "LPNRR123456789"),
        (9, "LPNRR523456789"),
    ]


def test_fba_return_values() -> None:
    rows = rows_by_line(read_fixture("fba_customer_returns.txt"))
    assert rows[5] == FbaReturn(
        line=5,
        return_date=date(2026, 11, 3),
        order_id="114-3941689-8772232",
        sku="TEE-BLK-M",
        asin="B0C4XK2M7Q",
        fnsku="X002ABCD12",
        product_name="Crew Tee, Black, M",
        quantity=1,
        fulfillment_center_id="PHX7",
        detailed_disposition="SELLABLE",
        reason="APPAREL_TOO_SMALL",
        status="Reimbursed",
        license_plate_number="LPNRR123456789",
        customer_comments="Too small",
    )
    damaged, mugs, other = rows[3], rows[4], rows[9]
    assert isinstance(damaged, FbaReturn) and isinstance(mugs, FbaReturn) and isinstance(other, FbaReturn)
    assert damaged.detailed_disposition == "CUSTOMER_DAMAGED"
    assert damaged.customer_comments is None
    assert (mugs.quantity, mugs.license_plate_number) == (2, None)
    assert (other.detailed_disposition, other.reason) == ("DISTRIBUTOR_DAMAGED", "UNDELIVERABLE_REFUSED")


def test_fba_return_problems() -> None:
    problems = read_fixture("fba_customer_returns.txt").problems
    assert [problem.line for problem in problems] == [6, 7, 8]
    assert problems[0].reason == "order-id is empty"
    assert problems[1].reason == "quantity '1.5' is not a whole number"
    assert "no license-plate-number and no return-date" in problems[2].reason


def test_fba_returns_with_amazon_order_id_header() -> None:
    report = read_fixture("fba_customer_returns_amazon_order_id.txt")
    assert report.kind is ReportKind.FBA_RETURNS
    (row,) = report.rows
    assert isinstance(row, FbaReturn)
    assert (row.order_id, row.return_date, row.product_name) == ("114-3941689-8772232", date(2026, 11, 7), "")
    assert row.detailed_disposition is None


# The FBA reimbursements report


def test_reimbursements_report() -> None:
    report = read_fixture("fba_reimbursements.txt")
    assert report.kind is ReportKind.FBA_REIMBURSEMENTS
    assert report.label == "FBA reimbursements report"
    assert report.total_lines == 8
    assert report.duplicates == 1
    assert [(row.line, row.key) for row in report.rows] == [
        (3, "4938201746|MUG-CER-12|"),
        (4, "4938201747|TEE-BLK-M|114-3941689-8772232"),
        (5, "4938201745|TEE-WHT-L|114-3941689-8772232"),
        (6, "4938201745|TEE-BLK-M|114-3941689-8772232"),
    ]


def test_reimbursement_values() -> None:
    rows = rows_by_line(read_fixture("fba_reimbursements.txt"))
    assert rows[6] == FbaReimbursement(
        line=6,
        approval_date=date(2026, 11, 10),
        reimbursement_id="4938201745",
        case_id="10723456781",
        order_id="114-3941689-8772232",
        reason="CustomerReturn",
        sku="TEE-BLK-M",
        fnsku="X002ABCD12",
        asin="B0C4XK2M7Q",
        product_name="Crew Tee, Black, M",
        condition="Sellable",
        currency="USD",
        amount_per_unit=Decimal("19.99"),
        quantity_reimbursed_cash=1,
        amount_total=Decimal("19.99"),
        quantity_reimbursed_inventory=0,
        quantity_reimbursed_total=1,
        original_reimbursement_id=None,
        original_reimbursement_type=None,
    )
    inventory, reversal = rows[3], rows[4]
    assert isinstance(inventory, FbaReimbursement) and isinstance(reversal, FbaReimbursement)
    assert (inventory.quantity_reimbursed_cash, inventory.quantity_reimbursed_inventory) == (0, 2)
    assert (inventory.order_id, inventory.case_id, inventory.amount_total) == (None, None, Decimal("0.00"))
    assert (reversal.amount_total, reversal.quantity_reimbursed_cash) == (Decimal("-19.99"), -1)
    assert (reversal.original_reimbursement_id, reversal.original_reimbursement_type) == (
        "4938201745",
        "CustomerReturn",
    )


def test_reimbursement_problems() -> None:
    problems = read_fixture("fba_reimbursements.txt").problems
    assert [(problem.line, problem.reason) for problem in problems] == [
        (7, "amount-total 'eight' is not an amount of money (expected e.g. 19.99 or 1,234.50)"),
        (8, "reimbursement-id is empty"),
        (9, "amount-total is empty"),
    ]


# Files that are not reports


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.txt", ["empty", "seller-fulfilled returns report"]),
        ("blank_lines.txt", ["empty"]),
        ("random.bin", ["not a text report", "binary"]),
        ("returns.xlsx", ["Excel", "Text (Tab delimited)"]),
        ("seller_central_page.html", ["web page"]),
        ("mfn_returns.csv", ["seller-fulfilled returns report", "commas", "CSV", "tab-separated"]),
        (
            "inventory.txt",
            ["not an Amazon returns report", "'Order ID'", "'Return quantity'", "'Merchant SKU'", "'sku'"],
        ),
        (
            "mfn_returns_no_quantity_column.txt",
            ["looks like the seller-fulfilled returns report", "'Return quantity'"],
        ),
    ],
)
def test_not_a_report_says_what_the_file_is(name: str, words: list[str]) -> None:
    message = refusal((FIXTURES / name).read_bytes())
    for word in words:
        assert word in message
    # Every refusal names the reports that would have worked, or how to get one.
    assert "report" in message


def test_not_a_report_is_a_user_error() -> None:
    with pytest.raises(UserError):
        read_report(b"")


def test_semicolon_separated_file_gets_a_hint() -> None:
    message = refusal(b"approval-date;reimbursement-id;amount-total\n2026-11-10;1;2.00\n")
    assert "semicolons" in message
    assert "FBA reimbursements report" in message


def test_missing_both_rma_columns_names_both() -> None:
    message = refusal(b"Order ID\tMerchant SKU\tReturn quantity\n1\tS\t1\n")
    assert "seller-fulfilled returns report" in message
    assert "'Amazon RMA ID' or 'Merchant RMA ID'" in message


def test_missing_several_columns_names_each() -> None:
    message = refusal(b"return-date\tsku\tdetailed-disposition\n2026-11-05\tS\tSELLABLE\n")
    assert "FBA customer returns report" in message
    assert "'order-id' or 'amazon-order-id'" in message
    assert "'quantity'" in message


@pytest.mark.parametrize(
    ("field", "read"),
    [
        ('"Ortho" Knee Brace', '"Ortho" Knee Brace'),  # Amazon's own: a quote opens the text
        ('"Ortho"', '"Ortho"'),  # wholly quoted, but nothing in it needs quoting
        ('Steel Ruler 12" long', 'Steel Ruler 12" long'),
        ('"""Ortho"" Knee Brace"', '"Ortho" Knee Brace'),  # a spreadsheet's save of the first
        ('"Socks, 3 pack"', "Socks, 3 pack"),
        ('"Size "M', '"Size "M'),
    ],
)
def test_a_leading_quote_is_text_unless_the_field_is_quoted_as_a_spreadsheet_quotes(
    field: str, read: str
) -> None:
    table = read_table(f"Order ID\tItem Name\tReturn quantity\n111-1\t{field}\t1\n")
    assert table is not None
    assert table.rows == [(2, ("111-1", read, "1"))]


def test_a_row_without_its_trailing_empty_cells_is_read_with_them_empty() -> None:
    # Line 12 stops two columns early (SafeT claim reimbursement amount, Refunded Amount), as the
    # marketplaces write a row whose last cells are empty.
    row = rows_by_line(read_fixture("mfn_returns_utf8_bom_crlf.txt"))[12]
    assert isinstance(row, MfnReturn)
    assert row.amazon_rma_id == "DcDeEfFgRRMA"
    assert row.refunded_amount is None
    assert row.return_delivery_date == date(2026, 11, 5)


def test_a_row_that_stops_before_a_required_column_is_refused() -> None:
    data = (
        b"Order ID\tAmazon RMA ID\tItem Name\tMerchant SKU\tReturn quantity\tRefunded Amount\n"
        b"1-2-3\tDaBcDeFgRRMA\tTee\tTEE-1\t1\n"  # no Refunded Amount: read
        b"1-2-4\tDaBcDeFgRRMB\tTee\n"  # no SKU and no quantity: refused
    )
    report = read_report(data)
    assert [row.line for row in report.rows] == [2]
    assert report.short_rows == 1
    (problem,) = report.problems
    assert problem.line == 3
    assert "3 columns but the header has 6" in problem.reason
    assert "required columns reach to column 5" in problem.reason
