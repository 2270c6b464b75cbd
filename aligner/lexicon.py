"""Bilingual French-Vietnamese lexicon used as alignment anchors.

A lexicon maps term token sequences on each side to concept ids; two texts that mention the
same concept share an anchor. French is matched folded (case, accents, plural -s/-x, elision);
Vietnamese is matched with its diacritics, or folded when the text has none (URL slugs).
The default lexicon is the package's own data file (read once, lazily: no I/O at import).
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

    def find(self, text: str, lang: str) -> list[Match]:
        """Concepts mentioned in ``text`` (longest match first, non-overlapping)."""
        tokens = fr_tokens(text) if lang == "fr" else vi_tokens(text, folded=lang == "vi-ascii")
        table = self.fr if lang == "fr" else self.vi_folded if lang == "vi-ascii" else self.vi
        if lang == "vi" and text.isascii():
            tokens, table = vi_tokens(text, folded=True), self.vi_folded
        longest = self.max_terms_len
        found: list[Match] = []
        pos = 0
        while pos < len(tokens):
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


def build(entries: Iterable[tuple[Sequence[str], Sequence[str]]]) -> Lexicon:
    """A lexicon from (French terms, Vietnamese terms) concept entries."""
    fr: dict[tuple[str, ...], set[int]] = {}
    vi: dict[tuple[str, ...], set[int]] = {}
    vi_folded: dict[tuple[str, ...], set[int]] = {}
    labels = []
    for concept, (fr_terms, vi_terms) in enumerate(entries):
        labels.append(f"{fr_terms[0]} = {vi_terms[0]}" if fr_terms and vi_terms else "")
        for term in fr_terms:
            if key := tuple(fr_tokens(term)):
                fr.setdefault(key, set()).add(concept)
        for term in vi_terms:
            if key := tuple(vi_tokens(term)):
                vi.setdefault(key, set()).add(concept)
            if key := tuple(vi_tokens(term, folded=True)):
                vi_folded.setdefault(key, set()).add(concept)
    return Lexicon(
        fr={k: frozenset(v) for k, v in fr.items()},
        vi={k: frozenset(v) for k, v in vi.items()},
        vi_folded={k: frozenset(v) for k, v in vi_folded.items()},
        labels=tuple(labels),
        max_terms_len=max((len(k) for d in (fr, vi, vi_folded) for k in d), default=0),
    )


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


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The curated lexicon shipped in ``aligner/data/lexicon_fr_vi.tsv``."""
    data = files("aligner").joinpath("data/lexicon_fr_vi.tsv").read_text(encoding="utf-8")
    return build(parse_tsv(data))
