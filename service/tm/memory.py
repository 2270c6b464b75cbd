"""The translation memory: what Triglot has aligned (residue pairs of stored pages, stored
alignments, imported TMX files), looked up before the engine.

One :class:`~service.tm.index.TmIndex` per language pair, built on first use and rebuilt
when the stored corpus changes (a cheap count query per look-up tells). Both directions of
every pair are used: a fr -> vi unit also answers vi -> fr. URL slugs are never entries.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterator, Sequence

from service.store.alignments import AlignmentStore
from service.store.documents import DocumentStore
from service.tm.index import TmEntry, TmIndex, TmMatch

log = logging.getLogger(__name__)


class TranslationMemory:
    """Exact, then fuzzy (``threshold``: rapidfuzz ratio 0-1) look-ups over the stored
    aligned corpus."""

    def __init__(
        self,
        documents: DocumentStore,
        alignments: AlignmentStore,
        *,
        threshold: float = 0.85,
        enabled: bool = True,
        recheck_s: float = 1.0,
    ) -> None:
        self._documents = documents
        self._alignments = alignments
        self.threshold = threshold
        self.enabled = enabled
        self.recheck_s = recheck_s
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._checked_at = -math.inf
        self._indexes: dict[tuple[str, str], TmIndex] = {}

    def invalidate(self) -> None:
        """This process stored something the memory reads: look at the corpus again on the
        next look-up (other processes' changes are seen within ``recheck_s``)."""
        self._checked_at = -math.inf

    def lookup(self, texts: Sequence[str], *, src_lang: str, tgt_lang: str) -> list[TmMatch | None]:
        """For each text, its exact match, else its best fuzzy match, else None."""
        if not self.enabled or not texts or src_lang == tgt_lang:
            return [None] * len(texts)
        index = self.index(src_lang, tgt_lang)
        if len(index) == 0:
            return [None] * len(texts)
        return [index.lookup(t, self.threshold) if t.strip() else None for t in texts]

    def lookup_now(
        self, texts: Sequence[str], *, src_lang: str, tgt_lang: str
    ) -> list[TmMatch | None] | None:
        """:meth:`lookup` when it needs no database query and no fuzzy search, for the event
        loop: the corpus was checked less than ``recheck_s`` ago, the pair's index is built,
        and it is empty or every text is an exact match (microseconds: a dict look-up).
        None otherwise: call :meth:`lookup` in a worker thread. Never waits on the lock."""
        if not self.enabled or not texts or src_lang == tgt_lang:
            return [None] * len(texts)
        if time.monotonic() - self._checked_at >= self.recheck_s:
            return None  # a check of the corpus is due: queries
        index = self._indexes.get((src_lang, tgt_lang))
        if index is None:
            return None  # not built yet
        if len(index) == 0:
            return [None] * len(texts)
        found: list[TmMatch | None] = []
        for text in texts:
            match = index.exact(text) if text.strip() else None
            if match is None and text.strip() and self.threshold < 1.0:
                return None  # a fuzzy search: up to milliseconds
            found.append(match)
        return found

    def index(self, src_lang: str, tgt_lang: str) -> TmIndex:
        """The index of one language pair, as the stored corpus is now."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at >= self.recheck_s:  # a few queries: not every request
                self._checked_at = now
                stamp = self._current_stamp()
                if stamp != self._stamp:  # a look-up only reads: linking is done on write
                    self._indexes.clear()
                    self._stamp = stamp
            key = (src_lang, tgt_lang)
            if key not in self._indexes:
                entries = list(self._entries(src_lang, tgt_lang))
                self._indexes[key] = TmIndex(entries)
                log.info("translation memory %s->%s: %d units", src_lang, tgt_lang, len(entries))
            return self._indexes[key]

    def _current_stamp(self) -> tuple[int, int, int]:
        return (self._documents.count(), *self._alignments.stamp())

    def _entries(self, src_lang: str, tgt_lang: str) -> Iterator[TmEntry]:
        if {src_lang, tgt_lang} == {"fr", "vi"}:
            yield from self._residue(src_lang)
        for stored in self._alignments.iter_units():
            u = stored.unit
            origin = f"alignment {stored.alignment_id}"
            if (u.src_lang, u.tgt_lang) == (src_lang, tgt_lang):
                yield TmEntry(u.src_text, u.tgt_text, u.score, origin)
            elif (u.src_lang, u.tgt_lang) == (tgt_lang, src_lang):
                yield TmEntry(u.tgt_text, u.src_text, u.score, origin)

    def _residue(self, src_lang: str) -> Iterator[TmEntry]:
        offset = 0
        while True:
            items, total = self._documents.list(offset=offset, limit=100)
            for item in items:
                doc = self._documents.get(item.id)
                for pair in doc.pairs:
                    if pair.vi.kind == "slug" or pair.vi.lang != "vi":
                        continue  # a slug is not Vietnamese text
                    texts = {"fr": pair.fr_focus, "vi": pair.vi.text}
                    target = "vi" if src_lang == "fr" else "fr"
                    yield TmEntry(texts[src_lang], texts[target], pair.score, f"document {doc.id}")
            offset += len(items)
            if not items or offset >= total:
                return
