"""JSON columns (de)coded a piece at a time (``service.store.jsonchunks``): exactly what the
standard library gives, on random documents, small pieces forced."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.store.jsonchunks import dumps, loads

_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON, st.sampled_from([None, 2, " \n", "\t"]))
def test_same_text_and_value_as_the_standard_library(value: Any, indent: Any) -> None:
    assert dumps(value, slice_size=1) == json.dumps(value)
    assert dumps(value) == json.dumps(value)
    for text in (json.dumps(value), json.dumps(value, indent=indent)):
        assert loads(text, small=0) == json.loads(text)
        assert loads(text.encode(), small=0) == json.loads(text)


def test_a_glossary_shaped_document_round_trips() -> None:
    doc = {
        "name": "g",
        "concepts": [{"id": f"c{i}", "terms": [{"text": f"t {i}"}]} for i in range(1000)],
    }
    text = dumps(doc, slice_size=7)
    assert text == json.dumps(doc)
    assert loads(text, small=0) == doc


@pytest.mark.parametrize(
    "text", ['{"a": [1, 2', '{"a" 1}', '{"a": 1} x', "[1 2]", "{1: 2}", "[", '{"a": [1,]}']
)
def test_bad_json_is_refused_as_the_standard_library_does(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        loads(text, small=0)
