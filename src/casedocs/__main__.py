"""`python -m casedocs`: the same program as the `casedocs` command."""

from casedocs.cli import entry

entry()
