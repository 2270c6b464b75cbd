"""Sentence alignment at the edge: input checks shared by the CLI and the API."""

from __future__ import annotations

from collections.abc import Sequence

from aligner import AlignerError
from aligner.beads import AlignParams, Bead, align
from aligner.langid import document_lang
from service.errors import BadInputError

ALIGN_LANGS = ("fr", "vi", "en")


def check_lang(code: str, *, field: str) -> str:
    if code not in ALIGN_LANGS:
        raise BadInputError(
            f"{field}: {code!r} is not a supported language; use one of {', '.join(ALIGN_LANGS)}"
        )
    return code


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    max_size: int = 3,
    check_langs: bool = True,
    src_name: str = "src",
    tgt_name: str = "tgt",
) -> list[Bead]:
    """Align two sentence lists; the declared languages are checked against the text."""
    check_lang(src_lang, field="src_lang")
    check_lang(tgt_lang, field="tgt_lang")
    if not any(s.strip() for s in src) and not any(t.strip() for t in tgt):
        raise BadInputError(f"{src_name} and {tgt_name} are both empty: nothing to align")
    if check_langs:
        for name, sentences, declared in ((src_name, src, src_lang), (tgt_name, tgt, tgt_lang)):
            found = document_lang(list(sentences))
            if found not in ("und", declared):
                raise BadInputError(
                    f"{name} reads as {found!r}, not the declared {declared!r}: check the "
                    "language codes or the order of the two inputs"
                )
    try:
        params = AlignParams(max_size=max_size)
        return align(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, params=params)
    except AlignerError as exc:
        raise BadInputError(str(exc)) from exc
