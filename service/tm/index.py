"""An in-memory translation-memory index for one language pair: exact and fuzzy look-ups.

- Exact: a dict from the normalised source (NFC, white space collapsed) to its entries.
- Fuzzy: a character-trigram inverted index shortlists candidates, then rapidfuzz scores them
  (``fuzz.ratio``: normalised Indel similarity, 0-100, on the normalised texts). The
  shortlist takes the query's rarest trigrams first (postings up to ``budget`` ids in all;
  trigrams found in over ``max_df`` of the units are skipped), counts how many each unit
  shares, and scores the ``shortlist`` units sharing the most and of a length compatible with
  the threshold. It is a heuristic: ``bench/tm_lookup.py`` measures its recall against a
  brute-force ``process.extractOne`` scan.

Trigrams are hashed to 32 bits and the postings built for the whole memory at once with numpy
(CSR form: sorted trigram keys, offsets, unit ids), so a million units index in seconds and a
look-up reads a few thousand ids.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

_SEP = "\x00"
_MIN_MAX_DF = 5000
"""A trigram is skipped as too common only when over ``max_df`` of the units and this many."""


def normalize(text: str) -> str:
    """NFC, white space runs as one space, stripped; separators (NUL) as spaces."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.replace(_SEP, " ").split())


@dataclass(frozen=True, slots=True)
class TmEntry:
    """A source text and its translation; ``score``: the alignment's (None: unknown);
    ``origin``: where it comes from (``alignment 3``, ``document 2``)."""

    source: str
    target: str
    score: float | None = None
    origin: str = ""


@dataclass(frozen=True, slots=True)
class TmMatch:
    entry: TmEntry
    similarity: float
    """1.0 for an exact match; rapidfuzz ratio / 100 for a fuzzy one."""
    exact: bool


class TmIndex:
    """Look-ups over ``entries`` (built once; immutable afterwards, safe to share between
    threads)."""

    def __init__(
        self,
        entries: Sequence[TmEntry],
        *,
        max_df: float = 0.05,
        budget: int | None = None,
        shortlist: int = 40,
    ) -> None:
        self.entries = list(entries)
        self._max_df = max(_MIN_MAX_DF, int(max_df * len(self.entries)))
        self._budget = budget or max(50_000, len(self.entries) // 10)
        self._shortlist = shortlist
        self._norm = [normalize(e.source) for e in self.entries]
        exact: dict[str, list[int]] = {}
        for i, text in enumerate(self._norm):
            exact.setdefault(text, []).append(i)
        for ids in exact.values():  # best-scoring first
            ids.sort(key=lambda i: -(self.entries[i].score or 0.0))
        self._exact = exact
        self._lengths = np.fromiter((len(t) for t in self._norm), np.int32, len(self._norm))
        self._keys, self._offsets, self._postings = _build(self._norm)

    def __len__(self) -> int:
        return len(self.entries)

    def exact(self, text: str) -> TmMatch | None:
        ids = self._exact.get(normalize(text))
        if not ids:
            return None
        return TmMatch(self.entries[ids[0]], 1.0, exact=True)

    def fuzzy(self, text: str, threshold: float) -> TmMatch | None:
        """The most similar entry at ``threshold`` (0-1) or above, or None."""
        query = normalize(text)
        candidates = self._candidates(query, threshold)
        if candidates.size == 0:
            return None
        choices = {int(i): self._norm[i] for i in candidates}
        best = process.extractOne(
            query, choices, scorer=fuzz.ratio, processor=None, score_cutoff=threshold * 100
        )
        if best is None:
            return None
        _choice, score, key = best
        # among equal texts, the best-scoring entry
        winner = self._exact.get(self._norm[key], [key])[0]
        return TmMatch(self.entries[winner], round(score / 100, 4), exact=False)

    def lookup(self, text: str, threshold: float) -> TmMatch | None:
        """Exact match first, then the best fuzzy match at ``threshold`` or above."""
        return self.exact(text) or (self.fuzzy(text, threshold) if threshold < 1.0 else None)

    def _candidates(self, query: str, threshold: float) -> npt.NDArray[np.int32]:
        grams = np.unique(_grams(query.casefold()))
        if grams.size == 0 or self._keys.size == 0:
            return np.empty(0, np.int32)
        pos = np.searchsorted(self._keys, grams)
        found = pos < self._keys.size
        found[found] = self._keys[pos[found]] == grams[found]
        pos = pos[found]
        if pos.size == 0:
            return np.empty(0, np.int32)
        starts, ends = self._offsets[pos], self._offsets[pos + 1]
        dfs = ends - starts
        order = np.argsort(dfs, kind="stable")
        picked: list[npt.NDArray[np.int32]] = []
        total = 0
        for k in order:
            df = int(dfs[k])
            if df > self._max_df or (total + df > self._budget and picked):
                break
            picked.append(self._postings[starts[k] : ends[k]])
            total += df
        if not picked:
            return np.empty(0, np.int32)
        ids, counts = np.unique(np.concatenate(picked), return_counts=True)
        # fuzz.ratio >= t needs 2*min(a, b) / (a + b) >= t: bound the length ratio
        n = len(query)
        low, high = n * threshold / (2 - threshold), n * (2 - threshold) / max(threshold, 1e-9)
        lengths = self._lengths[ids]
        keep = (lengths >= low) & (lengths <= high)
        ids, counts = ids[keep], counts[keep]
        if ids.size > self._shortlist:
            top = np.argpartition(-counts, self._shortlist)[: self._shortlist]
            ids = ids[top]
        return ids.astype(np.int32, copy=False)


_MIX = (np.uint32(0x9E3779B1), np.uint32(0x85EBCA77), np.uint32(0xC2B2AE3D))
_LOW32 = np.uint64(0xFFFFFFFF)


def _hash(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """32-bit keys (multiplicative hashing, wrapping) of the trigrams starting at each
    position but the last two; a rare collision only adds a candidate: rapidfuzz scores
    every one."""
    keys: npt.NDArray[np.uint32] = codes[:-2] * _MIX[0]
    keys ^= codes[1:-1] * _MIX[1]
    keys ^= codes[2:] * _MIX[2]
    keys ^= keys >> np.uint32(15)
    return keys


def _grams(text: str) -> npt.NDArray[np.uint32]:
    """The trigram keys of `` text `` (padded with a space at each end)."""
    padded = f" {text} "
    return _hash(np.frombuffer(padded.encode("utf-32-le"), dtype=np.uint32))


def _build(
    texts: Sequence[str], chunk: int = 25_000
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """CSR postings of the casefolded texts' trigrams: sorted unique keys, offsets into
    ``postings`` (``len(keys) + 1``), and unit ids ascending within each key. Each
    (key, unit) is packed into one 64-bit value, so one plain sort orders and deduplicates."""
    packed: list[npt.NDArray[np.uint64]] = []
    for start in range(0, len(texts), chunk):
        part = [f" {t.casefold()} " for t in texts[start : start + chunk]]
        joined = _SEP.join(part) + _SEP
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        lengths = np.fromiter((len(t) + 1 for t in part), np.int64, len(part))
        unit = np.repeat(np.arange(start, start + len(part), dtype=np.uint32), lengths)
        valid = (unit[:-2] == unit[2:]) & (codes[2:] != 0)
        keys = _hash(codes)[valid].astype(np.uint64)
        keys <<= np.uint64(32)
        keys |= unit[:-2][valid]
        packed.append(keys)
    if not packed:
        return np.empty(0, np.uint32), np.zeros(1, np.int64), np.empty(0, np.int32)
    values = np.concatenate(packed)
    del packed
    values.sort()
    fresh = np.ones(values.size, dtype=bool)  # a trigram twice in one unit counts once
    np.not_equal(values[1:], values[:-1], out=fresh[1:])
    values = values[fresh]
    del fresh
    halves = values.view(np.uint32)  # little-endian: (unit id, key) per value
    if sys.byteorder != "little":
        halves = halves.reshape(-1, 2)[:, ::-1].reshape(-1)
    keys = np.ascontiguousarray(halves[1::2])
    ids = np.ascontiguousarray(halves[0::2]).view(np.int32)
    del values, halves
    boundary = np.ones(keys.size, dtype=bool)  # keys are sorted: each run is one trigram
    boundary[1:] = keys[1:] != keys[:-1]
    first = np.flatnonzero(boundary)
    offsets = np.append(first, keys.size).astype(np.int64)
    return keys[first], offsets, ids
