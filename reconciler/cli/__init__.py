"""The command line. Each command lives in its own module and only wires things together."""

from reconciler.cli.main import main

__all__ = ["main"]
