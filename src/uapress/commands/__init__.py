"""Commands: what the CLI runs, one module per group (check, exchange, diff, scaffold, serve), above build and exchange."""
