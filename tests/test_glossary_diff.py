"""Glossary diffs between versions."""

from __future__ import annotations

from glossary import Concept, Glossary, Term
from glossary.tsv import shipped
from glossary.versions import diff


def test_identical_versions_have_an_empty_diff() -> None:
    assert diff(shipped(), shipped()).empty


def test_added_removed_and_changed_concepts_and_terms() -> None:
    old = Glossary(
        "g",
        (
            Concept("un", (Term("ONU", "fr", case_sensitive=True), Term("UN", "en"))),
            Concept("pm", (Term("Premier ministre", "fr"), Term("Prime Minister", "en"))),
        ),
    )
    new = Glossary(
        "g",
        (
            Concept(
                "un",
                (
                    Term("ONU", "fr", "admitted", case_sensitive=True),
                    Term("Nations Unies", "fr"),
                    Term("UN", "en"),
                ),
                note="renamed",
            ),
            Concept("asean", (Term("ASEAN", "fr"), Term("ASEAN", "en"))),
        ),
    )
    d = diff(old, new)
    assert [c.id for c in d.added] == ["asean"]
    assert [c.id for c in d.removed] == ["pm"]
    [change] = d.changed
    assert change.concept_id == "un"
    assert (change.note_before, change.note_after) == ("", "renamed")
    assert [
        (t.kind, t.lang, t.before.status if t.before else None, t.after.status if t.after else None)
        for t in change.terms
    ] == [
        ("changed", "fr", "preferred", "admitted"),
        ("added", "fr", None, "preferred"),
    ]
    assert d.touched_concepts() == {"un", "pm", "asean"}
