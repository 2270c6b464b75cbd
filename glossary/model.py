"""Concepts and their terms in French, Vietnamese and English.

A concept holds terms per language; each term is ``preferred`` (the rendering to use; at most
one per language), ``admitted`` (a variant or abbreviation that may be met in sources) or
``forbidden`` (must never appear in a translation). Matching is case-insensitive unless the
term says otherwise. Everything here is immutable and validated on construction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from glossary.errors import InvalidGlossaryError

Status = Literal["preferred", "admitted", "forbidden"]
STATUSES: tuple[Status, ...] = ("preferred", "admitted", "forbidden")
LANGS = ("fr", "vi", "en")
"""The languages Triglot translates between; terms may carry any ISO 639 code."""
_LANG_RE = re.compile(r"[a-z]{2,3}")
MAX_TERM_CHARS = 300


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    lang: str
    status: Status = "preferred"
    case_sensitive: bool = False

    def __post_init__(self) -> None:
        where = f"term {self.text!r} ({self.lang})"
        if not self.text.strip():
            raise InvalidGlossaryError(f"empty term in {self.lang}")
        if self.text != self.text.strip():
            raise InvalidGlossaryError(f"{where}: leading or trailing white space")
        if len(self.text) > MAX_TERM_CHARS:
            raise InvalidGlossaryError(f"{where}: longer than {MAX_TERM_CHARS} characters")
        bad = [ch for ch in self.text if unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs")]
        if bad:
            raise InvalidGlossaryError(f"{where}: control character U+{ord(bad[0]):04X}")
        if not _LANG_RE.fullmatch(self.lang):
            raise InvalidGlossaryError(
                f"{where}: language must be an ISO 639 code such as fr, vi or en"
            )
        if self.status not in STATUSES:
            raise InvalidGlossaryError(f"{where}: status must be one of {', '.join(STATUSES)}")


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    terms: tuple[Term, ...]
    note: str = ""

    def __post_init__(self) -> None:
        if not self.id or any(ch.isspace() for ch in self.id):
            raise InvalidGlossaryError(f"concept id {self.id!r}: must be non-empty, no spaces")
        if not self.terms:
            raise InvalidGlossaryError(f"concept {self.id}: no terms")
        seen: set[tuple[str, str]] = set()
        for term in self.terms:
            key = (term.lang, term.text.casefold())
            if key in seen:
                raise InvalidGlossaryError(
                    f"concept {self.id}: duplicate {term.lang} term {term.text!r}"
                )
            seen.add(key)
        for lang in LANGS:
            preferred = [t for t in self.terms if t.lang == lang and t.status == "preferred"]
            if len(preferred) > 1:
                raise InvalidGlossaryError(
                    f"concept {self.id}: {len(preferred)} preferred {lang} terms "
                    f"({', '.join(t.text for t in preferred)}); keep one, admit the others"
                )

    def preferred(self, lang: str) -> Term | None:
        return next((t for t in self.terms if t.lang == lang and t.status == "preferred"), None)

    def in_lang(self, lang: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.lang == lang)


@dataclass(frozen=True, slots=True)
class Glossary:
    name: str
    concepts: tuple[Concept, ...] = ()
    _by_id: dict[str, Concept] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidGlossaryError("glossary name is empty")
        for concept in self.concepts:
            if concept.id in self._by_id:
                raise InvalidGlossaryError(f"duplicate concept id {concept.id!r}")
            self._by_id[concept.id] = concept
        owner: dict[tuple[str, str], str] = {}
        for concept in self.concepts:
            for term in concept.terms:
                if term.status == "forbidden":
                    continue
                key = (term.lang, term.text.casefold())
                if key in owner and owner[key] != concept.id:
                    raise InvalidGlossaryError(
                        f"{term.lang} term {term.text!r} belongs to both {owner[key]!r} "
                        f"and {concept.id!r}"
                    )
                owner[key] = concept.id

    def concept(self, concept_id: str) -> Concept:
        try:
            return self._by_id[concept_id]
        except KeyError:
            raise InvalidGlossaryError(f"no concept {concept_id!r}") from None
