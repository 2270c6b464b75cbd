"""From bytes to a stored, analysed document. Every bad input gets an error that names it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aligner import AlignerError, analyze
from aligner.pairs import AlignedPair, page_pairs, residue_pairs
from service.align.files import decode_page
from service.align.html import HtmlPage, extract
from service.errors import BadInputError, ServiceError
from service.store.documents import DocumentStore, HtmlSource, StoredDocument
from service.textcheck import text_problem

if TYPE_CHECKING:
    from service.fetch.web import Fetcher


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
    store: DocumentStore,
    files: Iterable[Path],
    *,
    max_bytes: int,
    url: str | None = None,
    html_max_bytes: int = 0,
) -> Iterator[IngestResult]:
    """Ingest each file in its own transaction; a bad file is reported, the others go on.
    ``.html``/``.htm``/``.xhtml`` files are read as HTML (up to ``html_max_bytes``)."""
    for path in files:
        try:
            data = path.read_bytes()
            if path.suffix.lower() in (".html", ".htm", ".xhtml"):
                doc, created = ingest_html(
                    store, data, name=path.name, url=url, max_bytes=max(max_bytes, html_max_bytes)
                )
            else:
                doc, created = ingest_bytes(
                    store, data, name=path.name, max_bytes=max_bytes, url=url
                )
        except OSError as exc:
            yield IngestResult(path, None, False, BadInputError(f"{path}: {exc.strerror}"))
        except ServiceError as exc:
            yield IngestResult(path, None, False, exc)
        else:
            yield IngestResult(path, doc, created, None)


def html_source(extracted: HtmlPage) -> HtmlSource:
    return HtmlSource(
        extracted.html,
        extracted.charset,
        tuple((ln.path, ln.start, ln.end) for ln in extracted.lines),
    )


def ingest_html(
    store: DocumentStore,
    data: bytes,
    *,
    name: str | None,
    url: str | None = None,
    declared_charset: str | None = None,
    max_bytes: int,
) -> tuple[StoredDocument, bool]:
    """Extract the text of an HTML page, analyse and pair it, store it with its HTML.

    ``url`` is where the page was found: it is the page's source URL only when the page names
    none itself (a French page's ``Source:`` line names its Vietnamese original)."""
    extracted = extract(
        data, url=url, declared_charset=declared_charset, name=name or "page", max_bytes=max_bytes
    )
    try:
        page = analyze(extracted.text)
        if page.meta.source_url is None and (extracted.url or url):
            page = analyze(extracted.text, url=extracted.url or url)
        pairs = tuple(residue_pairs(page))
    except AlignerError as exc:
        raise BadInputError(f"{name or 'page'}: {exc}") from exc
    return store.add(page, name=name, pairs=pairs, html=html_source(extracted))


@dataclass(frozen=True, slots=True)
class UrlIngest:
    """A page fetched and stored; for a French page, the Vietnamese original its ``Source:``
    line names (stored or found stored) and the pairs across the two pages."""

    document: StoredDocument
    created: bool
    original: StoredDocument | None = None
    cross_pairs: tuple[AlignedPair, ...] = ()
    warnings: tuple[str, ...] = ()


def ingest_url(
    store: DocumentStore,
    fetcher: Fetcher,
    url: str,
    *,
    follow_source: bool,
    name: str | None = None,
    max_bytes: int,
) -> UrlIngest:
    """Fetch ``url``, store the page; with ``follow_source``, also the Vietnamese original."""
    doc, created = _fetch_and_store(store, fetcher, url, name=name, max_bytes=max_bytes)
    meta = doc.page.meta
    if not follow_source or meta.lang != "fr" or not meta.source_url:
        return UrlIngest(doc, created)
    original = store.find_by_url(meta.source_url, lang="vi")
    if original is None:
        try:
            original, _ = _fetch_and_store(
                store, fetcher, meta.source_url, name=None, max_bytes=max_bytes
            )
        except ServiceError as exc:
            return UrlIngest(doc, created, warnings=(f"Vietnamese original not fetched: {exc}",))
    if original.page.meta.lang != "vi":
        warning = f"{meta.source_url} is in {original.page.meta.lang}, not Vietnamese"
        return UrlIngest(doc, created, warnings=(warning,))
    cross = tuple(page_pairs(original.page, doc.page))
    return UrlIngest(doc, created, original, cross)


def _fetch_and_store(
    store: DocumentStore, fetcher: Fetcher, url: str, *, name: str | None, max_bytes: int
) -> tuple[StoredDocument, bool]:
    fetched = fetcher.fetch(url)
    if fetched.media_type == "text/plain":
        text = decode_page(fetched.body, name=url, max_bytes=max_bytes)
        return ingest_text(store, text, name=name, url=fetched.final_url)
    return ingest_html(
        store,
        fetched.body,
        name=name,
        url=fetched.final_url,
        declared_charset=fetched.charset,
        max_bytes=max_bytes,
    )
