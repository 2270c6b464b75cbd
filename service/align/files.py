"""Page files as the CLI and the ingest take them: which files, and their text. Light: no
analysis, no storage, so that commands which only read files start fast."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from service.errors import BadInputError, NotTextError, TooLargeError


def decode_page(data: bytes, *, name: str, max_bytes: int, allow_empty: bool = False) -> str:
    """UTF-8 text of a page (a leading BOM is dropped).

    Raises :class:`TooLargeError` over ``max_bytes``, :class:`NotTextError` for bytes that are
    not UTF-8 or hold NUL characters, :class:`BadInputError` for an empty page.
    """
    if len(data) > max_bytes:
        raise TooLargeError(
            f"{name}: {len(data)} bytes is over the page size limit of {max_bytes} bytes "
            "(setting TRIGLOT_MAX_PAGE_BYTES)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        raise NotTextError(
            f"{name}: not UTF-8 text (byte 0x{bad:02x} at offset {exc.start} is invalid); "
            "convert the page to UTF-8 first"
        ) from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise NotTextError(
            f"{name}: holds NUL characters at offset {text.index(chr(0))}: not a text page"
        )
    if not text.strip() and not allow_empty:
        raise BadInputError(f"{name}: the page is empty")
    return text


PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")
"""The files a folder's pages are taken from: page text, or HTML pages."""


def collect_pages(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the ``*.txt`` files under folders named, in a stable order.

    Raises :class:`BadInputError` for a path that does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
                )
            )
        elif path.is_file():
            found.append(path)
        else:
            raise BadInputError(f"{path}: no such file or folder")
    return found
