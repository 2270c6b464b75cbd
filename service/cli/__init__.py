"""The ``triglot`` command. Output goes to stdout; progress and errors go to stderr.

Exit codes: 0 success; 1 some inputs failed (the others were processed); 2 usage error;
65 bad input data (not UTF-8, empty, too large); 66 input file missing; 69 a page could not be
fetched; 78 bad configuration.

One module per group of commands (``pages``: analyze, align, ingest; ``models``; ``translate``;
``glossary``; ``keys``; ``jobs``; ``export``; ``tm``; ``serve``; ``bulk``); importing them
registers their commands on :data:`service.cli.base.app`. They import their heavy
dependencies inside each command.
"""

from __future__ import annotations

import importlib
import logging

from service.cli.base import app

__all__ = ["app", "main"]
# Registration order is the order `triglot --help` lists the commands in.
_MODULES = (
    "pages",
    "serve",
    "translate",
    "export",
    "tm",
    "glossary",
    "keys",
    "jobs",
    "models",
    "bulk",
)
for _module in _MODULES:
    importlib.import_module(f"service.cli.{_module}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
