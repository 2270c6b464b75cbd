"""CSV/TSV glossary import and export: round trips and whole-file refusal of bad input."""

from __future__ import annotations

import pytest

from glossary import ParseError
from glossary.tables import read_table, write_table
from glossary.tsv import shipped


def test_multi_column_round_trip_keeps_preferred_terms() -> None:
    g = shipped()
    for delimiter in (",", "\t"):
        text = write_table(g, delimiter=delimiter)
        back = read_table(text, name="copy", delimiter=delimiter)
        assert [c.id for c in back.concepts] == [c.id for c in g.concepts]
        for a, b in zip(g.concepts, back.concepts, strict=True):
            for lang in ("fr", "vi", "en"):
                pa, pb = a.preferred(lang), b.preferred(lang)
                assert (pa.text if pa else None) == (pb.text if pb else None)


def test_two_column_pair_as_deepl_reads_it() -> None:
    text = write_table(shipped(), pair=("fr", "en"))
    assert text.splitlines()[0] == "Nations Unies,United Nations"
    back = read_table(text, name="fr-en", pair=("fr", "en"))
    assert len(back.concepts) == len(shipped().concepts)
    assert back.concepts[0].preferred("en").text == "United Nations"  # type: ignore[union-attr]


def test_google_style_header_and_optional_columns() -> None:
    g = read_table(
        "fr,vi,en\nConvention de Hanoï,Công ước Hà Nội,Hanoi Convention\nONU,,UN\n", name="g"
    )
    assert [c.id for c in g.concepts] == ["hanoi-convention", "un"]
    assert g.concepts[1].preferred("vi") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fr,en\n"Nations Unies,United Nations\n', "line 2: malformed CSV"),
        ("fr,de\nx,y\n", "line 1: header names unknown columns \\['de'\\]"),
        ("fr,en\nONU,UN\nONU,United Nations\n", "line 3: duplicate fr term 'ONU'"),
        ("fr,en\nONU,UN,extra\n", "line 2: expected 2 cells, found 3"),
        ("fr,en\nON\x07U,UN\n", "line 2: .*control character U\\+0007"),
        ("fr,en\n,\n", "the file holds no terms"),
        ("", "the file holds no terms"),
        ("fr,en\n" + "a" * 6_000_000 + ",b\n", "over the glossary size limit"),
    ],
    ids=[
        "unclosed-quote",
        "unknown-language",
        "duplicate",
        "cell-count",
        "control-char",
        "empty-rows",
        "empty-file",
        "too-large",
    ],
)
def test_bad_imports_are_refused_whole(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        read_table(text, name="bad")
