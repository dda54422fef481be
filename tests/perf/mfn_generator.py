"""Realistic seller-fulfilled and FBA customer returns reports of any size, for benchmarks."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from pathlib import Path

MFN_HEADER = (
    "Order ID\tOrder date\tReturn request date\tReturn request status\tAmazon RMA ID\tMerchant RMA ID\t"
    "Label type\tLabel cost\tCurrency code\tReturn carrier\tTracking ID\tLabel to be paid by\tA-to-Z Claim\t"
    "Is prime\tASIN\tMerchant SKU\tItem Name\tReturn quantity\tReturn Reason\tIn policy\tReturn type\t"
    "Resolution\tInvoice number\tReturn delivery date\tOrder Amount\tOrder quantity\tSafeT Action reason\t"
    "SafeT claim id\tSafeT claim state\tSafeT claim creation time\tSafeT claim reimbursement amount\t"
    "Refunded Amount"
)
REASONS = (
    "AMZ-PG-WJ-TOO-SMALL",
    "AMZ-PG-WJ-TOO-LARGE",
    "AMZ-PG-DEFECTIVE",
    "AMZ-PG-UNWANTED-ITEM",
    "AMZ-PG-DAMAGED-BY-CARRIER",
    "AMZ-PG-NOT-AS-DESCRIBED",
)


def rma_id(rng: random.Random) -> str:
    return "D" + "".join(rng.choice(string.ascii_letters) for _ in range(7)) + "RRMA"


def write_mfn_report(path: Path, rows: int, seed: int = 7, status: str = "Approved") -> list[str]:
    """Write a report of ``rows`` authorizations; returns their RMA IDs.

    The same seed writes the same returns; another ``status`` changes every row's request status.
    """
    rng = random.Random(seed)
    ids: list[str] = []
    seen: set[str] = set()
    start = date(2026, 10, 1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff" + MFN_HEADER + "\r\n")
        for n in range(rows):
            rid = rma_id(rng)
            while rid in seen:
                rid = rma_id(rng)
            seen.add(rid)
            ids.append(rid)
            qty = rng.choice((1, 1, 1, 2, 3))
            price = rng.randint(500, 15000)
            requested = start + timedelta(days=rng.randint(0, 50))
            fields = [
                f"11{rng.randint(1, 4)}-{rng.randint(0, 9999999):07d}-{rng.randint(0, 9999999):07d}",
                (requested - timedelta(days=10)).isoformat(),
                requested.strftime("%d-%b-%Y"),
                status,
                rid,
                "",
                "AmazonPrePaidLabel",
                "4.50",
                "USD",
                "UPS",
                f"1Z{n:016d}",
                "Seller",
                "N",
                "Y",
                f"B0{rng.randint(0, 99999999):08d}",
                f"SKU-{rng.randint(1, 2000):05d}",
                f"Demo product {n}",
                str(qty),
                rng.choice(REASONS),
                "Y",
                "C-Returns",
                "StandardRefund",
                "",
                "",
                f"{price * qty / 100:.2f}",
                str(qty),
                "",
                "",
                "",
                "",
                "",
                "",
            ]
            out.write("\t".join(fields) + "\r\n")
    return ids


FBA_RETURNS_HEADER = (
    "return-date\torder-id\tsku\tasin\tfnsku\tproduct-name\tquantity\tfulfillment-center-id\t"
    "detailed-disposition\treason\tstatus\tlicense-plate-number\tcustomer-comments"
)
FBA_DISPOSITIONS = ("SELLABLE", "SELLABLE", "CUSTOMER_DAMAGED", "DEFECTIVE", "CARRIER_DAMAGED", "DAMAGED")
FBA_REASONS = ("APPAREL_TOO_SMALL", "APPAREL_TOO_LARGE", "DEFECTIVE", "UNWANTED_ITEM", "DAMAGED_BY_CARRIER")
FULFILLMENT_CENTERS = ("PHX7", "ONT8", "BFI4", "MDW2", "TPA1")


def write_fba_returns_report(
    path: Path, rows: int, seed: int = 11, status: str = "Unit returned to inventory"
) -> list[str]:
    """Write an FBA customer returns report of ``rows`` units; returns their license plate numbers.

    An order line has one to three units, each on its own row with its own license plate; one row in
    fifty has no license plate (and carries the line's whole quantity). The same seed writes the same
    units; another ``status`` changes every row's status.
    """
    rng = random.Random(seed)
    plates: list[str] = []
    start = date(2026, 10, 1)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(FBA_RETURNS_HEADER + "\r\n")
        while written < rows:
            order = f"11{rng.randint(1, 4)}-{rng.randint(0, 9999999):07d}-{rng.randint(0, 9999999):07d}"
            sku = f"SKU-{rng.randint(1, 2000):05d}"
            returned = (start + timedelta(days=rng.randint(0, 50))).isoformat() + "T10:00:00+00:00"
            units = min(rng.choice((1, 1, 1, 2, 3)), rows - written)
            for _ in range(units):
                if rng.random() < 0.02:
                    lpn, quantity = "", units
                else:
                    lpn, quantity = f"LPN{len(plates) + written:010d}{rng.randint(0, 99):02d}", 1
                fields = [
                    returned,
                    order,
                    sku,
                    f"B0{rng.randint(0, 99999999):08d}",
                    f"X00{rng.randint(0, 9999999):07d}",
                    f"Demo product {sku}",
                    str(quantity),
                    rng.choice(FULFILLMENT_CENTERS),
                    rng.choice(FBA_DISPOSITIONS),
                    rng.choice(FBA_REASONS),
                    status,
                    lpn,
                    "",
                ]
                out.write("\t".join(fields) + "\r\n")
                written += 1
                if lpn:
                    plates.append(lpn)
                else:
                    break  # the row without a plate stands for all the line's units
    return plates
