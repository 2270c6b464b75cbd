"""Imports as proposals: merge a file into the current glossary, or replace it explicitly.

A file read for import is an :class:`Incoming`: its glossary plus what the file speaks for
(its languages, whether its concept ids, notes and term statuses are its own). :func:`merge`
turns it into an :class:`ImportPlan`: the proposed glossary and, per concept, whether it is
created, updated, unchanged, removed or untouched.

Matching an incoming concept to a current one: by concept id when the file carries ids, else
by a shared preferred term (in the file's language order), else by any shared non-forbidden
term (two concepts may not share one, so leaving it unmatched could only fail).

Merging (the default) removes nothing. A matched concept changes only in the file's
languages:

- *status-aware* files (the multi-column layout with status columns, TBX) speak for every
  term of their languages: the concept's terms in those languages become the file's;
- other files (two-column pairs, preferred-only columns) set the preferred term: a term
  already in the concept is promoted (keeping its case sensitivity), the former preferred term
  stays as admitted, admitted and forbidden terms are kept.

Notes change only when the file carries notes. ``replace=True`` makes the file the whole
glossary; matched concepts keep their current ids when the file has none, so the diff shows
updates rather than removals and additions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from glossary.errors import InvalidGlossaryError
from glossary.model import Concept, Glossary, Term

DEFAULT_REMOVAL_WARNING_SHARE = 0.10
"""A proposal removing more than this share of the current concepts carries a warning."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """A glossary file as read for import.

    ``langs``: the languages the file covers (only these change in matched concepts);
    ``ids``: concept ids come from the file (else they were made up from terms);
    ``notes``: the file has a note per concept; ``statuses``: the file gives every term's
    status (else it gives preferred terms only).
    """

    glossary: Glossary
    langs: tuple[str, ...]
    ids: bool
    notes: bool
    statuses: bool


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The proposed glossary and what happens to each concept (ids, in glossary order)."""

    glossary: Glossary
    replace: bool
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]
    untouched: tuple[str, ...]
    """Current concepts the file does not mention (kept as they are when merging)."""
    before: int
    """Number of concepts in the current glossary."""

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "untouched": len(self.untouched),
        }

    def warning(self, share: float = DEFAULT_REMOVAL_WARNING_SHARE) -> str | None:
        """A sentence for people when the plan removes more than ``share`` of the current
        concepts, else None."""
        if not self.removed or len(self.removed) <= share * self.before:
            return None
        return (
            f"this proposal removes {len(self.removed)} of {self.before} concepts "
            f"({len(self.removed) / self.before:.0%}, over the {share:.0%} warning threshold)"
        )


def _terms_key(concept: Concept) -> frozenset[tuple[str, str, str, bool]]:
    return frozenset((t.lang, t.text, t.status, t.case_sensitive) for t in concept.terms)


def same_concept(a: Concept, b: Concept) -> bool:
    """Equal ids, notes and terms, whatever the order of the terms (which means nothing)."""
    return a.id == b.id and a.note == b.note and _terms_key(a) == _terms_key(b)


def _match(current: Glossary, incoming: Incoming) -> list[Concept | None]:
    """For each incoming concept, the current concept it matches, or None."""
    preferred: dict[tuple[str, str], Concept] = {}
    usable: dict[tuple[str, str], Concept] = {}
    for concept in current.concepts:
        for term in concept.terms:
            key = (term.lang, term.text.casefold())
            if term.status == "preferred":
                preferred.setdefault(key, concept)
            if term.status != "forbidden":
                usable.setdefault(key, concept)
    by_id = {c.id: c for c in current.concepts}
    out: list[Concept | None] = []
    claimed: dict[str, str] = {}
    for concept in incoming.glossary.concepts:
        found = by_id.get(concept.id) if incoming.ids else None
        if found is None:
            keys = [
                (lang, t.text.casefold())
                for lang in incoming.langs
                for t in concept.in_lang(lang)
                if t.status == "preferred"
            ]
            found = next((preferred[k] for k in keys if k in preferred), None)
        if found is None:
            keys = [(t.lang, t.text.casefold()) for t in concept.terms if t.status != "forbidden"]
            found = next((usable[k] for k in keys if k in usable), None)
        if found is not None:
            if found.id in claimed:
                raise InvalidGlossaryError(
                    f"concepts {claimed[found.id]!r} and {concept.id!r} of the file both match "
                    f"concept {found.id!r}: merge them in the file"
                )
            claimed[found.id] = concept.id
        out.append(found)
    return out


def _set_preferred(terms: list[Term], new: Term) -> list[Term]:
    """``terms`` (one language) with ``new`` as the preferred term, the former preferred
    term kept as admitted."""
    out = []
    found = False
    for term in terms:
        if term.text.casefold() == new.text.casefold():
            out.append(Term(new.text, term.lang, "preferred", term.case_sensitive))
            found = True
        elif term.status == "preferred":
            out.append(replace(term, status="admitted"))
        else:
            out.append(term)
    return out if found else [*out, new]


def _merged(old: Concept, new: Concept, incoming: Incoming, *, keep_id: str) -> Concept:
    terms: list[Term] = []
    langs = list(dict.fromkeys([*(t.lang for t in old.terms), *incoming.langs]))
    for lang in langs:
        mine = list(old.in_lang(lang))
        if lang not in incoming.langs:
            terms += mine
        elif incoming.statuses:
            terms += new.in_lang(lang)
        else:
            preferred = new.preferred(lang)
            terms += _set_preferred(mine, preferred) if preferred is not None else mine
    if not terms:
        raise InvalidGlossaryError(f"concept {old.id!r} would be left without terms")
    note = new.note if incoming.notes else old.note
    return Concept(keep_id, tuple(terms), note)


def merge(current: Glossary, incoming: Incoming, *, replace: bool = False) -> ImportPlan:
    """The proposal an import makes of ``current`` (see the module docstring).

    Raises :class:`InvalidGlossaryError` when two incoming concepts match one current concept
    or the result breaks a glossary rule (a term in two concepts)."""
    matches = _match(current, incoming)
    taken = {c.id for c in current.concepts}
    result: dict[str, Concept] = {}
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    new_concepts: list[Concept] = []
    for concept, old in zip(incoming.glossary.concepts, matches, strict=True):
        if old is None:
            concept_id = concept.id
            n = 2
            while concept_id in taken:
                concept_id, n = f"{concept.id}-{n}", n + 1
            taken.add(concept_id)
            new_concepts.append(Concept(concept_id, concept.terms, concept.note))
            created.append(concept_id)
            continue
        if replace:
            new = Concept(old.id, concept.terms, concept.note if incoming.notes else old.note)
        else:
            new = _merged(old, concept, incoming, keep_id=old.id)
        result[old.id] = new
        (unchanged if same_concept(old, new) else updated).append(old.id)
    untouched = [c.id for c in current.concepts if c.id not in result]
    if replace:  # the file's order
        fresh = iter(new_concepts)
        concepts = [result[old.id] if old is not None else next(fresh) for old in matches]
        removed, untouched = untouched, []
    else:  # the current order, then the new concepts
        concepts = [*(result.get(c.id, c) for c in current.concepts), *new_concepts]
        removed = []
    glossary = Glossary(current.name, tuple(concepts))
    return ImportPlan(
        glossary=glossary,
        replace=replace,
        created=tuple(created),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        removed=tuple(removed),
        untouched=tuple(untouched),
        before=len(current.concepts),
    )
