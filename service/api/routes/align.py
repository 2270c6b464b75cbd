"""``POST /align``: two documents aligned sentence by sentence (nothing is stored)."""

from __future__ import annotations

from fastapi import APIRouter

from aligner.sentences import split as split_sentences
from service.align.alignment import align_sentences
from service.api.deps import SettingsDep
from service.api.schemas import INPUT_ERRORS, AlignIn, AlignOut, BeadOut
from service.errors import BadInputError, TooLargeError
from service.textcheck import text_problem

router = APIRouter(tags=["alignment"])


@router.post("/align", response_model=AlignOut, responses=INPUT_ERRORS)
def post_align(body: AlignIn, settings: SettingsDep) -> AlignOut:
    """Align two documents sentence by sentence. Lists are taken as sentences; a text is
    split into sentences line by line. Every sentence of both sides is in exactly one bead,
    in order; `[5]:[]`-style beads are unmatched sentences."""
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
    return AlignOut(
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
