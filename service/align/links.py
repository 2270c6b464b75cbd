"""Stored alignments from sentences and from stored pages.

- :func:`store_beads`: two texts aligned sentence by sentence (``POST /align`` with
  ``store``, ``triglot align --store``), stored with each bead's score.
- :func:`link_stored_pages`: a Vietnamese original and its French version are linked when
  both are stored and the French page's ``Source:`` URL is the Vietnamese page's URL; their
  cross-page pairs (:func:`aligner.pairs.page_pairs`) are stored once per such pair of
  documents. Linking is a write: it runs when a document is stored (:func:`link_document`,
  called by every path that stores one) and once when the service starts (documents stored
  by an older version); reads (listings, exports, memory look-ups) never link.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError

from aligner.beads import Bead
from aligner.pairs import AlignedPair, page_pairs
from service.store.alignments import (
    AlignedUnit,
    AlignmentStore,
    AlignmentSummary,
    NewAlignment,
)
from service.store.documents import DocumentStore, StoredDocument

log = logging.getLogger(__name__)

_PHRASE_BASES = frozenset({"headline", "byline", "related"})


def bead_units(
    beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str
) -> list[AlignedUnit]:
    """The matched beads as units (unmatched sentences are not translations of anything)."""
    return [
        AlignedUnit(
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            src_text=" ".join(src[i] for i in b.src_idx),
            tgt_text=" ".join(tgt[j] for j in b.tgt_idx),
            src_idx=tuple(b.src_idx),
            tgt_idx=tuple(b.tgt_idx),
            score=round(float(b.score), 4),
            basis="bead",
            segtype="sentence" if len(b.src_idx) == 1 and len(b.tgt_idx) == 1 else "paragraph",
        )
        for b in beads
        if b.src_idx and b.tgt_idx
    ]


def store_beads(
    store: AlignmentStore,
    beads: Sequence[Bead],
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    name: str | None = None,
    meta: dict[str, object] | None = None,
) -> AlignmentSummary:
    return store.add(
        NewAlignment(
            kind="beads",
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            units=bead_units(beads, src, tgt, src_lang, tgt_lang),
            name=name,
            meta={"src_sentences": len(src), "tgt_sentences": len(tgt), **(meta or {})},
        )
    )


def same_url(url: str | None) -> str | None:
    """A URL reduced to what identifies a page: host without ``www.``, path without a
    trailing slash; scheme, query and fragment dropped."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    if not host:
        return None
    return f"{host}{parts.path.rstrip('/')}"


def pair_unit(pair: AlignedPair) -> AlignedUnit:
    """A cross-page pair as a vi -> fr unit."""
    return AlignedUnit(
        src_lang="vi",
        tgt_lang="fr",
        src_text=pair.vi.text,
        tgt_text=pair.fr_focus,
        src_idx=pair.vi.segments,
        tgt_idx=pair.fr.segments,
        score=pair.score,
        basis=pair.basis or "cross-page",
        segtype="phrase" if pair.basis in _PHRASE_BASES else _sentence_or_more(pair),
    )


def _sentence_or_more(pair: AlignedPair) -> str:
    return "sentence" if len(pair.vi.segments) == 1 and len(pair.fr.segments) == 1 else "paragraph"


def link_stored_pages(
    documents: DocumentStore, alignments: AlignmentStore, *, url: str | None = None
) -> list[int]:
    """Store the cross-page pairs of every Vietnamese and French document linked by URL and
    not yet aligned (``url``: only those of that page); returns the new alignment ids. Cheap
    when nothing is new: one query for the documents' URLs, no page loaded."""
    only = same_url(url) if url is not None else None
    by_url: dict[str, dict[str, list[int]]] = {}
    for doc_id, lang, source_url in documents.source_urls(("vi", "fr")):
        key = same_url(source_url)
        if key is not None and (only is None or key == only):
            by_url.setdefault(key, {}).setdefault(lang, []).append(doc_id)
    done = alignments.linked("cross-page")
    new: list[int] = []
    for langs in by_url.values():
        for vi_id in langs.get("vi", []):
            for fr_id in langs.get("fr", []):
                if (vi_id, fr_id) in done:
                    continue
                vi_doc, fr_doc = documents.get(vi_id), documents.get(fr_id)
                summary = store_link(
                    alignments, vi_doc, fr_doc, page_pairs(vi_doc.page, fr_doc.page)
                )
                if summary is not None:
                    new.append(summary.id)
    return new


def link_document(
    documents: DocumentStore, alignments: AlignmentStore, doc: StoredDocument
) -> list[int]:
    """After ``doc`` was stored: when it is a Vietnamese or French page with a source URL,
    store the cross-page pairs with the stored pages it is linked to (see
    :func:`link_stored_pages`); returns the new alignment ids."""
    meta = doc.page.meta
    if meta.lang not in {"vi", "fr"} or same_url(meta.source_url) is None:
        return []
    return link_stored_pages(documents, alignments, url=meta.source_url)


def store_link(
    alignments: AlignmentStore,
    vi_doc: StoredDocument,
    fr_doc: StoredDocument,
    pairs: Sequence[AlignedPair],
) -> AlignmentSummary | None:
    """Store ``pairs`` (of ``vi_doc`` with ``fr_doc``) as their ``cross-page`` alignment, in
    one transaction; None when the two documents are linked already (by another process, or
    an earlier run: the unique key (kind, documents) keeps one)."""
    try:
        summary = alignments.add(_link(vi_doc, fr_doc, pairs))
    except IntegrityError:
        return None
    log.info("linked documents %s and %s: alignment %s", vi_doc.id, fr_doc.id, summary.id)
    return summary


def _link(
    vi_doc: StoredDocument, fr_doc: StoredDocument, pairs: Sequence[AlignedPair]
) -> NewAlignment:
    return NewAlignment(
        kind="cross-page",
        src_lang="vi",
        tgt_lang="fr",
        units=[pair_unit(p) for p in pairs],
        name=f"{vi_doc.name or vi_doc.id} / {fr_doc.name or fr_doc.id}",
        src_document_id=vi_doc.id,
        tgt_document_id=fr_doc.id,
        meta={"url": vi_doc.page.meta.source_url},
    )
