"""Sentence alignment of parallel documents: beads by banded dynamic programming.

A bead pairs ``src_idx`` (0..max_size consecutive source sentences) with ``tgt_idx`` (0..max_size
consecutive target sentences); a list of beads covers every sentence of both sides exactly once,
in order (monotone). ``1-0`` and ``0-1`` beads are unmatched sentences.

Cost of a bead (lower is better), from what needs no model:

- length: squared z-score of ``log((len_tgt + k) / (len_src + k))`` around the document's own
  log length ratio (so any language pair calibrates itself), as in Gale & Church (1993);
- anchors: 1 - Dice overlap of the two spans' anchor sets (numbers, names folded for
  diacritics, lexicon concepts, punctuation; see :mod:`aligner.anchors`), weighted by how much
  evidence the spans carry;
- a prior per bead shape, and a fixed cost per unmatched sentence.

Anchor sets are hashed into 1024-bit sets so a whole band row is scored with a few numpy
operations. Search is coarse-to-fine as in Vecalign (Thompson & Koehn, 2019): sentences are
merged in pairs until the problem is small, aligned exactly, and the path is projected back and
refined inside a band around it, so time and memory grow linearly with document length.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from aligner.anchors import anchors
from aligner.calibration import BEADS_MODEL, shipped
from aligner.errors import InvalidInputError
from aligner.lexicon import Lexicon, default_lexicon

_WORDS = 16  # 16 x 64 = 1024 bits per anchor set
_FULL_DP_CELLS = 160_000
_INF = 1e18
_BLOCK_ROWS = 512

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BitArray = npt.NDArray[np.uint64]


# log(characters of the second language / characters of the first) for a sentence and its
# translation, measured on FLORES-200 dev (997 sentences per language).
LENGTH_LOG_RATIO = {("fr", "vi"): -0.12, ("en", "fr"): 0.17, ("en", "vi"): 0.05}
_BALANCED = 1.25
"""Documents whose sentence counts differ by more than this factor do not cover the same text:
their length ratio is taken from ``LENGTH_LOG_RATIO`` rather than measured."""


def length_log_ratio(src_lang: str, tgt_lang: str) -> float:
    """Expected log length ratio target/source for a language pair (0 if unknown)."""
    if (src_lang, tgt_lang) in LENGTH_LOG_RATIO:
        return LENGTH_LOG_RATIO[src_lang, tgt_lang]
    if (tgt_lang, src_lang) in LENGTH_LOG_RATIO:
        return -LENGTH_LOG_RATIO[tgt_lang, src_lang]
    return 0.0


@dataclass(frozen=True, slots=True)
class Bead:
    """Source and target sentence indices aligned together, and a score in [0, 1]."""

    src_idx: tuple[int, ...]
    tgt_idx: tuple[int, ...]
    score: float

    def __str__(self) -> str:
        """Vecalign's format: ``[0,1]:[0]:0.873``."""
        src = ",".join(map(str, self.src_idx))
        tgt = ",".join(map(str, self.tgt_idx))
        return f"[{src}]:[{tgt}]:{self.score:.3f}"


@dataclass(frozen=True, slots=True)
class AlignParams:
    """Tunable constants of the bead cost; defaults were set on FLORES articles kept apart
    from the benchmark's test documents (see ``bench/align_flores.py``)."""

    max_size: int = 3
    """Most sentences on one side of a bead; beads hold at most ``max_size + 1`` in all."""
    length_sigma: float = 0.25
    length_smoothing: float = 15.0
    anchor_weight: float = 4.0
    anchor_evidence: float = 8.0
    """Number of anchors (both sides) at which the anchor term gets its full weight."""
    skip_cost: float = 2.5
    """Cost of leaving a long sentence unmatched; shorter ones cost less (see below)."""
    skip_half_length: float = 5.0
    """Length (characters) at which an unmatched sentence costs half of ``skip_cost``: page
    noise ("Photo : AFP", "Chia sẻ") is short, dropped sentences are long."""
    merge_cost: float = 1.5
    """Prior cost per sentence beyond the first on either side of a bead."""
    band_margin: int = 12
    """Sentences of slack around the coarse path when refining."""
    max_sentence_chars: int = 20_000
    """Longer "sentences" are refused: the input is then not one sentence per line."""

    def __post_init__(self) -> None:
        if not 1 <= self.max_size <= 6:
            raise InvalidInputError(f"max_size must be between 1 and 6, not {self.max_size}")
        if self.band_margin < 2:
            raise InvalidInputError(f"band_margin must be at least 2, not {self.band_margin}")


@dataclass(frozen=True)
class _Side:
    """Per-sentence lengths and hashed anchor sets of one side, at some resolution."""

    lengths: FloatArray  # (n,)
    bits: BitArray  # (n, _WORDS)

    @property
    def n(self) -> int:
        return len(self.lengths)

    def coarsen(self) -> _Side:
        n = self.n
        pad = n % 2
        lengths = np.concatenate([self.lengths, np.zeros(pad)])
        bits = np.concatenate([self.bits, np.zeros((pad, _WORDS), dtype=np.uint64)])
        return _Side(lengths[0::2] + lengths[1::2], bits[0::2] | bits[1::2])


def _hash_bits(features: frozenset[str]) -> BitArray:
    out = np.zeros(_WORDS, dtype=np.uint64)
    for feature in features:
        h = zlib.crc32(feature.encode("utf-8")) % (_WORDS * 64)
        out[h // 64] |= np.uint64(1) << np.uint64(h % 64)
    return out


def _side(sentences: Sequence[str], lang: str, lexicon: Lexicon | None) -> _Side:
    lengths = np.array([max(1, len(s.strip())) for s in sentences], dtype=np.float64)
    bits = np.zeros((len(sentences), _WORDS), dtype=np.uint64)
    cache: dict[str, BitArray] = {}
    for i, sentence in enumerate(sentences):
        if sentence not in cache:
            cache[sentence] = _hash_bits(anchors(sentence, lang, lexicon))
        bits[i] = cache[sentence]
    return _Side(lengths, bits)


def bead_types(max_size: int) -> list[tuple[int, int]]:
    """Allowed bead shapes: 1-0, 0-1, and a-b with 1 <= a, b <= max_size, a + b <= max_size + 1."""
    shapes = [(1, 0), (0, 1)]
    shapes += [
        (a, b)
        for a in range(1, max_size + 1)
        for b in range(1, max_size + 1)
        if a + b <= max_size + 1
    ]
    return shapes


def align(
    src: Sequence[str],
    tgt: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    lexicon: Lexicon | None = None,
    params: AlignParams | None = None,
    calibrate: bool = True,
) -> list[Bead]:
    """Align two documents given as sentence lists.

    ``lexicon`` defaults to the shipped French-Vietnamese lexicon; pass ``Lexicon()`` for none.
    A bead's score is the calibrated probability that it is right (``calibrate=False``: the raw
    ``exp(-cost)``, what the calibration is fitted on).
    Empty sides are allowed (every sentence of the other side is then unmatched).
    """
    params = params or AlignParams()
    for side, sentences in (("source", src), ("target", tgt)):
        for idx, sentence in enumerate(sentences):
            if len(sentence) > params.max_sentence_chars:
                raise InvalidInputError(
                    f"{side} sentence {idx + 1} has {len(sentence)} characters, over the limit "
                    f"of {params.max_sentence_chars}: is the input one sentence per line?"
                )
    lex = default_lexicon() if lexicon is None else lexicon
    src_side = _side(src, src_lang, lex)
    tgt_side = _side(tgt, tgt_lang, lex)
    shapes = bead_types(params.max_size)
    prior = length_log_ratio(src_lang, tgt_lang)
    model = _CostModel(src_side, tgt_side, params, prior)
    path = _align_sides(src_side, tgt_side, shapes, params, prior)
    beads = []
    calibrated = shipped(BEADS_MODEL) if calibrate else None
    for i0, i1, j0, j1 in path:
        cost = model.bead_cost(i0, i1, j0, j1)
        bead = Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(math.exp(-cost), 4))
        if calibrated is not None:
            bead = Bead(
                bead.src_idx, bead.tgt_idx, round(calibrated.probability(bead_features(bead)), 4)
            )
        beads.append(bead)
    return beads


def bead_features(bead: Bead) -> dict[str, float]:
    """What the calibration of an uncalibrated bead's score rests on: its cost (``-log`` of the
    raw score) and its shape."""
    n_src, n_tgt = len(bead.src_idx), len(bead.tgt_idx)
    shape = "1-1" if n_src == n_tgt == 1 else "skip" if not n_src or not n_tgt else "merge"
    cost = -math.log(max(bead.score, 1e-6))
    return {"cost": cost, f"shape={shape}": 1.0, f"cost*{shape}": cost}


class _CostModel:
    """Vectorised bead costs for one resolution of the two sides."""

    def __init__(self, src: _Side, tgt: _Side, params: AlignParams, prior: float) -> None:
        self.p = params
        self.prior = prior
        total_src = float(src.lengths.sum()) or 1.0
        total_tgt = float(tgt.lengths.sum()) or 1.0
        balanced = max(src.n, tgt.n) <= _BALANCED * max(min(src.n, tgt.n), 1)
        self.mu = math.log(total_tgt / total_src) if balanced else prior
        self.src = _Prefix(src, params.max_size)
        self.tgt = _Prefix(tgt, params.max_size)
        self.src_skip_cum = np.concatenate([[0.0], np.cumsum(self._skip_costs(src.lengths))])
        self.tgt_skip_cum = np.concatenate([[0.0], np.cumsum(self._skip_costs(tgt.lengths))])

    def _skip_costs(self, lengths: FloatArray) -> FloatArray:
        p = self.p
        out: FloatArray = p.skip_cost * lengths / (lengths + p.skip_half_length)
        return out

    def costs(self, a: int, b: int, rows: IntArray, cols: IntArray) -> FloatArray:
        """Costs of beads covering source ``i-a..i`` and target ``j-b..j``.

        ``rows`` has shape (R,), ``cols`` (R, W); spans must lie inside the documents.
        """
        p = self.p
        if b == 0:
            src_skip: FloatArray = self.src_skip_cum[rows] - self.src_skip_cum[rows - a]
            return np.broadcast_to(src_skip[:, None], cols.shape).copy()
        if a == 0:
            tgt_skip: FloatArray = self.tgt_skip_cum[cols] - self.tgt_skip_cum[cols - b]
            return tgt_skip
        ls = (self.src.cum[rows] - self.src.cum[rows - a])[:, None]
        lt = self.tgt.cum[cols] - self.tgt.cum[cols - b]
        ratio = np.log((lt + p.length_smoothing) / (ls + p.length_smoothing)) - self.mu
        length_cost = ratio * ratio / (2 * p.length_sigma**2)
        src_bits = self.src.span_bits[a][rows][:, None, :]
        inter = np.bitwise_count(src_bits & self.tgt.span_bits[b][cols]).sum(-1)
        total = self.src.counts[a][rows][:, None] + self.tgt.counts[b][cols]
        dice = np.where(total > 0, 2.0 * inter / np.maximum(total, 1), 0.0)
        weight = p.anchor_weight * np.minimum(1.0, total / p.anchor_evidence)
        anchor_cost = weight * (1.0 - dice) + (p.anchor_weight - weight) * 0.5
        # Costs are per sentence covered, so that merging beads saves nothing by itself.
        out: FloatArray = (length_cost + anchor_cost) * ((a + b) / 2) + p.merge_cost * (a + b - 2)
        return out

    def bead_cost(self, i0: int, i1: int, j0: int, j1: int) -> float:
        rows = np.array([i1], dtype=np.int64)
        cols = np.array([[j1]], dtype=np.int64)
        return float(self.costs(i1 - i0, j1 - j0, rows, cols)[0, 0])


class _Prefix:
    """Span sums of lengths and unions of anchor bits for spans of 1..max_size sentences."""

    def __init__(self, side: _Side, max_size: int) -> None:
        n = side.n
        self.cum = np.concatenate([[0.0], np.cumsum(side.lengths)])
        self.span_bits: dict[int, BitArray] = {}
        self.counts: dict[int, IntArray] = {}
        for size in range(1, max_size + 1):
            bits = np.zeros((n + 1, _WORDS), dtype=np.uint64)
            if size <= n:
                for k in range(size):  # bits[j] = union of sentences j-size .. j-1
                    bits[size:] |= side.bits[size - 1 - k : n - k]
            self.span_bits[size] = bits
            self.counts[size] = np.bitwise_count(bits).sum(1).astype(np.int64)


Path = list[tuple[int, int, int, int]]
"""Beads as (src_start, src_end, tgt_start, tgt_end), half-open."""


def _align_sides(
    src: _Side,
    tgt: _Side,
    shapes: list[tuple[int, int]],
    params: AlignParams,
    prior: float,
) -> Path:
    n, m = src.n, tgt.n
    if n == 0 or m == 0:
        return [(i, i + 1, 0, 0) for i in range(n)] + [(n, n, j, j + 1) for j in range(m)]
    if (n + 1) * (m + 1) <= _FULL_DP_CELLS or min(n, m) < 8:
        lo = np.zeros(n + 1, dtype=np.int64)
        hi = np.full(n + 1, m, dtype=np.int64)
    else:
        coarse = _align_sides(src.coarsen(), tgt.coarsen(), shapes, params, prior)
        lo, hi = _band(coarse, n, m, params.band_margin)
    return _dp(_CostModel(src, tgt, params, prior), n, m, lo, hi, shapes=shapes)


def _band(coarse: Path, n: int, m: int, margin: int) -> tuple[IntArray, IntArray]:
    """Rows' column ranges around a coarse path projected to full resolution."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i0, i1, j0, j1 in coarse:
        r0, r1 = min(2 * i0, n), min(2 * i1, n)
        c0, c1 = min(2 * j0, m), min(2 * j1, m)
        rows = slice(max(r0 - margin, 0), min(r1 + margin, n) + 1)
        lo[rows] = np.minimum(lo[rows], max(c0 - margin, 0))
        hi[rows] = np.maximum(hi[rows], min(c1 + margin, m))
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # non-decreasing
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    lo = np.minimum(lo, hi)
    return lo, hi


def _dp(
    model: _CostModel,
    n: int,
    m: int,
    lo: IntArray,
    hi: IntArray,
    *,
    shapes: list[tuple[int, int]],
) -> Path:
    """Banded DP: row ``i`` holds columns ``lo[i]..hi[i]``; returns the cheapest path."""
    widths = hi - lo + 1
    width = int(widths.max())
    cost = np.full((n + 1, width), _INF)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    skip_tgt = shapes.index((0, 1))
    stacked = [(t, a, b) for t, (a, b) in enumerate(shapes) if a > 0]
    shape_ids = np.array([t for t, _, _ in stacked], dtype=np.int8)
    flat = cost.reshape(-1)
    offsets = np.arange(width, dtype=np.int64)
    for first in range(0, n + 1, _BLOCK_ROWS):
        rows = np.arange(first, min(first + _BLOCK_ROWS, n + 1), dtype=np.int64)
        cols = lo[rows][:, None] + offsets[None, :]  # (R, W)
        in_band = offsets[None, :] < widths[rows][:, None]
        gather = np.zeros((len(stacked), len(rows), width), dtype=np.int64)
        step = np.full((len(stacked), len(rows), width), _INF)
        for k, (_t, a, b) in enumerate(stacked):
            prev_rows = rows - a
            ok_rows = prev_rows >= 0
            safe_rows = np.where(ok_rows, prev_rows, 0)
            prev_cols = cols - b
            valid = (
                in_band
                & ok_rows[:, None]
                & (prev_cols >= lo[safe_rows][:, None])
                & (prev_cols <= hi[safe_rows][:, None])
            )
            gather[k] = np.where(
                valid, safe_rows[:, None] * width + (prev_cols - lo[safe_rows][:, None]), 0
            )
            if valid.any():
                spans_rows = np.where(ok_rows, rows, a)
                spans_cols = np.clip(cols, b, m)
                bead = model.costs(a, b, spans_rows, spans_cols)
                step[k] = np.where(valid, bead, _INF)
        skip_cum = model.tgt_skip_cum[np.clip(cols, 0, m)]
        for r, row in enumerate(rows):
            cand = flat[gather[:, r]] + step[:, r]
            pick = cand.argmin(0)
            best = cand[pick, offsets]
            choice = shape_ids[pick]
            if row == 0:
                best[0] = 0.0
            choice[best >= _INF] = -1
            # Unmatched target sentences within the row: a running minimum over prefix costs.
            shifted = best - skip_cum[r]
            running = np.minimum.accumulate(shifted) + skip_cum[r]
            from_left = running < best - 1e-9
            best = np.where(from_left, running, best)
            choice[from_left] = skip_tgt
            best[~in_band[r]] = _INF
            cost[row] = best
            back[row] = choice

    path: Path = []
    i, j = n, m
    while i > 0 or j > 0:
        t = int(back[i, j - int(lo[i])])
        if t < 0:
            raise AssertionError(f"alignment search lost its path at ({i}, {j})")
        a, b = shapes[t]
        path.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    path.reverse()
    return path
