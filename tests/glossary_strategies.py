"""Hypothesis strategies for glossaries that exercise every corner of the formats: any
language code, several terms per status, case sensitivity, notes with line breaks, ids and
terms that start with spreadsheet formula characters or a quote."""

from __future__ import annotations

from hypothesis import strategies as st

from glossary import Concept, Glossary, Term
from glossary.model import STATUSES

LANGS = ("fr", "vi", "en", "es", "zh")
_TEXT_CHARS = st.characters(exclude_categories=("Cc", "Cf", "Co", "Cs", "Cn"))
_TRICKY = ["=1+1", "@SUM(A1)", "+33 1", "-ism", "'t Hooft", "'=x", "''", "'", "a,b", 'say "hi"']
term_texts = st.one_of(
    st.sampled_from(_TRICKY),
    st.text(_TEXT_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool),
)
concept_ids = st.one_of(
    st.sampled_from(["un", "un_sg", "=x", "'t", "c-1", "a/b", "ñ"]),
    st.text(
        st.characters(exclude_categories=("Cc", "Cf", "Co", "Cs", "Cn", "Zs", "Zl", "Zp")),
        min_size=1,
        max_size=10,
    ).filter(lambda s: not any(ch.isspace() for ch in s)),
)
notes = st.text(
    st.one_of(st.characters(exclude_categories=("Cc", "Cs", "Cn")), st.sampled_from("\t\n\r ")),
    max_size=20,
)
raw_terms = st.tuples(term_texts, st.sampled_from(LANGS), st.sampled_from(STATUSES), st.booleans())


@st.composite
def glossaries(draw: st.DrawFn, *, max_concepts: int = 6) -> Glossary:
    """Valid glossaries (terms repaired to keep the model's rules)."""
    n = draw(st.integers(1, max_concepts))
    ids = draw(st.lists(concept_ids, min_size=n, max_size=n, unique=True))
    owned: set[tuple[str, str]] = set()
    concepts = []
    for k, concept_id in enumerate(ids):
        terms: list[Term] = []
        keys: set[tuple[str, str]] = set()
        preferred: set[str] = set()
        for text, lang, drawn, sensitive in draw(st.lists(raw_terms, min_size=1, max_size=6)):
            key = (lang, text.casefold())
            if key in keys or (drawn != "forbidden" and key in owned):
                continue
            status = "admitted" if drawn == "preferred" and lang in preferred else drawn
            if status == "preferred":
                preferred.add(lang)
            keys.add(key)
            terms.append(Term(text, lang, status, sensitive))
        if not terms:
            terms.append(Term(f"term {k}", "fr", "forbidden"))
        owned |= {(t.lang, t.text.casefold()) for t in terms if t.status != "forbidden"}
        concepts.append(Concept(concept_id, tuple(terms), draw(notes)))
    return Glossary("g", tuple(concepts))


def canonical(g: Glossary) -> tuple[object, ...]:
    """What a glossary means: its name, its concepts in order with their ids and notes, and
    each concept's terms as a set (term order carries no meaning)."""
    return (
        g.name,
        tuple(
            (c.id, c.note, frozenset((t.lang, t.text, t.status, t.case_sensitive) for t in c.terms))
            for c in g.concepts
        ),
    )
