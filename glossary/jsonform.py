"""Glossaries as JSON-ready dicts, and proposals written as edits.

A concept is ``{"id", "note", "terms": [{"text", "lang", "status", "case_sensitive"}]}``.
Edits are ``{"upsert": [concept, ...], "remove": [concept id, ...]}``: an upserted concept
replaces the concept with its id, or is appended.
"""

from __future__ import annotations

from typing import Any

from glossary.errors import InvalidGlossaryError
from glossary.model import Concept, Glossary, Term


def concept_to_dict(concept: Concept) -> dict[str, Any]:
    return {
        "id": concept.id,
        "note": concept.note,
        "terms": [
            {"text": t.text, "lang": t.lang, "status": t.status, "case_sensitive": t.case_sensitive}
            for t in concept.terms
        ],
    }


def to_dict(glossary: Glossary) -> dict[str, Any]:
    return {"name": glossary.name, "concepts": [concept_to_dict(c) for c in glossary.concepts]}


def concept_from_dict(data: Any) -> Concept:
    if not isinstance(data, dict):
        raise InvalidGlossaryError("a concept must be a JSON object")
    terms = data.get("terms")
    if not isinstance(terms, list):
        raise InvalidGlossaryError(f"concept {data.get('id')!r}: terms must be a list")
    built = []
    for t in terms:
        if not isinstance(t, dict) or not isinstance(t.get("text"), str):
            raise InvalidGlossaryError(f"concept {data.get('id')!r}: each term needs a text")
        built.append(
            Term(
                t["text"],
                str(t.get("lang", "")),
                t.get("status", "preferred"),
                bool(t.get("case_sensitive", False)),
            )
        )
    return Concept(str(data.get("id", "")), tuple(built), str(data.get("note", "")))


def from_dict(data: Any) -> Glossary:
    if not isinstance(data, dict) or not isinstance(data.get("concepts"), list):
        raise InvalidGlossaryError("a glossary is an object with a concepts list")
    return Glossary(
        str(data.get("name", "")), tuple(concept_from_dict(c) for c in data["concepts"])
    )


def apply_edits(glossary: Glossary, edits: Any) -> Glossary:
    """``glossary`` with ``edits`` applied; any invalid edit refuses the whole set."""
    if not isinstance(edits, dict) or not set(edits) <= {"upsert", "remove"} or not edits:
        raise InvalidGlossaryError('edits are {"upsert": [concepts], "remove": [ids]}')
    remove = edits.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
        raise InvalidGlossaryError("remove must be a list of concept ids")
    known = {c.id for c in glossary.concepts}
    missing = [r for r in remove if r not in known]
    if missing:
        raise InvalidGlossaryError(f"cannot remove unknown concepts {missing}")
    upserts = edits.get("upsert", [])
    if not isinstance(upserts, list):
        raise InvalidGlossaryError("upsert must be a list of concepts")
    new_concepts = {c.id: c for c in (concept_from_dict(u) for u in upserts)}
    concepts = [new_concepts.pop(c.id, c) for c in glossary.concepts if c.id not in remove]
    concepts += new_concepts.values()
    return Glossary(glossary.name, tuple(concepts))
