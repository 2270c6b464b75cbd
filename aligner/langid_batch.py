"""py3langid's ``classify`` for many texts at once, its byte automaton walked with numpy.

py3langid scores a text from the counts of the byte n-grams its automaton (a DFA of the
Aho-Corasick kind) reports while it walks the text's UTF-8 bytes, one Python step per byte:
the costliest part of a page's language identification. Here the bytes of all the texts of a
page are walked together: the texts are joined with NUL bytes between them, the state at every
byte is found by walking the ``window`` bytes that end there from the start state (vectorised:
one gather per byte of the window, over every position at once), and the result is checked
against the automaton itself: every state must be the one the previous state and this byte
lead to, and the state on the NUL byte before each text must be the start state. A walk that
passes the check is, by induction, the sequential walk of each text from the start state, so
the counts are those py3langid counts (in the same first-seen order, which the floating-point
sum of the score follows); a text where it fails (an automaton deeper than the window) is
walked the slow way. Scoring is py3langid's own, text by text.

Nothing is kept between calls but the identifier's tables as numpy arrays.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

WINDOW = 6
"""Bytes walked back from each position: the depth of py3langid's automaton (its states stand
for byte strings of up to six bytes). Correctness does not rest on it (see the module doc)."""

_SEPARATOR = b"\0" * WINDOW
_IS_FEATURE = (-1).__lt__  # a state's output: a feature index, or -1 for none


class _Tables:
    """An identifier's automaton as numpy arrays (built once per identifier)."""

    def __init__(self, ident: LanguageIdentifier) -> None:
        moves = ident.tk_nextmove
        self.ident = ident
        self.nextmove = np.frombuffer(moves, dtype=f"u{moves.itemsize}")
        self.rowbase = np.asarray(ident._rowbase, dtype=np.intp)
        self.output = np.asarray(ident.tk_output, dtype=np.intp)


_tables: list[_Tables] = []


def _tables_for(ident: LanguageIdentifier) -> _Tables:
    if not _tables or _tables[0].ident is not ident:
        _tables[:] = [_Tables(ident)]
    return _tables[0]


BATCH_BYTES = 1 << 20
"""Most bytes walked at once (numpy holds about 40 bytes for each): a longer page is walked
in several batches, and a text longer than this alone, byte by byte, as py3langid does."""


def visit_counts_many(ident: LanguageIdentifier, encoded: Sequence[bytes]) -> list[Any]:
    """``py3langid.langid.visit_counts`` of each byte string (a ``Counter`` of feature
    indices in first-seen order, or None for none), walked together."""
    from py3langid.langid import visit_counts  # noqa: PLC0415

    out: list[Any] = []
    batch: list[bytes] = []
    size = 0
    for text in encoded:
        if len(text) > BATCH_BYTES:
            out += _walk(ident, batch)
            batch, size = [], 0
            out.append(visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, text))
            continue
        if size + len(text) > BATCH_BYTES:
            out += _walk(ident, batch)
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    return out + _walk(ident, batch)


def _walk(ident: LanguageIdentifier, encoded: list[bytes]) -> list[Any]:
    """:func:`visit_counts_many` of texts that fit in one batch."""
    from py3langid.langid import visit_counts  # noqa: PLC0415

    if not encoded:
        return []
    t = _tables_for(ident)
    data = np.frombuffer(_SEPARATOR + _SEPARATOR.join(encoded), dtype=np.uint8).astype(np.intp)
    n = len(data)
    state = np.zeros(n - WINDOW + 1, dtype=np.intp)  # the state at data[WINDOW - 1:]
    for back in range(WINDOW - 1, -1, -1):
        state = t.nextmove[t.rowbase[state] + data[WINDOW - 1 - back : n - back]]
    # The check: each state follows from the one before it and its byte.
    follows = t.nextmove[t.rowbase[state[:-1]] + data[WINDOW:]] == state[1:]
    features = t.output[state].tolist()
    out: list[Any] = []
    pos = 1  # index in ``state`` of each text's first byte (the NUL before it: pos - 1)
    for text in encoded:
        end = pos + len(text)
        exact = state[pos - 1] == 0 and bool(follows[pos - 1 : end - 1].all())
        if exact:
            counts = Counter(filter(_IS_FEATURE, features[pos:end]))
            out.append(counts or None)
        else:
            out.append(visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, text))
        pos = end + WINDOW
    return out


def classify_many(ident: LanguageIdentifier, texts: Sequence[str]) -> list[tuple[str, float]]:
    """``ident.classify(text)`` of each text (py3langid 0.3's scoring, with the counts of
    :func:`visit_counts_many`)."""
    from py3langid.langid import RAW_FLOOR  # noqa: PLC0415

    encoded = [ident._encode(text) for text in texts]
    out = []
    for data, visits in zip(encoded, visit_counts_many(ident, encoded), strict=True):
        norm = ident._norm_probs
        if visits:
            scores = ident._sparse_score(visits, ident.nb_ptc)
        else:
            scores = np.full(len(ident.nb_classes), 0.0 if norm else RAW_FLOOR, dtype=np.float32)
        if norm:
            scores *= 1.0 / math.sqrt(len(data) or 1)
            np.exp(scores - scores.max(), out=scores)
            scores /= scores.sum()
        for i, j in ident._alias_pairs:
            if norm:
                scores[i] += scores[j]
                scores[j] = 0.0
            else:
                scores[i] = max(scores[i], scores[j])
                scores[j] = RAW_FLOOR
        best = int(scores.argmax())
        conf = float(scores[best])
        if ident.min_confidence is not None and conf < ident.min_confidence:
            out.append(("und", conf))
        else:
            out.append((str(ident.nb_classes[best]), conf))
    return out
