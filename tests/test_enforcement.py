"""Glossary enforcement logic with fake engines (the real Argos path is in
test_translation.py)."""

from __future__ import annotations

import re

from glossary.enforcement import enforce, protect
from glossary.matching import find_terms
from glossary.tsv import shipped

FR = "Le Secrétaire général de l'ONU a salué la Convention de Hanoï."


def copy_engine(texts: list[str]) -> list[str]:
    return list(texts)


def test_protect_replaces_terms_with_numbered_placeholders() -> None:
    matches = find_terms(shipped(), FR, "fr")
    assert protect(FR, matches) == "Le ZXT1 a salué la ZXT2."


def test_placeholders_are_restored_as_preferred_english() -> None:
    [out] = enforce(shipped(), [FR], src_lang="fr", tgt_lang="en", translate=copy_engine)
    assert out.text == "Le UN Secretary-General a salué la Hanoi Convention."
    assert [(t.concept_id, t.expected, t.method, t.present) for t in out.terms] == [
        ("un-sg", "UN Secretary-General", "placeholder", True),
        ("hanoi-convention", "Hanoi Convention", "placeholder", True),
    ]
    assert out.compliant


def test_a_lost_placeholder_falls_back_to_post_editing_a_variant() -> None:
    def lossy(texts: list[str]) -> list[str]:
        out = []
        for text in texts:
            if "ZXT" in text:
                out.append(re.sub(r"ZXT\d", "", text))  # the engine drops placeholders
            else:
                out.append(
                    "The Secretary-General of the United Nations praised the Hanoi Convention."
                )
        return out

    [out] = enforce(shipped(), [FR], src_lang="fr", tgt_lang="en", translate=lossy)
    assert out.text == "The UN Secretary-General praised the Hanoi Convention."
    assert [(t.concept_id, t.method) for t in out.terms] == [
        ("un-sg", "post-edit"),
        ("hanoi-convention", "model"),
    ]
    assert out.compliant


def test_forbidden_terms_never_survive() -> None:
    def bad(texts: list[str]) -> list[str]:
        return ["The Premier Minister arrived in Ha Noi." for _ in texts]

    [out] = enforce(
        shipped(),
        ["Le Premier ministre est arrivé à Hanoï."],
        src_lang="fr",
        tgt_lang="en",
        translate=bad,
    )
    assert "Premier Minister" not in out.text
    assert "Ha Noi" not in out.text
    assert out.text == "The Prime Minister arrived in Hanoi."
    assert [(t.concept_id, t.method) for t in out.terms] == [
        ("pm", "post-edit"),
        ("hanoi", "post-edit"),
    ]


def test_forbidden_terms_without_a_source_term_are_replaced_and_reported() -> None:
    def bad(texts: list[str]) -> list[str]:
        return ["He went back to Ha Noi." for _ in texts]

    [out] = enforce(shipped(), ["Il est rentré."], src_lang="fr", tgt_lang="en", translate=bad)
    assert out.text == "He went back to Hanoi."
    assert [(f.concept_id, f.found, f.replaced_by) for f in out.forbidden] == [
        ("hanoi", "Ha Noi", "Hanoi")
    ]


def test_a_term_the_engine_cannot_produce_is_reported_missing() -> None:
    def stubborn(texts: list[str]) -> list[str]:
        return ["Something else entirely." for _ in texts]

    [out] = enforce(shipped(), [FR], src_lang="fr", tgt_lang="en", translate=stubborn)
    assert not out.compliant
    assert {t.method for t in out.terms} == {"missing"}
    assert not any(t.present for t in out.terms)


def test_texts_without_terms_are_translated_once() -> None:
    calls: list[list[str]] = []

    def counting(texts: list[str]) -> list[str]:
        calls.append(texts)
        return list(texts)

    out = enforce(
        shipped(), ["Rien à signaler.", FR], src_lang="fr", tgt_lang="en", translate=counting
    )
    assert len(calls) == 1
    assert out[0].terms == ()


def test_forced_decoding_places_a_term_the_engine_will_not_produce() -> None:
    calls: list[tuple[str, str]] = []

    def stubborn(texts: list[str]) -> list[str]:
        return ["The Secretary praised the treaty of the capital." for _ in texts]

    def force(source: str, prefix: str) -> str:
        calls.append((source, prefix))
        return prefix + " of the capital."

    [out] = enforce(
        shipped(),
        ["La Convention de Hanoï a été saluée."],
        src_lang="fr",
        tgt_lang="en",
        translate=stubborn,
        force=force,
    )
    assert calls == [("La Convention de Hanoï a été saluée.", "The Hanoi Convention")]
    assert out.text == "The Hanoi Convention of the capital."
    assert [(t.method, t.present) for t in out.terms] == [("forced", True)]
