"""What a glossary change would do: stored segments whose translation changes between two
glossary versions, translated with both."""

from __future__ import annotations

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
) -> dict[str, Any]:
    """Segments (up to ``IMPACT_LIMIT``) holding a term of a concept the change touches,
    translated with both versions; those whose English differs are listed."""
    touched = diff(old, new).touched_concepts()
    candidates: list[_Candidate] = []
    offset = 0
    while len(candidates) < IMPACT_LIMIT:
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
        if offset >= total:
            break
    candidates = candidates[:IMPACT_LIMIT]
    changed: list[dict[str, Any]] = []
    note = ""
    for lang in ("fr", "vi"):
        group = [c for c in candidates if c.lang == lang]
        if not group:
            continue

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
    return {
        "touched_concepts": sorted(touched),
        "segments_checked": len(candidates),
        "changed": changed,
        "note": note,
    }
