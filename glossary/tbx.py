"""TBX-Basic (ISO 30042:2019, DCA style) import and export.

Statuses map to ``administrativeStatus``: preferred <-> ``preferredTerm-admn-sts``, admitted
<-> ``admittedTerm-admn-sts``, forbidden <-> ``deprecatedTerm-admn-sts`` (``supersededTerm``
is read as forbidden too). Imports are parsed without DTDs, entities or network access, checked
against the TBX core structure (RELAX NG, ``data/TBXcoreStructV03.rng`` from LTAC-Global's
TBX_Core_RNG), and refused whole on the first problem.

Lossless round trip (export then import gives the same glossary):

- *case sensitivity* has no TBX-Basic data category; a case-sensitive term carries a
  term-level ``<note>case-sensitive</note>`` in its ``termSec`` (``note`` is allowed at every
  level of TBX-Basic, DCA and DCT alike, and passes the core schema and the TBX-Basic
  Schematron rules; a person reading the file sees it too);
- *concept ids* become ``conceptEntry/@id`` (an ``xsd:ID``): ``c-`` then the id with ASCII
  letters, digits, ``.`` and ``-`` kept, ``_`` doubled and any other character written
  ``_HEX_`` (``un sg`` cannot be, ``un/sg`` is ``c-un_2f_sg``); ids from other tools are kept
  as written;
- the concept *note* is one ``<note>`` at concept level, read back exactly (several notes
  from other tools are joined by a line break);
- a ``termSec`` without ``administrativeStatus`` (other tools) is admitted, except that the
  first such term of a language with no preferred term becomes preferred.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from importlib.resources import files

from lxml import etree

from glossary.errors import GlossaryError, InvalidGlossaryError, ParseError
from glossary.merge import Incoming
from glossary.model import STATUSES, Concept, Glossary, Status, Term

NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_BYTES = 20_000_000
_STATUS_OUT = {
    "preferred": "preferredTerm-admn-sts",
    "admitted": "admittedTerm-admn-sts",
    "forbidden": "deprecatedTerm-admn-sts",
}
_STATUS_TAGS = (  # DCA style, then DCT style (a namespaced element per data category)
    f"{{{NS}}}termNote",
    "{http://www.tbxinfo.net/ns/min}administrativeStatus",
    "{http://www.tbxinfo.net/ns/basic}administrativeStatus",
)
_STATUS_IN: dict[str, Status] = {
    "preferredTerm-admn-sts": "preferred",
    "admittedTerm-admn-sts": "admitted",
    "deprecatedTerm-admn-sts": "forbidden",
    "supersededTerm-admn-sts": "forbidden",
}


@lru_cache(maxsize=1)
def _schema() -> etree.RelaxNG:
    data = files("glossary").joinpath("data/TBXcoreStructV03.rng").read_bytes()
    return etree.RelaxNG(etree.fromstring(data, _parser()))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )


def validate(data: bytes) -> list[str]:
    """Problems of a TBX file against the core structure schema (empty if valid)."""
    try:
        tree = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        return [f"line {exc.lineno}: not well-formed XML: {exc.msg}"]
    return _schema_problems(tree)


def _schema_problems(tree: etree._Element) -> list[str]:
    schema = _schema()
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _parse_untrusted(data: bytes) -> etree._Element:
    """Parse an uploaded file: no DTD (internal or external), no entities, no network.

    The byte check refuses the common attacks before any parsing; the check after parsing
    catches what bytes cannot show (a DOCTYPE in UTF-16). The parser never expands or
    fetches entities either way.
    """
    refused = "TBX files with a DOCTYPE or entity declarations are refused"
    text = data
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text = data.decode(codec, "replace").encode("utf-8")
            break
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise ParseError(refused)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(f"line {exc.lineno}: not well-formed XML: {exc.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ParseError(refused)
    return root


_ID_SAFE = re.compile(r"[A-Za-z0-9.-]")
_ID_ESCAPE = re.compile(r"_(?:(_)|([0-9a-f]{1,6})_)")
CASE_SENSITIVE_NOTE = "case-sensitive"


def _xml_id(concept_id: str) -> str:
    """``c-`` + the id, reversibly escaped to an XML NCName (see the module docstring)."""
    out = []
    for ch in concept_id:
        if _ID_SAFE.fullmatch(ch):
            out.append(ch)
        elif ch == "_":
            out.append("__")
        else:
            out.append(f"_{ord(ch):x}_")
    return "c-" + "".join(out)


def _concept_id(xml_id: str) -> str:
    """The inverse of :func:`_xml_id`; ids without the ``c-`` prefix are kept as written."""
    if not xml_id.startswith("c-"):
        return xml_id
    return _ID_ESCAPE.sub(
        lambda m: "_" if m.group(1) else chr(int(m.group(2), 16)), xml_id.removeprefix("c-")
    )


def write_tbx(glossary: Glossary, *, source_lang: str = "fr") -> bytes:
    """The glossary as a TBX-Basic (DCA) document."""
    tbx = etree.Element(
        f"{{{NS}}}tbx",
        nsmap={None: NS},
        attrib={"type": "TBX-Basic", "style": "dca", XML_LANG: source_lang},
    )
    header = etree.SubElement(tbx, f"{{{NS}}}tbxHeader")
    file_desc = etree.SubElement(header, f"{{{NS}}}fileDesc")
    source_desc = etree.SubElement(file_desc, f"{{{NS}}}sourceDesc")
    etree.SubElement(source_desc, f"{{{NS}}}p").text = f"Triglot glossary {glossary.name}"
    body = etree.SubElement(etree.SubElement(tbx, f"{{{NS}}}text"), f"{{{NS}}}body")
    for concept in glossary.concepts:
        entry = etree.SubElement(body, f"{{{NS}}}conceptEntry", id=_xml_id(concept.id))
        if concept.note:
            try:
                etree.SubElement(entry, f"{{{NS}}}note").text = concept.note
            except ValueError:
                raise InvalidGlossaryError(
                    f"concept {concept.id}: its note holds a character XML cannot carry"
                ) from None
        langs = list(dict.fromkeys(t.lang for t in concept.terms))
        for lang in langs:
            lang_sec = etree.SubElement(entry, f"{{{NS}}}langSec", attrib={XML_LANG: lang})
            for term in concept.in_lang(lang):
                term_sec = etree.SubElement(lang_sec, f"{{{NS}}}termSec")
                try:
                    etree.SubElement(term_sec, f"{{{NS}}}term").text = term.text
                except ValueError:
                    raise InvalidGlossaryError(
                        f"concept {concept.id}: term {term.text!r} holds a character XML "
                        "cannot carry"
                    ) from None
                status = etree.SubElement(
                    term_sec, f"{{{NS}}}termNote", type="administrativeStatus"
                )
                status.text = _STATUS_OUT[term.status]
                if term.case_sensitive:
                    etree.SubElement(term_sec, f"{{{NS}}}note").text = CASE_SENSITIVE_NOTE
    return bytes(etree.tostring(tbx, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def read_tbx(data: bytes, *, name: str) -> Glossary:
    """A glossary from TBX-Basic (DCA or DCT style); languages are kept as their ISO 639
    primary subtag (``en-US`` -> ``en``)."""
    return read_tbx_import(data, name=name).glossary


def read_tbx_import(data: bytes, *, name: str) -> Incoming:
    """:func:`read_tbx` for import: the file speaks for its languages, ids, notes and
    statuses."""
    if len(data) > MAX_BYTES:
        raise ParseError(f"{len(data)} bytes is over the TBX size limit of {MAX_BYTES} bytes")
    root = _parse_untrusted(data)
    problems = _schema_problems(root)
    if problems:
        raise ParseError("not valid TBX: " + "; ".join(problems[:3]))
    concepts: list[Concept] = []
    taken: set[str] = set()
    langs: dict[str, None] = {}
    for entry in root.iter(f"{{{NS}}}conceptEntry"):
        line = entry.sourceline
        raw_id = entry.get("id") or f"concept-{len(concepts) + 1}"
        concept_id = _concept_id(raw_id)
        if concept_id in taken:
            raise ParseError(f"duplicate concept id {concept_id!r}", line=line)
        taken.add(concept_id)
        terms: list[Term] = []
        for lang_sec in entry.iter(f"{{{NS}}}langSec"):
            lang = (lang_sec.get(XML_LANG) or "").split("-")[0].lower()
            langs[lang] = None
            terms += _lang_terms(lang_sec, lang)
        notes = [n.text or "" for n in entry.findall(f"{{{NS}}}note")]
        try:
            concepts.append(Concept(concept_id, tuple(terms), "\n".join(notes)))
        except GlossaryError as exc:
            raise ParseError(str(exc), line=line) from None
    if not concepts:
        raise ParseError("the TBX file holds no conceptEntry")
    try:
        glossary = Glossary(name, tuple(concepts))
    except GlossaryError as exc:
        raise ParseError(str(exc)) from None
    return Incoming(
        glossary,
        langs=tuple(langs),
        ids=True,
        notes=True,
        statuses=frozenset((lang, status) for lang in langs for status in STATUSES),
        cases=True,
    )


def _lang_terms(lang_sec: etree._Element, lang: str) -> list[Term]:
    """The terms of one ``langSec``: statuses as marked, one preferred at most."""
    found: list[tuple[str, Status | None, bool, int | None]] = []
    for term_sec in lang_sec.iter(f"{{{NS}}}termSec"):
        text = (term_sec.findtext(f"{{{NS}}}term") or "").strip()
        status: Status | None = None
        for note in term_sec.iter(*_STATUS_TAGS):
            value = (note.text or "").strip()
            if (
                note.get("type", "administrativeStatus") == "administrativeStatus"
                and value in _STATUS_IN
            ):
                status = _STATUS_IN[value]
        sensitive = any(
            (n.text or "").strip().casefold() == CASE_SENSITIVE_NOTE
            for n in term_sec.findall(f"{{{NS}}}note")
        )
        found.append((text, status, sensitive, term_sec.sourceline))
    has_preferred = any(status == "preferred" for _t, status, _s, _l in found)
    terms: list[Term] = []
    seen_preferred = False
    for text, marked, sensitive, line in found:
        final: Status = marked or "admitted"
        if marked is None and not has_preferred and not seen_preferred:
            final = "preferred"  # an unmarked first term of a language without a preferred
        if final == "preferred":
            if seen_preferred:
                final = "admitted"  # one preferred term per language
            seen_preferred = True
        try:
            terms.append(Term(text, lang, final, sensitive))
        except GlossaryError as exc:
            raise ParseError(str(exc), line=line) from None
    return terms
