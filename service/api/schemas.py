"""JSON shapes of the HTTP API (pydantic, edge only); page analyses in ``service.align.shapes``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from service.align.shapes import (
    AnalysisOut,
    PairOut,
    analysis_out,
)
from service.store.db import MAX_ID
from service.store.documents import DocumentSummary, StoredDocument
from service.store.translations import SegmentTranslation

# Ids, versions and offsets over MAX_ID (64 bits) are refused (422).
IdPath = Annotated[int, Path(ge=1, le=MAX_ID, examples=[1])]
GlossaryName = Annotated[
    str, Path(max_length=100, examples=["vn-government-news"], description="Glossary name")
]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_ID)]
VersionQuery = Annotated[int, Query(ge=1, le=MAX_ID)]


class AlignmentsOut(BaseModel):
    document_id: int
    pairs: list[PairOut]


class DocumentOut(AnalysisOut):
    id: int
    name: str | None
    sha256: str
    created_at: dt.datetime
    created: bool | None = Field(None, description="On POST: whether this call stored it")
    original_id: int | None = Field(
        None, description="On POST with a fetched `url`: the stored Vietnamese original"
    )
    cross_pairs: list[PairOut] = Field(
        default_factory=list,
        description="On POST with a fetched `url`: pairs between the original and this page",
    )
    warnings: list[str] = Field(default_factory=list, description="What could not be done")


class DocumentSummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str | None
    lang: str
    source_url: str | None
    title: str | None
    n_segments: int
    created_at: dt.datetime


class DocumentListOut(BaseModel):
    items: list[DocumentSummaryOut]
    total: int
    offset: int
    limit: int


class DocumentIn(BaseModel):
    text: str | None = Field(
        None,
        json_schema_extra={"pattern": r"\S"},  # a blank page is refused (422)
        description="The page text, one block per line; without it, `url` is fetched",
    )
    url: str | None = Field(
        None,
        max_length=2000,
        description="With `text`: its source URL, if the page does not carry one. Alone: the "
        "page to fetch (HTML or text)",
    )
    name: str | None = Field(None, max_length=500, description="A name to list it by")
    follow_source: StrictBool = Field(
        True,
        description="When `url` is fetched and the page is French: also fetch and store the "
        "Vietnamese original its `Source:` line names, and pair the two pages",
    )


class AlignIn(BaseModel):
    src: str | list[str] = Field(
        description="Source document: a list of sentences, or a text that Triglot splits"
    )
    tgt: str | list[str] = Field(description="Target document, as `src`")
    src_lang: Literal["fr", "vi", "en"] = Field("fr", description="fr, vi or en")
    tgt_lang: Literal["fr", "vi", "en"] = Field("vi", description="fr, vi or en")
    max_size: int = Field(3, ge=1, le=6, description="Most sentences on one side of a bead")
    check_langs: bool = Field(True, description="Refuse text not in the declared language")


class BeadOut(BaseModel):
    src_idx: list[int]
    tgt_idx: list[int]
    score: float = Field(description="exp(-cost) of the bead, in [0, 1]")
    src: str = Field(description="The bead's source sentences joined by a space")
    tgt: str


class AlignOut(BaseModel):
    beads: list[BeadOut]
    src_sentences: list[str]
    tgt_sentences: list[str]


class SegmentTranslationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    segment_idx: int
    src_lang: str
    source: str
    text: str
    engine: str
    packages: list[str]
    pivot: str | None
    glossary_version: str | None = Field(description="NAME@VERSION of the glossary enforced")
    stale: bool = Field(
        default=False, description="Made with an older glossary version than the current one"
    )


class DocumentTranslationsOut(BaseModel):
    document_id: int
    target: str
    translations: list[SegmentTranslationOut]


def segment_translation_out(t: SegmentTranslation) -> SegmentTranslationOut:
    return SegmentTranslationOut.model_validate(t)


class TranslationHealth(BaseModel):
    packages: list[str]
    pairs: list[str]
    message: str


class HealthOut(BaseModel):
    status: str
    version: str
    database: str
    documents: int
    translation: TranslationHealth


class ErrorOut(BaseModel):
    error: str
    code: str


INPUT_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad request (e.g. body not UTF-8)"},
    413: {"model": ErrorOut, "description": "Over a size limit"},
    415: {"model": ErrorOut, "description": "Unsupported content type"},
    422: {"model": ErrorOut, "description": "Invalid input"},
}
"""The answers of routes that read a body."""


def document_out(doc: StoredDocument, *, created: bool | None = None) -> DocumentOut:
    analysis = analysis_out(doc.page, doc.pairs)
    return DocumentOut(
        **analysis.model_dump(),
        id=doc.id,
        name=doc.name,
        sha256=doc.sha256,
        created_at=doc.created_at,
        created=created,
    )


def summary_out(item: DocumentSummary) -> DocumentSummaryOut:
    return DocumentSummaryOut.model_validate(item)
