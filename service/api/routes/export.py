"""TMX downloads and the same aligned units as JSON (``/pairs``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from aligner import KINDS
from service.api.schemas import MAX_ID, ErrorOut, IdPath, OffsetQuery
from service.errors import BadInputError
from service.export.tmx import TmxWriter
from service.export.units import (
    UNIT_LANGS,
    ExportUnit,
    UnitFilter,
    iter_units,
    to_tmx,
    tool_version,
)

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


def unit_filter(
    min_score: float, kinds: str | None, langs: str, documents: str | None
) -> UnitFilter:
    """A filter from query values; each bad value is named."""
    kind_set = None
    if kinds:
        kind_set = frozenset(k.strip() for k in kinds.split(",") if k.strip())
        unknown = sorted(kind_set - {*KINDS, "slug"})
        if unknown:
            raise BadInputError(f"kinds: unknown {unknown}; use {', '.join((*KINDS, 'slug'))}")
    lang_list = tuple(dict.fromkeys(x.strip() for x in langs.split(",") if x.strip()))
    if not set(lang_list) <= set(UNIT_LANGS) or len(lang_list) < 2:
        raise BadInputError(f"langs: give two or more of {', '.join(UNIT_LANGS)}, not {langs!r}")
    doc_set = None
    if documents:
        try:
            doc_set = frozenset(int(x) for x in documents.split(",") if x.strip())
        except ValueError:
            raise BadInputError(f"documents: comma-separated ids, not {documents!r}") from None
        if any(not 1 <= d <= MAX_ID for d in doc_set):
            raise BadInputError(f"documents: ids are between 1 and {MAX_ID}")
    return UnitFilter(min_score=min_score, kinds=kind_set, langs=lang_list, documents=doc_set)


def _tmx_response(request: Request, flt: UnitFilter, filename: str) -> StreamingResponse:
    services = request.app.state.services
    writer = TmxWriter(tool_version())

    def body() -> Iterator[bytes]:
        units = (
            to_tmx(u, flt.langs) for u in iter_units(services.documents, services.translations, flt)
        )
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
    request: Request,
    *,
    min_score: MinScore = 0.0,
    kinds: Kinds = None,
    langs: Langs = "fr,vi,en",
) -> StreamingResponse:
    """One document's aligned units as TMX 1.4b (English marked as machine translation)."""
    request.app.state.services.documents.get(doc_id)  # 404 for an unknown id
    flt = unit_filter(min_score, kinds, langs, str(doc_id))
    return _tmx_response(request, flt, f"triglot-document-{doc_id}.tmx")


@router.get("/tmx", response_class=StreamingResponse, responses=_TMX)
def corpus_tmx(
    request: Request,
    *,
    min_score: MinScore = 0.0,
    kinds: Kinds = None,
    langs: Langs = "fr,vi,en",
    documents: Documents = None,
) -> StreamingResponse:
    """The whole corpus (or the documents named) as TMX 1.4b, streamed."""
    return _tmx_response(
        request, unit_filter(min_score, kinds, langs, documents), "triglot-corpus.tmx"
    )


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
            "machine_translation": True,
        },
    }


@router.get("/pairs", responses={422: {"model": ErrorOut, "description": "Invalid filter"}})
def pairs(
    request: Request,
    *,
    min_score: MinScore = 0.0,
    kinds: Kinds = None,
    langs: Langs = "fr,vi,en",
    documents: Documents = None,
    offset: OffsetQuery = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """The aligned units of the TMX export as JSON, with the same filters, paginated."""
    services = request.app.state.services
    flt = unit_filter(min_score, kinds, langs, documents)
    items = []
    has_more = False
    for seen, unit in enumerate(iter_units(services.documents, services.translations, flt)):
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
