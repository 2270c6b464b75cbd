"""TBX-Basic: exports validate against the TBX core schema, the official examples import,
bad files are refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from lxml import etree

from glossary import Concept, Glossary, ParseError, Term
from glossary.tbx import read_tbx, read_tbx_import, validate, write_tbx
from glossary.tsv import shipped
from glossary.versions import diff
from tests.conftest import SHARED
from tests.glossary_strategies import canonical, glossaries

FORMATS = SHARED / "eval" / "formats"
EXAMPLES = ["DCA_Example_Astronomy_DCA_VALID", "DCT_Example_Astronomy_DCT_VALID"]


def _shared_schema() -> etree.RelaxNG:
    path = FORMATS / "TBXcoreStructV03.rng"
    if not path.exists():
        pytest.fail(f"{path} missing: ../shared must sit beside the repo")
    return etree.RelaxNG(etree.parse(str(path)))


def test_export_validates_against_the_shared_schema_and_round_trips() -> None:
    data = write_tbx(shipped())
    schema = _shared_schema()
    assert schema.validate(etree.fromstring(data)), schema.error_log
    back = read_tbx(data, name=shipped().name)
    assert [c.id for c in back.concepts] == [c.id for c in shipped().concepts]
    assert diff(shipped(), back).empty  # case sensitivity included (7 concepts lost it before)
    assert canonical(back) == canonical(shipped())


@settings(max_examples=150, deadline=None)
@given(glossaries())
def test_export_then_import_gives_back_the_same_glossary(g: Glossary) -> None:
    data = write_tbx(g)
    assert _shared_schema().validate(etree.fromstring(data))
    assert canonical(read_tbx(data, name=g.name)) == canonical(g)


def test_case_sensitivity_travels_as_a_term_level_note() -> None:
    g = Glossary("g", (Concept("un/sg_1", (Term("ONU", "fr", case_sensitive=True),)),))
    data = write_tbx(g)
    assert b'<conceptEntry id="c-un_2f_sg__1">' in data
    assert b"<note>case-sensitive</note>" in data
    incoming = read_tbx_import(data, name="g")
    assert incoming.glossary == g
    assert (incoming.langs, incoming.ids, incoming.cases) == (("fr",), True, True)
    assert incoming.statuses == {("fr", "preferred"), ("fr", "admitted"), ("fr", "forbidden")}


def test_unmarked_terms_from_other_tools() -> None:
    data = (
        b'<?xml version="1.0"?><tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" '
        b'style="dca" xml:lang="en"><tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc>'
        b'</fileDesc></tbxHeader><text><body><conceptEntry id="a"><langSec xml:lang="en">'
        b"<termSec><term>one</term></termSec><termSec><term>two</term></termSec></langSec>"
        b"</conceptEntry></body></text></tbx>"
    )
    [c] = read_tbx(data, name="g").concepts
    assert [(t.text, t.status) for t in c.terms] == [("one", "preferred"), ("two", "admitted")]


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_official_examples_import(example: str) -> None:
    data = (FORMATS / f"TBX-Basic_dialect.{example}.tbx").read_bytes()
    g = read_tbx(data, name="astronomy")
    assert len(g.concepts) == 45
    c1 = g.concept("c1")
    assert c1.preferred("en").text == "open cluster"  # type: ignore[union-attr]
    assert c1.preferred("es").text == "cúmulo abierto"  # type: ignore[union-attr]
    assert {t.lang for c in g.concepts for t in c.terms} == {"en", "es", "zu"}


def test_dca_statuses_are_kept() -> None:
    data = (FORMATS / f"TBX-Basic_dialect.{EXAMPLES[0]}.tbx").read_bytes()
    c1 = read_tbx(data, name="astronomy").concept("c1")
    assert [(t.text, t.status) for t in c1.in_lang("en")] == [
        ("open cluster", "preferred"),
        ("galactic cluster", "forbidden"),  # superseded
    ]


def _billion_laughs() -> bytes:
    """The classic entity expansion bomb: 10^9 "lol"s from 1 kB."""
    decls = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        decls.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
    return (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz ['
        + "".join(decls)
        + ']><tbx xmlns="urn:iso:std:iso:30042:ed-2">&lol9;</tbx>'
    ).encode()


BILLION_LAUGHS = _billion_laughs()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<tbx", "not well-formed XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x "boom">]><tbx/>',
            "DOCTYPE or entity declarations are refused",
        ),
        (BILLION_LAUGHS, "DOCTYPE or entity declarations are refused"),
        (
            b'<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<tbx>&xxe;</tbx>",
            "DOCTYPE or entity declarations are refused",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE tbx SYSTEM "http://127.0.0.1:9/tbx.dtd"><tbx/>',
            "DOCTYPE or entity declarations are refused",
        ),
        (  # the same bomb in UTF-16: no ASCII bytes to spot before parsing
            BILLION_LAUGHS.decode()
            .replace('encoding="UTF-8"', 'encoding="UTF-16"')
            .encode("utf-16"),
            "DOCTYPE or entity declarations are refused",
        ),
        (
            b'<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" '
            b'xml:lang="en"><text><body/></text></tbx>',
            "not valid TBX",
        ),
    ],
    ids=[
        "not-xml",
        "entity",
        "billion-laughs",
        "external-entity",
        "external-dtd",
        "utf16-bomb",
        "schema",
    ],
)
def test_bad_tbx_is_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        read_tbx(data, name="bad")


def test_empty_term_in_tbx_names_the_line(tmp_path: Path) -> None:
    data = write_tbx(shipped()).replace(b"<term>Nations Unies</term>", b"<term> </term>")
    with pytest.raises(ParseError, match=r"line \d+: empty term"):
        read_tbx(data, name="bad")
    assert validate(write_tbx(shipped())) == []
