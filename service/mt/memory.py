"""Translation memory first: each text is looked up in the stored aligned corpus
(:mod:`service.tm`) before the engine translates it.

An exact or fuzzy match (rapidfuzz similarity at the memory's threshold or above) is the
answer, with ``provenance.origin`` ``tm-exact`` or ``tm-fuzzy`` and its score; the engine
translates the others (``origin`` ``mt``). A glossary still applies to memory answers: its
terms are checked in them, admitted and forbidden variants post-edited to the preferred term,
and the report says so. HTML requests go to the engine as before.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

from anyio import to_thread

from glossary import Glossary
from glossary.enforcement import Enforced, enforce
from service.mt.argos import ArgosEngine
from service.mt.engine import Provenance, Translated
from service.mt.texts import TextsTranslated, detect_lang
from service.mt.texts import translate_texts as engine_texts
from service.tm.index import TmMatch
from service.tm.memory import TranslationMemory

TM_ENGINE = "triglot-tm"


def from_memory(
    match: TmMatch,
    source: str,
    *,
    src_lang: str,
    tgt_lang: str,
    glossary: Glossary | None = None,
) -> tuple[Translated, Enforced | None]:
    """A memory match as a translation, with ``glossary`` enforced on it (post-editing only:
    the memory's text is never sent to the engine)."""
    provenance = Provenance(
        TM_ENGINE,
        (match.entry.origin,) if match.entry.origin else (),
        None,
        "tm-exact" if match.exact else "tm-fuzzy",
        None if match.exact else match.similarity,
    )
    if glossary is None:
        return Translated(match.entry.target, (), provenance), None
    target = match.entry.target
    enforced = enforce(
        glossary,
        [source],
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        translate=lambda batch: [target for _ in batch],
    )[0]
    return Translated(enforced.text, (), provenance), enforced


async def translate_texts(
    engine: ArgosEngine,
    texts: list[str],
    *,
    memory: TranslationMemory | None,
    src_lang: str,
    tgt_lang: str,
    text_format: Literal["text", "html"] = "text",
    alternatives: int = 0,
    glossary: Glossary | None = None,
) -> TextsTranslated:
    """As :func:`service.mt.texts.translate_texts`, the memory answering first."""

    async def engine_only() -> TextsTranslated:
        return await engine_texts(
            engine,
            texts,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            text_format=text_format,
            alternatives=alternatives,
            glossary=glossary,
        )

    if memory is None or not memory.enabled or text_format != "text":
        return await engine_only()
    detected = [detect_lang(t) for t in texts] if src_lang == "auto" else []
    langs = [d[0] for d in detected] if detected else [src_lang] * len(texts)
    matches: list[TmMatch | None] = [None] * len(texts)
    for lang in set(langs):
        idxs = [i for i, x in enumerate(langs) if x == lang]
        chunk = [texts[i] for i in idxs]
        # On the event loop when no query or fuzzy search is needed (an empty memory, exact
        # matches); otherwise in a worker thread, off the loop.
        found = memory.lookup_now(chunk, src_lang=lang, tgt_lang=tgt_lang)
        if found is None:
            found = await to_thread.run_sync(
                partial(memory.lookup, chunk, src_lang=lang, tgt_lang=tgt_lang)
            )
        for i, m in zip(idxs, found, strict=True):
            matches[i] = m
    if not any(matches):
        return await engine_only()
    results: list[Translated | None] = [None] * len(texts)
    reports: list[Enforced | None] = [None] * len(texts)
    alt_reports: list[list[Enforced]] = [[] for _ in texts]  # a memory answer has none
    for i, match in enumerate(matches):
        if match is not None:
            results[i], reports[i] = from_memory(
                match, texts[i], src_lang=langs[i], tgt_lang=tgt_lang, glossary=glossary
            )
    for lang in set(langs):
        rest = [i for i, x in enumerate(langs) if x == lang and matches[i] is None]
        if not rest:
            continue
        done = await engine_texts(
            engine,
            [texts[i] for i in rest],
            src_lang=lang,
            tgt_lang=tgt_lang,
            alternatives=alternatives,
            glossary=glossary,
        )
        for k, i in enumerate(rest):
            results[i], reports[i] = done.results[k], done.reports[k]
            if done.alternative_reports:
                alt_reports[i] = done.alternative_reports[k]
    return TextsTranslated(
        [r for r in results if r is not None],
        reports,
        detected,
        alt_reports if glossary is not None else [],
    )
