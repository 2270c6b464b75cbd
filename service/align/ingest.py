"""From bytes to a stored, analysed document. Every bad input gets an error that names it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from aligner import AlignerError, analyze
from aligner.pairs import residue_pairs
from service.align.files import decode_page
from service.errors import BadInputError, ServiceError
from service.store.documents import DocumentStore, StoredDocument
from service.textcheck import text_problem


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
