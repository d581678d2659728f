"""The command line: thin wrappers that parse flags and call the library."""

from homesec_bench.cli.app import app, main

__all__ = ["app", "main"]
