"""Bilingual French-Vietnamese lexicon used as alignment anchors.

A lexicon maps term token sequences on each side to concept ids; two texts that mention the
same concept share an anchor. French is matched folded (case, accents, plural -s/-x, elision);
Vietnamese is matched with its diacritics, or folded when the text has none (URL slugs).
The default lexicon is the package's curated data file plus the entries learned from parallel
text (``train/lexicon.py``), read once, lazily: no I/O at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from aligner.text import fold

_TOKEN_RE = re.compile(r"[^\W_]+|%", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Match:
    """A lexicon term found in a text: concept id, the matched surface tokens, token span."""

    concept: int
    term: str
    start: int
    end: int


@dataclass(frozen=True)
class Lexicon:
    """Concepts with their French and Vietnamese terms (keys are normalised token tuples)."""

    fr: dict[tuple[str, ...], frozenset[int]] = field(default_factory=dict)
    vi: dict[tuple[str, ...], frozenset[int]] = field(default_factory=dict)
    vi_folded: dict[tuple[str, ...], frozenset[int]] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    max_terms_len: int = 0
    # Longest key starting with each token, per table (fr, vi, vi_folded): the matching loop
    # tries only the sizes that can match. Empty: every size up to ``max_terms_len`` is tried.
    first_len: tuple[dict[str, int], ...] = ()

    def find(self, text: str, lang: str) -> list[Match]:
        """Concepts mentioned in ``text`` (longest match first, non-overlapping)."""
        tokens = fr_tokens(text) if lang == "fr" else vi_tokens(text, folded=lang == "vi-ascii")
        which = 0 if lang == "fr" else 2 if lang == "vi-ascii" else 1
        if lang == "vi" and text.isascii():
            tokens, which = vi_tokens(text, folded=True), 2
        table = (self.fr, self.vi, self.vi_folded)[which]
        first = self.first_len[which] if self.first_len else None
        found: list[Match] = []
        pos = 0
        while pos < len(tokens):
            longest = self.max_terms_len if first is None else first.get(tokens[pos], 0)
            for size in range(min(longest, len(tokens) - pos), 0, -1):
                concepts = table.get(tuple(tokens[pos : pos + size]))
                if concepts:
                    term = " ".join(tokens[pos : pos + size])
                    found.extend(Match(c, term, pos, pos + size) for c in sorted(concepts))
                    pos += size
                    break
            else:
                pos += 1
        return found

    def concepts(self, text: str, lang: str) -> set[int]:
        return {m.concept for m in self.find(text, lang)}


def fr_tokens(text: str) -> list[str]:
    """French tokens: folded, lower-case, elisions split off, plural -s/-x removed."""
    out = []
    for token in _TOKEN_RE.findall(fold(text.replace("’", "'").replace("'", " "))):
        plural = len(token) > 3 and token[-1] in "sx" and not token.isdigit()
        out.append(token[:-1] if plural else token)
    return out


def vi_tokens(text: str, *, folded: bool = False) -> list[str]:
    """Vietnamese syllables, lower-case, diacritics kept unless ``folded``."""
    text = fold(text) if folded else text.lower()
    return _TOKEN_RE.findall(text)


class _TermTokens:
    """:func:`fr_tokens` and :func:`vi_tokens` of lexicon terms, each computed once while a
    lexicon is built (:func:`merge` and :func:`build` look at the same terms)."""

    def __init__(self) -> None:
        self._fr: dict[str, tuple[str, ...]] = {}
        self._vi: dict[tuple[str, bool], tuple[str, ...]] = {}

    def fr(self, term: str) -> tuple[str, ...]:
        if term not in self._fr:
            self._fr[term] = tuple(fr_tokens(term))
        return self._fr[term]

    def vi(self, term: str, *, folded: bool = False) -> tuple[str, ...]:
        if (term, folded) not in self._vi:
            self._vi[term, folded] = tuple(vi_tokens(term, folded=folded))
        return self._vi[term, folded]


def build(
    entries: Iterable[tuple[Sequence[str], Sequence[str]]], *, tokens: _TermTokens | None = None
) -> Lexicon:
    """A lexicon from (French terms, Vietnamese terms) concept entries."""
    tok = tokens if tokens is not None else _TermTokens()
    fr: dict[tuple[str, ...], set[int]] = {}
    vi: dict[tuple[str, ...], set[int]] = {}
    vi_folded: dict[tuple[str, ...], set[int]] = {}
    labels = []
    for concept, (fr_terms, vi_terms) in enumerate(entries):
        labels.append(f"{fr_terms[0]} = {vi_terms[0]}" if fr_terms and vi_terms else "")
        for term in fr_terms:
            if key := tok.fr(term):
                fr.setdefault(key, set()).add(concept)
        for term in vi_terms:
            if key := tok.vi(term):
                vi.setdefault(key, set()).add(concept)
            if key := tok.vi(term, folded=True):
                vi_folded.setdefault(key, set()).add(concept)
    return Lexicon(
        fr={k: frozenset(v) for k, v in fr.items()},
        vi={k: frozenset(v) for k, v in vi.items()},
        vi_folded={k: frozenset(v) for k, v in vi_folded.items()},
        labels=tuple(labels),
        max_terms_len=max((len(k) for d in (fr, vi, vi_folded) for k in d), default=0),
        first_len=tuple(_first_len(d) for d in (fr, vi, vi_folded)),
    )


def _first_len(table: dict[tuple[str, ...], set[int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key in table:
        out[key[0]] = max(out.get(key[0], 0), len(key))
    return out


def parse_tsv(text: str) -> list[tuple[list[str], list[str]]]:
    """Entries of a ``fr|variants<TAB>vi|variants`` file (``#`` comments, blank lines skipped)."""
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fr_part, _, vi_part = line.partition("\t")
        fr_terms = [t.strip() for t in fr_part.split("|") if t.strip()]
        vi_terms = [t.strip() for t in vi_part.split("|") if t.strip()]
        if fr_terms and vi_terms:
            entries.append((fr_terms, vi_terms))
    return entries


def merge(
    curated: Iterable[tuple[Sequence[str], Sequence[str]]],
    learned: Iterable[tuple[Sequence[str], Sequence[str]]],
    *,
    tokens: _TermTokens | None = None,
) -> list[tuple[Sequence[str], Sequence[str]]]:
    """Curated entries, then learned ones that share no French or Vietnamese term with them.

    Learned concepts get ids after the curated ones; where a learned entry names a curated
    term on either side it is skipped, so the curated concept wins.
    """
    tok = tokens if tokens is not None else _TermTokens()
    entries: list[tuple[Sequence[str], Sequence[str]]] = list(curated)
    fr_keys = {tok.fr(t) for fr_terms, _ in entries for t in fr_terms}
    vi_keys = {tok.vi(t) for _, vi_terms in entries for t in vi_terms}
    for fr_terms, vi_terms in learned:
        if any(tok.fr(t) in fr_keys for t in fr_terms):
            continue
        if any(tok.vi(t) in vi_keys for t in vi_terms):
            continue
        entries.append((fr_terms, vi_terms))
    return entries


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon: ``data/lexicon_fr_vi.tsv`` (curated), then the learned entries of
    ``data/lexicon_fr_vi_learned.tsv`` (built by ``python -m train.lexicon``) where present."""
    data = files("aligner").joinpath("data")
    curated = parse_tsv(data.joinpath("lexicon_fr_vi.tsv").read_text(encoding="utf-8"))
    learned_file = data.joinpath("lexicon_fr_vi_learned.tsv")
    learned = parse_tsv(learned_file.read_text(encoding="utf-8")) if learned_file.is_file() else []
    tokens = _TermTokens()
    return build(merge(curated, learned, tokens=tokens), tokens=tokens)
