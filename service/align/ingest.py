"""From bytes to a stored, analysed document. Every bad input gets an error that names it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aligner import AlignerError, analyze
from aligner.pairs import residue_pairs
from service.errors import BadInputError, NotTextError, ServiceError, TooLargeError
from service.store.documents import DocumentStore, StoredDocument
from service.textcheck import text_problem


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


def ingest_text(
    store: DocumentStore, text: str, *, name: str | None, url: str | None = None
) -> tuple[StoredDocument, bool]:
    """Analyse and pair one page, store both; returns the document and whether it is new."""
    label = name if name and text_problem(name, "name") is None else "page"
    for field, value in (("text", text), ("name", name), ("url", url)):
        problem = text_problem(value, f"{label}: {field}") if value else None
        if problem:
            raise BadInputError(problem)
    try:
        page = analyze(text, url=url)
        pairs = tuple(residue_pairs(page))
    except AlignerError as exc:
        raise BadInputError(f"{name or 'page'}: {exc}") from exc
    return store.add(page, name=name, pairs=pairs)


def ingest_bytes(
    store: DocumentStore,
    data: bytes,
    *,
    name: str,
    max_bytes: int,
    url: str | None = None,
) -> tuple[StoredDocument, bool]:
    text = decode_page(data, name=name, max_bytes=max_bytes)
    return ingest_text(store, text, name=name, url=url)


def collect_pages(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the ``*.txt`` files under folders named, in a stable order.

    Raises :class:`BadInputError` for a path that does not exist.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        elif path.is_file():
            found.append(path)
        else:
            raise BadInputError(f"{path}: no such file or folder")
    return found


@dataclass(frozen=True, slots=True)
class IngestResult:
    path: Path
    document: StoredDocument | None
    created: bool
    error: ServiceError | None


def ingest_files(
    store: DocumentStore, files: Iterable[Path], *, max_bytes: int, url: str | None = None
) -> Iterator[IngestResult]:
    """Ingest each file in its own transaction; a bad file is reported, the others go on."""
    for path in files:
        try:
            data = path.read_bytes()
            doc, created = ingest_bytes(store, data, name=path.name, max_bytes=max_bytes, url=url)
        except OSError as exc:
            yield IngestResult(path, None, False, BadInputError(f"{path}: {exc.strerror}"))
        except ServiceError as exc:
            yield IngestResult(path, None, False, exc)
        else:
            yield IngestResult(path, doc, created, None)
