"""Imports as proposals: merge a file into the current glossary, or replace it explicitly.

A file read for import is an :class:`Incoming`: its glossary plus what the file speaks for
(its languages, which term statuses of each language it gives, whether its concept ids, notes
and case sensitivity are its own). :func:`merge`
turns it into an :class:`ImportPlan`: the proposed glossary and, per concept, whether it is
created, updated, unchanged, removed or untouched.

Matching an incoming concept to a current one: by concept id when the file carries ids, else
by a shared preferred term (in the file's language order), else by any shared non-forbidden
term (two concepts may not share one, so leaving it unmatched could only fail).

Merging (the default) removes nothing. A matched concept changes only in what the file
speaks for, language by language (a language the file leaves empty for the concept is kept):

- the statuses the file has columns for (TBX: all three) other than preferred: the concept's
  terms of that status become the file's (an admitted term left out of an ``en_admitted``
  cell is dropped);
- preferred: the file's preferred term becomes the preferred term; a term already in the
  concept is promoted; the former preferred term stays as admitted unless the file gives the
  admitted terms itself. A file with only preferred terms (DeepL pairs, Google's header) thus
  keeps every admitted and forbidden term;
- case sensitivity comes from the file when it carries it (a ``case_sensitive`` column, TBX),
  else a term keeps its current case sensitivity.

Notes change only when the file carries notes. ``replace=True`` makes the file the whole
glossary; matched concepts keep their current ids when the file has none, so the diff shows
updates rather than removals and additions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from glossary.errors import InvalidGlossaryError
from glossary.model import Concept, Glossary, Status, Term

DEFAULT_REMOVAL_WARNING_SHARE = 0.10
"""A proposal removing more than this share of the current concepts carries a warning."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """A glossary file as read for import.

    ``langs``: the languages the file covers, in its order (only these change in matched
    concepts); ``statuses``: the (language, status) pairs it has terms for (a two-column file:
    preferred only); ``ids``: concept ids come from the file (else they were made up from
    terms); ``notes``: the file has a note per concept; ``cases``: the file says which terms
    are case-sensitive.
    """

    glossary: Glossary
    langs: tuple[str, ...]
    ids: bool
    notes: bool
    statuses: frozenset[tuple[str, Status]]
    cases: bool


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


def _set_preferred(terms: list[Term], new: Term, *, cases: bool, demote: bool) -> list[Term]:
    """``terms`` (one language) with ``new`` as the preferred term, the former preferred
    term kept as admitted (``demote``) or dropped."""
    out = []
    found = False
    for term in terms:
        if term.text.casefold() == new.text.casefold():
            sensitive = new.case_sensitive if cases else term.case_sensitive
            out.append(Term(new.text, term.lang, "preferred", sensitive))
            found = True
        elif term.status == "preferred":
            if demote:
                out.append(replace(term, status="admitted"))
        else:
            out.append(term)
    return out if found else [*out, new]


def _merge_lang(
    mine: list[Term], theirs: list[Term], spoken: set[Status], *, cases: bool
) -> list[Term]:
    """One language of a matched concept (see the module docstring)."""
    if not cases:  # the file does not say: keep the current case sensitivity
        known = {t.text.casefold(): t.case_sensitive for t in mine}
        theirs = [
            Term(t.text, t.lang, t.status, known.get(t.text.casefold(), t.case_sensitive))
            for t in theirs
        ]
    given = [t for t in theirs if t.status != "preferred"]
    given_keys = {t.text.casefold() for t in given}
    out = [
        t
        for t in mine
        if (t.status == "preferred" or t.status not in spoken)
        and t.text.casefold() not in given_keys
    ]
    preferred = next((t for t in theirs if t.status == "preferred"), None)
    out += given
    if "preferred" in spoken and preferred is not None:
        out = _set_preferred(out, preferred, cases=cases, demote="admitted" not in spoken)
    return out


def _merged(old: Concept, new: Concept, incoming: Incoming, *, keep_id: str) -> Concept:
    if (
        incoming.cases
        and (not incoming.notes or old.note == new.note)
        and _terms_key(old) == _terms_key(new)
    ):
        return old  # the file gives the concept as it is (a re-imported export)
    terms: list[Term] = []
    langs = list(dict.fromkeys([*(t.lang for t in old.terms), *incoming.langs]))
    for lang in langs:
        mine = list(old.in_lang(lang))
        theirs = list(new.in_lang(lang))
        spoken = {status for spoken_lang, status in incoming.statuses if spoken_lang == lang}
        if not theirs or not spoken:
            terms += mine  # a language the file leaves empty for this concept is kept
        else:
            terms += _merge_lang(mine, theirs, spoken, cases=incoming.cases)
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
