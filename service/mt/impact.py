"""What a glossary change would do: stored segments whose translation changes between two
glossary versions, translated with both. Run as a background job (``service.jobs.kinds``):
bounded by ``cap`` segments, reporting progress, stoppable between documents and batches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from glossary import Glossary
from glossary.enforcement import enforce
from glossary.matching import find_terms
from glossary.versions import diff
from service.mt.engine import NoRouteError, TranslationEngine
from service.store.documents import DocumentStore

IMPACT_LIMIT = 200


@dataclass(frozen=True, slots=True)
class _Candidate:
    document_id: int
    segment_idx: int
    lang: str
    text: str


def impact(
    documents: DocumentStore,
    engine: TranslationEngine,
    old: Glossary,
    new: Glossary,
    *,
    tgt_lang: str = "en",
    cap: int = IMPACT_LIMIT,
    progress: Callable[[int, int | None], object] | None = None,
) -> dict[str, Any]:
    """Segments (up to ``cap``) holding a term of a concept the change touches, translated
    with both versions; those whose English differs are listed. ``progress(done, total)``
    is called after each page of documents read (total unknown: None) and each batch
    translated (total: segments to translate); it may raise to stop the work."""
    touched = diff(old, new).touched_concepts()
    candidates: list[_Candidate] = []
    offset = 0
    truncated = False
    while len(candidates) < cap:
        items, total = documents.list(offset=offset, limit=100)
        if not items:
            break
        for item in items:
            doc = documents.get(item.id)
            for seg in doc.page.segments:
                if seg.lang not in ("fr", "vi"):
                    continue
                hits = {m.concept_id for g in (old, new) for m in find_terms(g, seg.text, seg.lang)}
                if hits & touched:
                    candidates.append(_Candidate(doc.id, seg.idx, seg.lang, seg.text))
        offset += len(items)
        if progress is not None:
            progress(0, None)
        if offset >= total:
            break
    truncated = len(candidates) > cap or (len(candidates) == cap and offset < total)
    candidates = candidates[:cap]
    changed: list[dict[str, Any]] = []
    note = ""
    translated = 0
    for lang in ("fr", "vi"):
        group = [c for c in candidates if c.lang == lang]
        if not group:
            continue
        if progress is not None:
            progress(translated, len(candidates))
        translated += len(group)

        def run(batch: list[str], lang: str = lang) -> list[str]:
            return [t.text for t in engine.translate(batch, src_lang=lang, tgt_lang=tgt_lang)]

        try:
            before = enforce(
                old, [c.text for c in group], src_lang=lang, tgt_lang=tgt_lang, translate=run
            )
            after = enforce(
                new, [c.text for c in group], src_lang=lang, tgt_lang=tgt_lang, translate=run
            )
        except NoRouteError as exc:
            note = str(exc)
            changed += [
                {
                    "document_id": c.document_id,
                    "segment_idx": c.segment_idx,
                    "lang": c.lang,
                    "source": c.text,
                    "before": None,
                    "after": None,
                }
                for c in group
            ]
            continue
        for c, b, a in zip(group, before, after, strict=True):
            if b.text != a.text:
                changed.append(
                    {
                        "document_id": c.document_id,
                        "segment_idx": c.segment_idx,
                        "lang": c.lang,
                        "source": c.text,
                        "before": b.text,
                        "after": a.text,
                    }
                )
    if progress is not None:
        progress(len(candidates), len(candidates))
    return {
        "touched_concepts": sorted(touched),
        "segments_checked": len(candidates),
        "cap": cap,
        "truncated": truncated,
        "changed": changed,
        "note": note,
    }
