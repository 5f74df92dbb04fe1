"""`python -m tradewind` runs the CLI."""

from tradewind.cli.main import main

raise SystemExit(main())
