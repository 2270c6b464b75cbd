"""TMX downloads and the same aligned units as JSON (``/pairs``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from aligner import KINDS
from service.api.deps import DocumentsDep, TranslationsDep
from service.api.schemas import ErrorOut, IdPath, OffsetQuery
from service.export.tmx import TmxWriter
from service.export.units import (
    ExportUnit,
    UnitFilter,
    iter_units,
    to_tmx,
    tool_version,
    unit_filter,
)
from service.store.documents import DocumentStore
from service.store.translations import TranslationStore

router = APIRouter(tags=["export"])

MinScore = Annotated[float, Query(ge=0.0, le=1.0, description="Lowest alignment score")]
_KIND = "(?:" + "|".join((*KINDS, "slug")) + ")"
Kinds = Annotated[
    str | None,
    Query(description="Comma-separated segment kinds (or slug)", pattern=f"^{_KIND}(?:,{_KIND})*$"),
]
Langs = Annotated[
    str,
    Query(
        description="Two or more of fr,vi,en, comma-separated",
        pattern="^(?:fr|vi|en)(?:,(?:fr|vi|en))+$",
    ),
]
Documents = Annotated[
    str | None,
    Query(
        description="Comma-separated document ids",
        pattern=r"^[1-9][0-9]{0,17}(?:,[1-9][0-9]{0,17})*$",
    ),
]
_TMX: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/x-tmx+xml": {}}, "description": "TMX 1.4b"},
    404: {"model": ErrorOut, "description": "No such document"},
    422: {"model": ErrorOut, "description": "Invalid filter"},
}


def _tmx_response(
    documents: DocumentStore, translations: TranslationStore, flt: UnitFilter, filename: str
) -> StreamingResponse:
    writer = TmxWriter(tool_version())

    def body() -> Iterator[bytes]:
        units = (to_tmx(u, flt.langs) for u in iter_units(documents, translations, flt))
        for chunk in writer.stream(units):
            yield chunk.encode("utf-8")

    return StreamingResponse(
        body(),
        media_type="application/x-tmx+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/documents/{doc_id}/tmx", response_class=StreamingResponse, responses=_TMX)
def document_tmx(
    doc_id: IdPath,
    *,
    documents: DocumentsDep,
    translations: TranslationsDep,
    min_score: MinScore = 0.0,
    kinds: Kinds = None,
    langs: Langs = "fr,vi,en",
) -> StreamingResponse:
    """One document's aligned units as TMX 1.4b (English marked as machine translation)."""
    documents.get(doc_id)  # 404 for an unknown id
    flt = unit_filter(min_score, kinds, langs, str(doc_id))
    return _tmx_response(documents, translations, flt, f"triglot-document-{doc_id}.tmx")


@router.get("/tmx", response_class=StreamingResponse, responses=_TMX)
def corpus_tmx(
    *,
    store: DocumentsDep,
    translations: TranslationsDep,
    min_score: MinScore = 0.0,
    kinds: Kinds = None,
    langs: Langs = "fr,vi,en",
    documents: Documents = None,
) -> StreamingResponse:
    """The whole corpus (or the documents named) as TMX 1.4b, streamed."""
    flt = unit_filter(min_score, kinds, langs, documents)
    return _tmx_response(store, translations, flt, "triglot-corpus.tmx")


def unit_json(unit: ExportUnit, langs: tuple[str, ...]) -> dict[str, Any]:
    pair = unit.pair
    english = unit.english
    return {
        "id": unit.tuid,
        "document_id": unit.document_id,
        "source_url": unit.source_url,
        "texts": unit.texts(langs),
        "langs": {"vi": pair.vi.lang, "fr": pair.fr.lang},
        "kinds": {"vi": pair.vi.kind, "fr": pair.fr.kind},
        "score": pair.score,
        "method": pair.method,
        "basis": pair.basis,
        "evidence": [
            {"kind": e.kind, "anchor": e.anchor, "label": e.label, "weight": e.weight}
            for e in pair.evidence
        ],
        "provenance": None
        if english is None
        else {
            "engine": english.engine,
            "packages": list(english.packages),
            "glossary_version": english.glossary_version,
            "glossary_stale": english.stale,
            "machine_translation": True,
        },
    }


@router.get("/pairs", responses={422: {"model": ErrorOut, "description": "Invalid filter"}})
def pairs(
    *,
    store: DocumentsDep,
    translations: TranslationsDep,
    min_score: MinScore = 0.0,
    kinds: Kinds = None,
    langs: Langs = "fr,vi,en",
    documents: Documents = None,
    offset: OffsetQuery = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The aligned units of the TMX export as JSON, with the same filters, paginated."""
    flt = unit_filter(min_score, kinds, langs, documents)
    items = []
    has_more = False
    for seen, unit in enumerate(iter_units(store, translations, flt)):
        if seen >= offset + limit:
            has_more = True
            break
        if seen >= offset:
            items.append(unit_json(unit, flt.langs))
    return {
        "items": items,
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if has_more else None,
    }
