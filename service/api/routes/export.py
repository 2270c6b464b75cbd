"""TMX downloads and the same aligned units as JSON (``/pairs``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from aligner import KINDS
from service.api.deps import AlignmentsDep, DocumentsDep, TranslationsDep
from service.api.schemas import ErrorOut, IdPath, OffsetQuery
from service.export.tmx import TmxWriter
from service.export.units import (
    ExportUnit,
    UnitFilter,
    build_export,
    check_known,
    iter_units,
    tool_version,
    unit_filter,
)
from service.store.alignments import AlignmentStore
from service.store.documents import DocumentStore
from service.store.translations import TranslationStore

router = APIRouter(tags=["export"])

MinScore = Annotated[float, Query(ge=0.0, le=1.0, description="Lowest alignment score")]
_KIND = "(?:" + "|".join((*KINDS, "slug")) + ")"
Kinds = Annotated[
    str | None,
    Query(description="Comma-separated segment kinds (or slug)", pattern=f"^{_KIND}(?:,{_KIND})*$"),
]
_DISTINCT_LANGS = "^(?:{})$".format(  # every order of two or three different languages
    "|".join(",".join(p) for n in (2, 3) for p in itertools.permutations(("fr", "vi", "en"), n))
)
Langs = Annotated[
    str,
    Query(
        description="Two or three different ones of fr,vi,en, comma-separated",
        pattern=_DISTINCT_LANGS,
    ),
]
Documents = Annotated[
    str | None,
    Query(
        description="Comma-separated document ids",
        pattern=r"^[1-9][0-9]{0,17}(?:,[1-9][0-9]{0,17})*$",
    ),
]
IncludeSlugs = Annotated[
    bool,
    Query(
        description="Also export URL slugs (Vietnamese without diacritics), tagged x-vi-slug, "
        "never as a vi variant"
    ),
]
LangTags = Annotated[
    str | None,
    Query(
        description="Language tags to write, comma-separated code=tag: fr=fr-FR,vi=vi-VN,en-GB",
        max_length=200,
        pattern=r"^[a-z]{2}=[A-Za-z0-9-]{2,20}(?:,[a-z]{2}=[A-Za-z0-9-]{2,20})*$",
    ),
]
Alignments = Annotated[
    str | None,
    Query(
        description="Comma-separated stored alignment ids (default: every stored alignment)",
        pattern=r"^[1-9][0-9]{0,17}(?:,[1-9][0-9]{0,17})*$",
    ),
]
_TMX: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/x-tmx+xml": {}}, "description": "TMX 1.4b"},
    404: {"model": ErrorOut, "description": "No such document"},
    422: {"model": ErrorOut, "description": "Invalid filter"},
}


def tmx_response(
    documents: DocumentStore,
    translations: TranslationStore,
    alignments: AlignmentStore | None,
    flt: UnitFilter,
    filename: str,
) -> StreamingResponse:
    """The export as a TMX download (404 first for a document or alignment not stored)."""
    check_known(flt, documents, alignments)

    def body() -> Iterator[bytes]:
        export = build_export(documents, translations, alignments, flt)
        writer = TmxWriter(tool_version(), srclang=export.srclang, segtype=export.segtype)
        for chunk in export.stream(writer):
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
    alignments: AlignmentsDep,
    min_score: MinScore = 0.0,
    kinds: Kinds = None,
    langs: Langs = "fr,vi,en",
    include_slugs: IncludeSlugs = False,
    lang_tags: LangTags = None,
) -> StreamingResponse:
    """One document's aligned units (and those of the alignments linked to it) as TMX 1.4b
    (English marked as machine translation)."""
    flt = unit_filter(
        min_score,
        kinds,
        langs,
        str(doc_id),
        include_slugs=include_slugs,
        lang_tags=[lang_tags or ""],
    )
    return tmx_response(documents, translations, alignments, flt, f"triglot-document-{doc_id}.tmx")


@router.get("/tmx", response_class=StreamingResponse, responses=_TMX)
def corpus_tmx(
    *,
    store: DocumentsDep,
    translations: TranslationsDep,
    alignments_store: AlignmentsDep,
    min_score: MinScore = 0.0,
    kinds: Kinds = None,
    langs: Langs = "fr,vi,en",
    documents: Documents = None,
    include_slugs: IncludeSlugs = False,
    lang_tags: LangTags = None,
    alignments: Alignments = None,
) -> StreamingResponse:
    """The whole corpus (or the documents and alignments named) as TMX 1.4b: residue pairs
    and stored alignments, deduplicated (``x-occurrences``), conflicts ranked and marked."""
    flt = unit_filter(
        min_score,
        kinds,
        langs,
        documents,
        include_slugs=include_slugs,
        lang_tags=[lang_tags or ""],
        alignments=alignments,
    )
    return tmx_response(store, translations, alignments_store, flt, "triglot-corpus.tmx")


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
