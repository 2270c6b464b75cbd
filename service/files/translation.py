"""One uploaded file translated: its texts counted against the limit, the source language
detected with ``auto``, then translated in one batch, with a glossary enforced if one is given
(as ``/translate`` does for plain text)."""

from __future__ import annotations

from dataclasses import dataclass, field

from glossary import Glossary
from glossary.enforcement import Enforced
from service.errors import TooLargeError
from service.files.formats import translate_file
from service.mt.argos import ArgosEngine
from service.mt.engine import Provenance
from service.mt.texts import detect_lang, translate_with_glossary

DETECT_CHARS = 4096
"""Characters read to detect a file's language (LibreTranslate reads as many)."""


@dataclass(slots=True)
class FileTranslated:
    """``data``: the translated file; ``src_lang``: the language translated from;
    ``detected``: (language, confidence 0-100) with ``auto``; ``chars``: characters
    translated; ``reports``: per text, the glossary enforced (empty without a glossary)."""

    data: bytes = b""
    src_lang: str = ""
    detected: tuple[str, float] | None = None
    chars: int = 0
    provenance: Provenance | None = None
    reports: list[Enforced] = field(default_factory=list)


def translate_upload(
    engine: ArgosEngine,
    suffix: str,
    data: bytes,
    *,
    src_lang: str,
    tgt_lang: str,
    glossary: Glossary | None,
    max_chars: int,
) -> FileTranslated:
    """Translate a checked file of format ``suffix`` (blocking: run it in a worker thread).
    Over ``max_chars`` characters of text: :class:`TooLargeError`, nothing translated."""
    out = FileTranslated(src_lang=src_lang)

    def run(texts: list[str]) -> list[str]:
        out.chars = sum(len(t) for t in texts)
        if out.chars > max_chars:
            raise TooLargeError(
                f"file: {out.chars} characters to translate, over the limit of {max_chars} "
                "(TRIGLOT_FILE_MAX_CHARS)"
            )
        if src_lang == "auto":
            out.detected = detect_lang("\n".join(texts)[:DETECT_CHARS])
            out.src_lang = out.detected[0]
        if glossary is not None:
            done, out.reports, _alternatives = translate_with_glossary(
                engine, texts, glossary, out.src_lang, tgt_lang
            )
        else:
            done = engine.translate(texts, src_lang=out.src_lang, tgt_lang=tgt_lang)
        out.provenance = done[0].provenance if done else None
        return [d.text for d in done]

    out.data = translate_file(suffix, data, run)
    return out
