"""What every command shares: the ``triglot`` app, exit codes, settings and page reading.

Light on purpose: typer and the standard library only at import time; each command imports
what it uses when it runs, so ``triglot --help`` and ``triglot analyze`` start fast.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from service.settings import Settings

EXIT_USAGE = 2
EXIT_SOME_FAILED = 1
EXIT_DATAERR = 65
EXIT_NOINPUT = 66
EXIT_UNAVAILABLE = 69
EXIT_CONFIG = 78

app = typer.Typer(
    name="triglot",
    help="Analyse, align and translate French/Vietnamese news pages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def fail(message: str, code: int) -> NoReturn:
    """Print ``triglot: message`` on stderr and exit with ``code``."""
    typer.echo(f"triglot: {message}", err=True)
    raise typer.Exit(code)


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment (``TRIGLOT_*``) and the command's options; exit 78 when
    a value is invalid, naming the variable."""
    from pydantic import ValidationError  # noqa: PLC0415

    from service.settings import Settings  # noqa: PLC0415

    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"TRIGLOT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        fail(f"invalid settings: {problems}", EXIT_CONFIG)


@dataclass(frozen=True, slots=True)
class FileSettings:
    """The settings the file commands (``analyze``, ``align``) use, as :class:`Settings`
    names them."""

    data_dir: Path
    cache_dir: Path | None
    max_page_bytes: int
    max_document_bytes: int

    def resolved_cache_dir(self) -> Path:
        return self.cache_dir or self.data_dir / "cache"


# Defaults and bounds (greater than 0, at most) of Settings' fields of the same names
# (tests/test_cli_start.py holds them to Settings).
FILE_SETTING_DEFAULTS: dict[str, Any] = {
    "data_dir": Path("data"),
    "cache_dir": None,
    "max_page_bytes": 2_000_000,
    "max_document_bytes": 50_000_000,
}
FILE_SETTING_MAX = {"max_page_bytes": 100_000_000, "max_document_bytes": 2_000_000_000}
_PLAIN_INT_RE = re.compile(r"[1-9][0-9]{0,11}")


def load_file_settings() -> FileSettings | Settings:
    """The file commands' settings, read from the environment without pydantic-settings
    (a fifth of a second of imports) when it holds plain values for them alone: names in
    capitals, paths without surrounding spaces, sizes in digits within their bounds. Any
    other ``TRIGLOT_*`` variable or value goes through :func:`load_settings`, so that what
    it accepts, refuses (exit 78) and says is unchanged."""
    values = dict(FILE_SETTING_DEFAULTS)
    for key, value in os.environ.items():
        if not key.upper().startswith("TRIGLOT_"):
            continue
        name = key[len("TRIGLOT_") :].lower()
        if key != key.upper() or name not in values:
            return load_settings()
        if name in FILE_SETTING_MAX:
            if not _PLAIN_INT_RE.fullmatch(value) or int(value) > FILE_SETTING_MAX[name]:
                return load_settings()
            values[name] = int(value)
        else:
            if not value or value != value.strip():
                return load_settings()
            values[name] = Path(value)
    return FileSettings(**values)


def read_page(path: Path, max_bytes: int, *, allow_empty: bool = False) -> str:
    """The UTF-8 text of a page file; exit 66 when it is missing, 65 when it is not text."""
    from service.align.files import decode_page  # noqa: PLC0415
    from service.errors import ServiceError  # noqa: PLC0415

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        fail(f"{path}: no such file", EXIT_NOINPUT)
    except OSError as exc:
        fail(f"{path}: {exc.strerror}", EXIT_NOINPUT)
    try:
        return decode_page(data, name=str(path), max_bytes=max_bytes, allow_empty=allow_empty)
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)


@contextmanager
def database() -> Iterator[tuple[Settings, Engine]]:
    """Settings and the migrated database, for commands that use one store without the
    whole service; a service error inside exits 65 naming it; the engine is closed after."""
    from service.errors import ServiceError  # noqa: PLC0415
    from service.store.db import make_engine, migrate, private_dir  # noqa: PLC0415

    settings = load_settings()
    private_dir(settings.data_dir)
    engine = make_engine(settings.resolved_database_url())
    try:
        migrate(engine)
        yield settings, engine
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    finally:
        engine.dispose()
