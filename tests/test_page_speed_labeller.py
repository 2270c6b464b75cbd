"""The third round of page-analysis shortcuts gives the answers of the code it replaces.

The labeller is handed each line's attributes that its model knows (:func:`line_attributes`),
computing only the features those name, instead of every feature as a dict
(:func:`line_features`): held to the dicts cut down to the model's attributes, on every page of
the corpus and the seeds, for the shipped model, for a model that knew every attribute the pages
give, and for random parts of that; the shipped model's kinds and marginals are compared too.
"""

from __future__ import annotations

import random
from collections import Counter
from functools import cache
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import page
from aligner.labeller import MODEL_RESOURCE, default_labeller, model_attributes
from aligner.page import _OWN_KEYS, Draft, _own_features, draft_page, line_attributes, line_features
from tests.conftest import ROOT
from tests.test_page_speed_batch import _TEXT, _lines


@cache
def _drafts() -> tuple[Draft, ...]:
    pages = sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))
    return tuple(draft_page(p.read_text(encoding="utf-8")) for p in pages)


def _as_attributes(draft: Draft, known: frozenset[str]) -> list[list[str]]:
    """The features as CRFsuite reads a dict (``name:value``; a number: ``name`` with that
    weight), kept where the model knows them."""
    out = []
    for feats in line_features(draft):
        item = []
        for name, value in feats.items():
            if isinstance(value, str):
                attribute = f"{name}:{value}"
            else:
                assert value == 1.0  # the attribute lists carry weight 1.0 only
                attribute = name
            if attribute in known:
                item.append(attribute)
        out.append(item)
    return out


def _every_attribute() -> frozenset[str]:
    return frozenset(
        a for d in _drafts() for item in _as_attributes(d, _Everything()) for a in item
    )


class _Everything(frozenset[str]):
    def __contains__(self, item: object) -> bool:
        return True


def test_model_attributes_are_the_models_dictionary() -> None:
    model = files("aligner").joinpath(MODEL_RESOURCE).read_bytes()
    info = default_labeller()._tagger().info()
    assert model_attributes(model) == sorted(info.attributes, key=lambda a: int(info.attributes[a]))
    assert default_labeller().attributes() == frozenset(info.attributes)


def test_own_feature_keys_in_order() -> None:
    draft = _drafts()[0]
    ln = draft.lines[0]
    assert tuple(_own_features(ln, draft, set(), 1, Counter())) == _OWN_KEYS


def test_shipped_model_attributes_on_every_page() -> None:
    known = default_labeller().attributes()
    for draft in _drafts():
        assert line_attributes(draft, known) == _as_attributes(draft, known)


def test_every_attribute_and_parts_of_them_on_every_page() -> None:
    every = _every_attribute()
    # every feature name, with the values the pages give (the shipped model knows 157)
    assert len(every) > 400
    assert {"bias", "speech:True", "author:True", "repeat:<=2", "-2:none", "1:none"} <= every
    rng = random.Random(15)
    ordered = sorted(every)
    sets = [every, frozenset()]
    sets += [frozenset(rng.sample(ordered, k)) for k in (5, 50, 300, len(ordered) // 2)]
    # A model that knows a name's attributes only as a neighbour's, or only ``rule|rule``.
    sets.append(frozenset(a for a in ordered if a.startswith(("-1:", "2:"))))
    sets.append(frozenset(a for a in ordered if "rule|rule" in a or a.startswith("speech")))
    for known in sets:
        for draft in _drafts():
            assert line_attributes(draft, known) == _as_attributes(draft, known)


def test_shipped_model_tags_the_attributes_as_the_features() -> None:
    labeller = default_labeller()
    known = labeller.attributes()
    for draft in _drafts():
        assert labeller.tag_attributes(line_attributes(draft, known)) == labeller.tag(
            line_features(draft)
        )


# --- letter, capital and digit counts of a page's lines at once --------------------------------


def test_char_counts_many_on_every_corpus_line_and_code_point() -> None:
    lines = _lines()
    assert page._char_counts_many(lines) == [page._char_counts(t) for t in lines]
    every = [chr(c) * 3 + "a" for c in range(1, 0x3000)] + ["²Ⅻǅ", "ß", "İ", "x"]
    assert page._char_counts_many(every) == [page._char_counts(t) for t in every]


@settings(max_examples=300)
@given(st.lists(_TEXT, max_size=8))
def test_char_counts_many_on_any_text(texts: list[str]) -> None:
    assert page._char_counts_many(texts) == [page._char_counts(t) for t in texts]


def test_char_counts_many_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page, "_COUNT_BATCH_CHARS", 50)
    texts = ["Hà Nội 2025", "A" * 120, "Le Premier ministre a dit 3 fois", "한국 12", "x" * 50, "É"]
    texts += _lines()[:200]
    expected = [page._char_counts(t) for t in texts]
    assert page._char_counts_many(texts) == expected
    monkeypatch.setattr(page, "_COUNT_BATCH_CHARS", 500)
    assert page._char_counts_many(texts) == expected
    assert page._char_counts_many([]) == []
