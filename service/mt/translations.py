"""English (or another language) for stored documents: translate segments, store with
provenance (engine, packages, glossary version), one transaction per document; and the
background job that re-translates English made stale by a glossary approval."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from aligner import Segment
from glossary import Glossary
from glossary.enforcement import enforce
from service.mt.engine import Provenance, Translated, TranslationEngine
from service.mt.memory import from_memory
from service.store.documents import DocumentStore
from service.store.glossaries import NONE, GlossaryStore
from service.store.translations import SegmentTranslation, TranslationStore
from service.tm.memory import TranslationMemory

TRANSLATED_LANGS = ("fr", "vi", "en")


def translate_document(
    documents: DocumentStore,
    store: TranslationStore,
    engine: TranslationEngine,
    doc_id: int,
    *,
    tgt_lang: str = "en",
    glossary: tuple[Glossary, int] | None = None,
    progress: Callable[[int], object] | None = None,
    memory: TranslationMemory | None = None,
) -> list[SegmentTranslation]:
    """Translate every French and Vietnamese segment (but the source URL line) of a document
    into ``tgt_lang`` and store the results; with ``glossary`` (a glossary and its version
    number), its terms are enforced and the version recorded. Repeated texts are translated
    once; with ``memory``, texts it matches take its translation (glossary still enforced,
    ``engine`` ``triglot-tm``, ``packages`` the match kind and its origin). Raises the
    engine's error (with the missing pair named) before anything is stored."""
    doc = documents.get(doc_id)
    by_lang = _to_translate(doc.page.segments, tgt_lang)
    done_by_lang: dict[str, dict[str, Translated]] = {}
    for src_lang, idxs in sorted(by_lang.items()):
        unique = list(dict.fromkeys(doc.page.segments[i].text for i in idxs))
        done = _from_memory(memory, unique, src_lang, tgt_lang, glossary)
        rest = [t for t in unique if t not in done]
        if rest:
            done |= dict(
                zip(rest, _translate(engine, rest, src_lang, tgt_lang, glossary), strict=True)
            )
        done_by_lang[src_lang] = done
        if progress is not None:
            progress(len(idxs))
    out = _rows(doc.page.segments, by_lang, done_by_lang, tgt_lang, glossary)
    store.replace(doc_id, tgt_lang, out)
    return out


def translate_documents(
    documents: DocumentStore,
    store: TranslationStore,
    engine: TranslationEngine,
    doc_ids: Sequence[int],
    *,
    tgt_lang: str = "en",
) -> dict[int, list[SegmentTranslation]]:
    """:func:`translate_document` (no glossary, no memory) for several documents at once: the
    unique texts of every document in one engine call per source language (the engine batches
    them: fewer, fuller batches than one call per document), then each document's results
    stored in its own transaction. Raises the engine's error before anything is stored."""
    docs = [documents.get(doc_id) for doc_id in doc_ids]
    plans = [_to_translate(doc.page.segments, tgt_lang) for doc in docs]
    texts: dict[str, list[str]] = {}
    for doc, by_lang in zip(docs, plans, strict=True):
        for src_lang, idxs in by_lang.items():
            texts.setdefault(src_lang, []).extend(doc.page.segments[i].text for i in idxs)
    done_by_lang: dict[str, dict[str, Translated]] = {}
    for src_lang, all_texts in sorted(texts.items()):
        unique = list(dict.fromkeys(all_texts))
        done_by_lang[src_lang] = dict(
            zip(unique, _translate(engine, unique, src_lang, tgt_lang, None), strict=True)
        )
    out: dict[int, list[SegmentTranslation]] = {}
    for doc, by_lang in zip(docs, plans, strict=True):
        rows = _rows(doc.page.segments, by_lang, done_by_lang, tgt_lang, None)
        store.replace(doc.id, tgt_lang, rows)
        out[doc.id] = rows
    return out


def _to_translate(segments: Sequence[Segment], tgt_lang: str) -> dict[str, list[int]]:
    """Indices of the segments to translate into ``tgt_lang``, by source language."""
    by_lang: dict[str, list[int]] = {}
    for seg in segments:
        # A source line is a URL: nothing to translate.
        if seg.lang in TRANSLATED_LANGS and seg.lang != tgt_lang and seg.kind != "source":
            by_lang.setdefault(seg.lang, []).append(seg.idx)
    return by_lang


def _rows(
    segments: Sequence[Segment],
    by_lang: dict[str, list[int]],
    done_by_lang: dict[str, dict[str, Translated]],
    tgt_lang: str,
    glossary: tuple[Glossary, int] | None,
) -> list[SegmentTranslation]:
    """The rows to store, in segment order, from each text's translation."""
    now = dt.datetime.now(dt.UTC)
    out: list[SegmentTranslation] = []
    for src_lang, idxs in sorted(by_lang.items()):
        for i in idxs:
            seg = segments[i]
            result = done_by_lang[src_lang][seg.text]
            out.append(
                SegmentTranslation(
                    segment_idx=i,
                    src_lang=src_lang,
                    tgt_lang=tgt_lang,
                    source=seg.text,
                    text=result.text,
                    engine=result.provenance.engine,
                    packages=_packages(result.provenance),
                    pivot=result.provenance.pivot,
                    glossary_version=(
                        f"{glossary[0].name}@{glossary[1]}" if glossary is not None else None
                    ),
                    created_at=now,
                    glossary_name=glossary[0].name if glossary is not None else None,
                    glossary_number=glossary[1] if glossary is not None else None,
                )
            )
    out.sort(key=lambda t: t.segment_idx)
    return out


def _from_memory(
    memory: TranslationMemory | None,
    texts: list[str],
    src_lang: str,
    tgt_lang: str,
    glossary: tuple[Glossary, int] | None,
) -> dict[str, Translated]:
    if memory is None:
        return {}
    out = {}
    for text, match in zip(
        texts, memory.lookup(texts, src_lang=src_lang, tgt_lang=tgt_lang), strict=True
    ):
        if match is not None:
            out[text] = from_memory(
                match,
                text,
                src_lang=src_lang,
                tgt_lang=tgt_lang,
                glossary=glossary[0] if glossary else None,
            )[0]
    return out


def _packages(provenance: Provenance) -> tuple[str, ...]:
    """Packages, or for a memory answer its kind (and fuzzy score) and origin."""
    if provenance.origin == "mt":
        return provenance.packages
    kind = (
        provenance.origin if provenance.score is None else f"{provenance.origin} {provenance.score}"
    )
    return (kind, *provenance.packages)


def _translate(
    engine: TranslationEngine,
    texts: list[str],
    src_lang: str,
    tgt_lang: str,
    glossary: tuple[Glossary, int] | None,
) -> list[Translated]:
    if glossary is None:
        return engine.translate(texts, src_lang=src_lang, tgt_lang=tgt_lang)
    seen: list[Translated] = []

    def run(batch: list[str]) -> list[str]:
        done = engine.translate(batch, src_lang=src_lang, tgt_lang=tgt_lang)
        seen.extend(done)
        return [d.text for d in done]

    enforced = enforce(glossary[0], texts, src_lang=src_lang, tgt_lang=tgt_lang, translate=run)
    return [Translated(e.text, (), seen[0].provenance) for e in enforced]


def stored_glossary(
    glossaries: GlossaryStore, name: str | None, default: str
) -> tuple[Glossary, int] | None:
    """The glossary for stored English: ``name`` (``none``: no glossary), else ``default``
    (TRIGLOT_STORED_GLOSSARY), at its current version."""
    chosen = name or default
    if chosen == NONE:
        return None
    number, glossary = glossaries.current(chosen)
    return glossary, number


def retranslate_stale(
    documents: DocumentStore,
    store: TranslationStore,
    engine: TranslationEngine,
    glossaries: GlossaryStore,
    glossary: str,
    *,
    progress: Callable[[int, int], object],
) -> dict[str, int]:
    """Re-translate every document whose English made with ``glossary`` is stale, with the
    glossary's current version; ``progress(done, total)`` after each document (it may raise
    to stop: what is done stays done). Returns counts."""
    total = store.count_stale(glossary)
    done = segments = 0
    progress(0, total)
    while True:
        batch = store.stale(glossary, limit=50)
        if not batch:
            break
        for doc_id, tgt_lang in batch:
            number, current = glossaries.current(glossary)
            segments += len(
                translate_document(
                    documents, store, engine, doc_id, tgt_lang=tgt_lang, glossary=(current, number)
                )
            )
            done += 1
            progress(done, max(total, done))
    return {"documents": done, "segments": segments}
