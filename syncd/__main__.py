"""`python -m syncd` runs the command line."""

from syncd import cli

raise SystemExit(cli.main())
