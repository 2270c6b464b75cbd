"""Stored alignments: ``GET /alignments``, ``GET /alignments/{id}`` (with its units) and
``GET /alignments/{id}/tmx``.

The stored Vietnamese originals and French versions that share a URL are linked when they
are stored (:func:`service.align.links.link_document`) and at start-up: reading never writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from service.api.deps import AlignmentsDep, DocumentsDep, TranslationsDep
from service.api.routes.export import _TMX, Langs, LangTags, MinScore, tmx_response
from service.api.schemas import ErrorOut, IdPath, OffsetQuery
from service.export.units import unit_filter
from service.store.alignments import ALIGNMENT_KINDS, AlignmentSummary

router = APIRouter(tags=["alignment"])


class AlignmentOut(BaseModel):
    id: int
    kind: str
    name: str | None
    src_lang: str
    tgt_lang: str
    src_document_id: int | None
    tgt_document_id: int | None
    n_units: int
    meta: dict[str, Any]
    created_at: dt.datetime


class AlignmentUnitOut(BaseModel):
    idx: int
    src_lang: str
    tgt_lang: str
    src: str
    tgt: str
    src_idx: list[int]
    tgt_idx: list[int]
    score: float | None
    basis: str
    segtype: str


class AlignmentListOut(BaseModel):
    items: list[AlignmentOut]
    total: int
    offset: int
    limit: int


class AlignmentDetailOut(AlignmentOut):
    units: list[AlignmentUnitOut]
    offset: int
    next_offset: int | None


def _out(a: AlignmentSummary) -> dict[str, Any]:
    return {
        "id": a.id,
        "kind": a.kind,
        "name": a.name,
        "src_lang": a.src_lang,
        "tgt_lang": a.tgt_lang,
        "src_document_id": a.src_document_id,
        "tgt_document_id": a.tgt_document_id,
        "n_units": a.n_units,
        "meta": a.meta,
        "created_at": a.created_at,
    }


_KIND = "^(?:" + "|".join(ALIGNMENT_KINDS) + ")$"
_404: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "No such alignment"}
}


@router.get("/alignments", response_model=AlignmentListOut)
def list_alignments(
    *,
    alignments: AlignmentsDep,
    kind: Annotated[
        str | None, Query(pattern=_KIND, description="beads, cross-page or tmx")
    ] = None,
    offset: OffsetQuery = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AlignmentListOut:
    """Stored alignments, in id order, paginated."""
    items, total = alignments.list(offset=offset, limit=limit, kind=kind)
    return AlignmentListOut(
        items=[AlignmentOut(**_out(a)) for a in items], total=total, offset=offset, limit=limit
    )


@router.get("/alignments/{alignment_id}", response_model=AlignmentDetailOut, responses=_404)
def get_alignment(
    alignment_id: IdPath,
    *,
    alignments: AlignmentsDep,
    offset: OffsetQuery = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> AlignmentDetailOut:
    """One alignment and a page of its units (beads or pairs) with their scores."""
    summary = alignments.get(alignment_id)
    units = alignments.units(alignment_id, offset=offset, limit=limit)
    has_more = offset + len(units) < summary.n_units
    return AlignmentDetailOut(
        **_out(summary),
        units=[
            AlignmentUnitOut(
                idx=offset + i,
                src_lang=u.src_lang,
                tgt_lang=u.tgt_lang,
                src=u.src_text,
                tgt=u.tgt_text,
                src_idx=list(u.src_idx),
                tgt_idx=list(u.tgt_idx),
                score=u.score,
                basis=u.basis,
                segtype=u.segtype,
            )
            for i, u in enumerate(units)
        ],
        offset=offset,
        next_offset=offset + len(units) if has_more else None,
    )


@router.get("/alignments/{alignment_id}/tmx", response_class=StreamingResponse, responses=_TMX)
def alignment_tmx(
    alignment_id: IdPath,
    *,
    alignments: AlignmentsDep,
    documents: DocumentsDep,
    translations: TranslationsDep,
    min_score: MinScore = 0.0,
    langs: Langs = "fr,vi,en",
    lang_tags: LangTags = None,
) -> StreamingResponse:
    """One stored alignment's units as TMX 1.4b (deduplicated, conflicts ranked)."""
    flt = unit_filter(
        min_score, None, langs, None, lang_tags=[lang_tags or ""], alignments=str(alignment_id)
    )
    return tmx_response(
        documents, translations, alignments, flt, f"triglot-alignment-{alignment_id}.tmx"
    )
