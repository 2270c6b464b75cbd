"""CSV/TSV glossary import and export: the lossless layout, formula neutralisation, the
DeepL and Google layouts, and whole-file refusal of bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary import Concept, Glossary, ParseError, Term
from glossary.tables import neutralise, read_table, read_table_import, restore, write_table
from glossary.tsv import shipped
from glossary.versions import diff
from tests.glossary_strategies import canonical, glossaries


@settings(max_examples=150, deadline=None)
@given(glossaries(), st.sampled_from([",", "\t"]))
def test_export_then_import_gives_back_the_same_glossary(g: Glossary, delimiter: str) -> None:
    back = read_table(write_table(g, delimiter=delimiter), name=g.name, delimiter=delimiter)
    assert canonical(back) == canonical(g)


@given(st.text())
def test_restore_undoes_neutralise_and_nothing_else(cell: str) -> None:
    out = neutralise(cell)
    assert restore(out) == cell
    assert out[:1] not in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("cell", "written", "why"),
    [
        ("=1+1", "'=1+1", "a formula"),
        ("@SUM(A1)", "'@SUM(A1)", "a Lotus-style formula"),
        ("+33 1 23", "'+33 1 23", "a phone number a spreadsheet would compute"),
        ("-ism", "'-ism", "a leading minus"),
        ("\tx", "'\tx", "a tab (notes may start with one)"),
        ("\rx", "'\rx", "a carriage return"),
        ("'t Hooft", "'t Hooft", "a real leading quote before a letter needs nothing"),
        ("'=x", "''=x", "a real quote before a trigger is doubled, so import keeps it"),
        ("''", "'''", "two real quotes"),
        ("Nations Unies", "Nations Unies", "ordinary text is untouched"),
        ("a=b", "a=b", "a trigger inside the cell is harmless"),
    ],
)
def test_neutralise_table(cell: str, written: str, why: str) -> None:
    assert neutralise(cell) == written, why
    assert restore(written) == cell, why


def test_export_neutralises_formulas_in_every_cell() -> None:
    g = Glossary(
        "g",
        (
            Concept(
                "=id",
                (Term("=1+1", "fr"), Term("@SUM(A1)", "en"), Term("-x", "en", "admitted")),
                "+note",
            ),
        ),
    )
    row = write_table(g).splitlines()[1]
    assert row.startswith("'=id,'=1+1,")
    assert "'@SUM(A1)" in row
    assert "'-x" in row
    assert row.endswith("'+note")
    assert write_table(g, pair=("fr", "en")) == "'=1+1,'@SUM(A1)\r\n"
    assert canonical(read_table(write_table(g), name="g")) == canonical(g)


def test_the_layout_keeps_statuses_case_and_notes_of_the_shipped_glossary() -> None:
    g = shipped()
    for delimiter in (",", "\t"):
        back = read_table(write_table(g, delimiter=delimiter), name=g.name, delimiter=delimiter)
        assert diff(g, back).empty
        assert [c.id for c in back.concepts] == [c.id for c in g.concepts]
    n_terms = sum(len(c.terms) for c in g.concepts)
    assert sum(len(c.terms) for c in read_table(write_table(g), name="x").concepts) == n_terms


def test_layout_header_and_one_row() -> None:
    text = write_table(shipped()).splitlines()
    assert text[0] == (
        "id,fr,fr_admitted,fr_forbidden,vi,vi_admitted,vi_forbidden,"
        "en,en_admitted,en_forbidden,case_sensitive,note"
    )


def test_what_the_file_speaks_for() -> None:
    full = read_table_import(write_table(shipped()), name="x")
    assert (full.langs, full.ids, full.notes, full.cases) == (("fr", "vi", "en"), True, True, True)
    assert len(full.statuses) == 9
    google = read_table_import("fr,en\nONU,UN\n", name="x")
    assert (google.langs, google.ids, google.notes, google.cases) == (
        ("fr", "en"),
        False,
        False,
        False,
    )
    assert google.statuses == {("fr", "preferred"), ("en", "preferred")}
    partial = read_table_import("id,en,en_forbidden\nun,UN,\n", name="x")
    assert partial.statuses == {("en", "preferred"), ("en", "forbidden")}
    deepl = read_table_import("ONU,UN\n", name="x", pair=("fr", "en"))
    assert (deepl.langs, deepl.cases) == (("fr", "en"), False)
    assert deepl.statuses == google.statuses


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


def test_hand_written_cells_with_several_terms_and_case() -> None:
    g = read_table(
        "id,fr,fr_admitted,en,en_forbidden,case_sensitive\n"
        'un,Nations Unies,"ONU\r\nOrganisation des Nations Unies",United Nations,'
        '"Unified Nations",fr:ONU\n',
        name="g",
    )
    c = g.concept("un")
    assert [(t.text, t.status, t.case_sensitive) for t in c.in_lang("fr")] == [
        ("Nations Unies", "preferred", False),
        ("ONU", "admitted", True),
        ("Organisation des Nations Unies", "admitted", False),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('fr,en\n"Nations Unies,United Nations\n', "line 2: malformed CSV"),
        ("fr,french\nx,y\n", "line 1: header names unknown columns \\['french'\\]"),
        ("fr,en\nONU,UN\nONU,United Nations\n", "line 3: duplicate fr term 'ONU'"),
        ("fr,en\nONU,UN,extra\n", "line 2: expected 2 cells, found 3"),
        ("fr,en\nON\x07U,UN\n", "line 2: .*control character U\\+0007"),
        ("fr,en\n,\n", "the file holds no terms"),
        ("", "the file holds no terms"),
        ("fr,en\n" + "a" * 20_000_001 + ",b\n", "over the glossary size limit"),
        ('fr,en\n"a\nb",c\n', "line 2: 2 preferred fr terms in column fr"),
        ("fr,en,case_sensitive\nONU,UN,fr:UN\n", "line 2: case_sensitive: 'fr:UN' is not"),
        ("id,fr\nx,a\nx,b\n", "line 3: duplicate concept id 'x'"),
        ("fr,fr\na,b\n", "header repeats a column"),
    ],
    ids=[
        "unclosed-quote",
        "unknown-column",
        "duplicate",
        "cell-count",
        "control-char",
        "empty-rows",
        "empty-file",
        "too-large",
        "two-preferred",
        "case-of-unknown-term",
        "duplicate-id",
        "repeated-column",
    ],
)
def test_bad_imports_are_refused_whole(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        read_table(text, name="bad")
