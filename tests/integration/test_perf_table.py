"""The benchmark's table on a small SQLite database: every figure gets a row with numbers (no timing
is checked: the figures are printed, not asserted)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.perf.__main__ import Plan, run
from tests.perf.figures import Figure, Target, met, ratio

FIGURES = (
    "scan lookup",
    "scan open (look-up + claim)",
    "scan to card p50",
    "scan to card p99",
    "decision commit p50",
    "decision commit p99",
    "import rows/s",
    "shift summary",
    "30-day summary",
    "browser",
    "cold start to ready-to-scan",
    "peak RSS after 6 scans",
    "idle CPU over 0.5 s",
)
NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?")


def _rows(markdown: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in markdown.splitlines()
        if line.startswith("| ") and not line.startswith("| database")
    ]


def test_the_table_has_a_row_with_numbers_for_every_figure(tmp_path: Path) -> None:
    # 1,000 authorizations: enough recent returns still to decide for the decision commit.
    plan = Plan(sizes=(1000,), repeat=1, scans=6, idle_s=0.5, import_rows=200, decisions=5, starts=1)
    full, _, growth = run(plan, folder=tmp_path, log=lambda _text: None).partition("As the database grows")
    rows = _rows(full)
    names = [row[1] for row in rows]
    for figure in FIGURES:
        assert any(name.startswith(figure) for name in names), (figure, names)
    for row in rows:
        assert row[0] == "sqlite"
        assert NUMBER.match(row[2]), row
        assert row[3] == "—" or NUMBER.match(row[3]), row
        assert row[4] == "—" or re.fullmatch(r"[\d.]+×", row[4]), row
        assert row[6] in ("yes", "**no**", "—"), row
    [grown] = _rows(growth)
    assert grown[:2] == ["sqlite", "1,000"]
    assert all(NUMBER.match(cell) for cell in grown[2:]), grown
    assert sorted(tmp_path.glob("*.sqlite3")), "the database is kept for the next run"


def test_a_rate_compares_with_its_floor_the_other_way_round() -> None:
    slow_import = Figure("import rows/s", 10_000, "rows/s", floor=50_000)
    slow_lookup = Figure("scan lookup", 2.0, "ms", floor=0.5)
    assert ratio(slow_import) == 5.0 and ratio(slow_lookup) == 4.0
    assert met(slow_import, Target(3, ratio=True)) is False
    assert met(Figure("import rows/s", 25_000, "rows/s", floor=50_000), Target(3, ratio=True)) is True
