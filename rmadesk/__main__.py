"""Run RMA Desk with ``python -m rmadesk``."""

from rmadesk.cli import main

raise SystemExit(main())
