"""Import a TMX file into the aligned corpus (an alignment of kind ``tmx``), whole or not at
all, so that the translation memory and TMX exports use it.

The file is parsed without DTDs, entity expansion or network access; a document type with an
internal subset (entity declarations) is refused. Each ``<tu>`` gives one
unit per pair of its languages (from the header's ``srclang`` to each other language when the
unit has it; otherwise every pair in the unit's order). Language tags are reduced to their
language (``fr-FR`` -> ``fr``); a private-use tag (``x-vi-slug``, ``vi-x-slug``) is kept whole,
so it never counts as the language. Inline codes (``bpt``, ``ept``, ``ph``, ``it``, ``ut``) are
dropped from the text; ``hi`` and ``sub`` keep theirs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lxml import etree

from service.errors import BadInputError
from service.store.alignments import (
    SEGTYPES,
    AlignedUnit,
    AlignmentStore,
    AlignmentSummary,
    NewAlignment,
)

MAX_TMX_UNITS = 2_000_000
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CODES = frozenset({"bpt", "ept", "ph", "it", "ut"})


@dataclass(frozen=True, slots=True)
class Imported:
    alignment: AlignmentSummary
    created: bool
    skipped: int
    """Units without two languages, or with an empty text."""


def lang_code(tag: str) -> str:
    """``fr-FR`` -> ``fr``; private-use tags (``x-...`` or ``...-x-...``) kept whole."""
    tag = tag.strip().lower().replace("_", "-")
    if tag.startswith("x-") or "-x-" in tag:
        return tag
    return tag.split("-", 1)[0]


def _seg_text(seg: etree._Element) -> str:
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in _CODES:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def parse_tmx(data: bytes, *, name: str) -> tuple[str, list[AlignedUnit], int]:
    """(source language or ``*all*``, units, units skipped) of a TMX document."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BadInputError(f"{name}: not well-formed XML: {exc}") from None
    internal = root.getroottree().docinfo.internalDTD
    if internal is not None and list(internal.iterentities()):
        raise BadInputError(
            f"{name}: a DOCTYPE with declarations (entities) is refused; "
            '<!DOCTYPE tmx SYSTEM "tmx14.dtd"> is fine'
        )
    if root.tag != "tmx":
        raise BadInputError(f"{name}: not a TMX file (root element {root.tag!r}, not 'tmx')")
    header = root.find("header")
    srclang = lang_code(header.get("srclang", "*all*")) if header is not None else "*all*"
    default_segtype = header.get("segtype", "sentence") if header is not None else "sentence"
    units: list[AlignedUnit] = []
    skipped = 0
    body = root.find("body")
    for n, tu in enumerate(body.iterfind("tu") if body is not None else ()):
        if n >= MAX_TMX_UNITS:
            raise BadInputError(f"{name}: over {MAX_TMX_UNITS} translation units")
        variants: dict[str, str] = {}
        for tuv in tu.iterfind("tuv"):
            lang = tuv.get(_XML_LANG) or tuv.get("lang")
            seg = tuv.find("seg")
            if lang and seg is not None:
                text = _seg_text(seg).strip()
                if text:
                    variants.setdefault(lang_code(lang), text)
        score = _score(tu)
        segtype = tu.get("segtype", default_segtype)
        segtype = segtype if segtype in SEGTYPES else "sentence"
        langs = list(variants)
        if srclang in variants:
            pairs = [(srclang, x) for x in langs if x != srclang]
        else:
            pairs = [(a, b) for i, a in enumerate(langs) for b in langs[i + 1 :]]
        if not pairs:
            skipped += 1
            continue
        units.extend(
            AlignedUnit(a, b, variants[a], variants[b], score=score, basis="tmx", segtype=segtype)
            for a, b in pairs
        )
    if not units:
        raise BadInputError(f"{name}: no translation unit with texts in two languages")
    return srclang, units, skipped


def _score(tu: etree._Element) -> float | None:
    for prop in tu.iterfind("prop"):
        if prop.get("type") == "x-alignment-score":
            try:
                value = float(prop.text or "")
            except ValueError:
                return None
            return value if 0.0 <= value <= 1.0 else None
    return None


def import_tmx(store: AlignmentStore, data: bytes, *, name: str) -> Imported:
    """Store the TMX ``data`` as an alignment (the same file twice: the first import)."""
    digest = hashlib.sha256(data).hexdigest()
    offset = 0
    while True:
        items, total = store.list(offset=offset, limit=500, kind="tmx")
        for item in items:
            if item.meta.get("sha256") == digest:
                return Imported(item, created=False, skipped=int(item.meta.get("skipped", 0)))
        offset += len(items)
        if not items or offset >= total:
            break
    srclang, units, skipped = parse_tmx(data, name=name)
    targets = sorted({u.tgt_lang for u in units} | {u.src_lang for u in units} - {srclang})
    summary = store.add(
        NewAlignment(
            kind="tmx",
            src_lang=srclang[:35],
            tgt_lang=",".join(targets)[:35],
            units=units,
            name=name[:500],
            meta={"sha256": digest, "skipped": skipped, "bytes": len(data)},
        )
    )
    return Imported(summary, created=True, skipped=skipped)
