"""Entry point of the one-folder bundle: the same command line as the installed rmadesk."""

from rmadesk.cli import main

raise SystemExit(main())
