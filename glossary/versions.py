"""Differences between two glossary versions: concepts and terms added, removed, changed."""

from __future__ import annotations

from dataclasses import dataclass

from glossary.model import Concept, Glossary, Term


@dataclass(frozen=True, slots=True)
class TermChange:
    """A term of one concept and language: ``kind`` is added, removed or changed (status or
    case sensitivity); ``before``/``after`` are None on the side where it does not exist."""

    kind: str
    lang: str
    before: Term | None
    after: Term | None


@dataclass(frozen=True, slots=True)
class ConceptChange:
    concept_id: str
    terms: tuple[TermChange, ...]
    note_before: str
    note_after: str


@dataclass(frozen=True, slots=True)
class GlossaryDiff:
    added: tuple[Concept, ...]
    removed: tuple[Concept, ...]
    changed: tuple[ConceptChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def touched_concepts(self) -> set[str]:
        return (
            {c.id for c in self.added}
            | {c.id for c in self.removed}
            | {c.concept_id for c in self.changed}
        )


def diff(old: Glossary, new: Glossary) -> GlossaryDiff:
    """What changes from ``old`` to ``new`` (concepts matched by id, terms by language and
    case-folded text), in the order of the new version then the removed ones."""
    old_by_id = {c.id: c for c in old.concepts}
    new_by_id = {c.id: c for c in new.concepts}
    added = tuple(c for c in new.concepts if c.id not in old_by_id)
    removed = tuple(c for c in old.concepts if c.id not in new_by_id)
    changed = []
    for concept in new.concepts:
        before = old_by_id.get(concept.id)
        if before is None:
            continue
        terms = _term_changes(before, concept)
        if terms or before.note != concept.note:
            changed.append(ConceptChange(concept.id, terms, before.note, concept.note))
    return GlossaryDiff(added, removed, tuple(changed))


def _term_changes(before: Concept, after: Concept) -> tuple[TermChange, ...]:
    def key(t: Term) -> tuple[str, str]:
        return (t.lang, t.text.casefold())

    old_terms = {key(t): t for t in before.terms}
    new_terms = {key(t): t for t in after.terms}
    out = []
    for k, term in new_terms.items():
        prior = old_terms.get(k)
        if prior is None:
            out.append(TermChange("added", term.lang, None, term))
        elif (prior.status, prior.case_sensitive, prior.text) != (
            term.status,
            term.case_sensitive,
            term.text,
        ):
            out.append(TermChange("changed", term.lang, prior, term))
    out += [
        TermChange("removed", t.lang, t, None) for k, t in old_terms.items() if k not in new_terms
    ]
    return tuple(out)
