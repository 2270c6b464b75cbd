"""``POST /align``: two documents aligned sentence by sentence; with ``store``, the beads are
stored as an alignment (``GET /alignments/{id}``, TMX, translation memory)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from aligner.sentences import split as split_sentences
from service.align.alignment import align_sentences
from service.align.links import store_beads
from service.api.access import KeyRequiredError
from service.api.deps import AlignmentsDep, GuardDep, MemoryDep, SettingsDep
from service.api.schemas import INPUT_ERRORS, AlignIn, AlignOut, BeadOut
from service.errors import BadInputError, TooLargeError
from service.textcheck import text_problem

router = APIRouter(tags=["alignment"])


class AlignStoreIn(AlignIn):
    store: bool = Field(
        False,
        description="Store the beads as an alignment (needs a key when TRIGLOT_API_KEYS is set)",
    )
    name: str | None = Field(None, max_length=500, description="Name of the stored alignment")


class AlignStoredOut(AlignOut):
    alignment_id: int | None = Field(None, description="With store: the stored alignment")


@router.post("/align", response_model=AlignStoredOut, responses=INPUT_ERRORS)
def post_align(
    body: AlignStoreIn,
    settings: SettingsDep,
    alignments: AlignmentsDep,
    key: GuardDep,
    memory: MemoryDep,
) -> AlignStoredOut:
    """Align two documents sentence by sentence. Lists are taken as sentences; a text is
    split into sentences line by line. Every sentence of both sides is in exactly one bead,
    in order; `[5]:[]`-style beads are unmatched sentences. With `store`, the matched beads
    are stored with their scores and `alignment_id` names them."""
    if body.store and settings.api_keys and key is None:
        raise KeyRequiredError(
            "POST /align with store needs an API key: send Authorization: Bearer KEY "
            "or X-API-Key: KEY (keys are made with `triglot keys add NAME`)"
        )
    if body.name is not None and (problem := text_problem(body.name, "name")):
        raise BadInputError(problem)
    limit = settings.max_document_bytes
    src, tgt = _sentences(body.src, "src", limit), _sentences(body.tgt, "tgt", limit)
    beads = align_sentences(
        src,
        tgt,
        src_lang=body.src_lang,
        tgt_lang=body.tgt_lang,
        max_size=body.max_size,
        check_langs=body.check_langs,
    )
    stored = None
    if body.store:
        stored = store_beads(
            alignments,
            beads,
            src,
            tgt,
            src_lang=body.src_lang,
            tgt_lang=body.tgt_lang,
            name=body.name,
            meta={"max_size": body.max_size},
        ).id
        memory.invalidate()
    return AlignStoredOut(
        alignment_id=stored,
        beads=[
            BeadOut(
                src_idx=list(b.src_idx),
                tgt_idx=list(b.tgt_idx),
                score=b.score,
                src=" ".join(src[i] for i in b.src_idx),
                tgt=" ".join(tgt[j] for j in b.tgt_idx),
            )
            for b in beads
        ],
        src_sentences=src,
        tgt_sentences=tgt,
    )


def _sentences(value: str | list[str], field: str, limit: int) -> list[str]:
    """A side of the request as sentences, each checked for control characters and the whole
    against the document size limit."""
    items = [value] if isinstance(value, str) else value
    for i, item in enumerate(items):
        problem = text_problem(item, field if isinstance(value, str) else f"{field}[{i}]")
        if problem:
            raise BadInputError(problem)
    size = sum(len(s.encode("utf-8")) for s in items)
    if size > limit:
        raise TooLargeError(
            f"{field}: {size} bytes is over the document size limit of {limit} "
            "bytes (setting TRIGLOT_MAX_DOCUMENT_BYTES)"
        )
    if isinstance(value, list):
        return value
    return [s for line in value.splitlines() for s in split_sentences(line)]
