"""TMX 1.4b writing, streamed: the header, then units as they come, then the footer.

Text is escaped for XML; characters XML 1.0 cannot carry (C0 controls other than tab and line
breaks, U+FFFE/U+FFFF, lone surrogates) are replaced by U+FFFD and reported: in the unit
(``x-replaced-characters`` prop: code point, language and offset), in a closing comment, and
in :attr:`TmxWriter.replaced` for the caller.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CHUNK_UNITS = 200


def escape(text: str) -> str:
    """XML character data: ``&``, ``<``, ``>`` escaped (checked first: usually none)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def quoteattr(value: str) -> str:
    """A double-quoted XML attribute value."""
    value = escape(value)
    if '"' in value or "\n" in value or "\t" in value or "\r" in value:
        value = (
            value.replace('"', "&quot;")
            .replace("\n", "&#10;")
            .replace("\t", "&#9;")
            .replace("\r", "&#13;")
        )
    return f'"{value}"'


quoted = lru_cache(maxsize=1024)(quoteattr)
"""For the few distinct values of prop types and languages."""


class TmxVariant(NamedTuple):
    """One language of a unit. Named tuples, not frozen dataclasses: an export makes four of
    these records per unit, and a tuple is built in half the time (``bench/tmx_export.py``)."""

    lang: str
    text: str
    props: tuple[tuple[str, str], ...] = ()


class TmxUnit(NamedTuple):
    tuid: str
    variants: tuple[TmxVariant, ...]
    props: tuple[tuple[str, str], ...] = ()
    segtype: str | None = None
    """``block``, ``paragraph``, ``sentence`` or ``phrase`` where it differs from the header's."""


@dataclass
class TmxWriter:
    """Serialises units to TMX 1.4b; ``replaced`` lists every character it had to replace."""

    tool_version: str
    srclang: str = "fr"
    segtype: str = "sentence"
    replaced: list[str] = field(default_factory=list)

    def header(self) -> str:
        now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<tmx version="1.4">\n'
            f'  <header creationtool="Triglot" creationtoolversion={quoteattr(self.tool_version)}'
            f' segtype="{self.segtype}" o-tmf="Triglot" adminlang="en"'
            f' srclang={quoteattr(self.srclang)} datatype="plaintext" creationdate="{now}"/>\n'
            "  <body>\n"
        )

    def unit(self, unit: TmxUnit) -> str:
        notes: list[str] = []
        variants = []
        for variant in unit.variants:
            text = self._clean(variant.text, unit.tuid, variant.lang, notes)
            tuv_props = "".join(
                f"<prop type={quoted(k)}>{escape(self._clean(v, unit.tuid, k, notes))}</prop>"
                for k, v in variant.props
            )
            variants.append(
                f"      <tuv xml:lang={quoted(variant.lang)}>{tuv_props}"
                f"<seg>{escape(text)}</seg></tuv>\n"
            )
        props = [(k, self._clean(v, unit.tuid, k, notes)) for k, v in unit.props]
        if notes:
            props.append(("x-replaced-characters", "; ".join(notes)))
        prop_xml = "".join(f"      <prop type={quoted(k)}>{escape(v)}</prop>\n" for k, v in props)
        segtype = f' segtype="{unit.segtype}"' if unit.segtype else ""
        return (
            f"    <tu tuid={quoteattr(unit.tuid)}{segtype}>\n{prop_xml}{''.join(variants)}"
            "    </tu>\n"
        )

    def footer(self) -> str:
        report = ""
        if self.replaced:
            report = (
                f"  <!-- Triglot: {len(self.replaced)} character(s) that XML 1.0 cannot "
                "carry were replaced by U+FFFD; see the x-replaced-characters props -->\n"
            )
        return f"  </body>\n{report}</tmx>\n"

    def stream(self, units: Iterable[TmxUnit]) -> Iterator[str]:
        """The document in chunks of about ``CHUNK_UNITS`` units: memory stays flat."""
        yield self.header()
        chunk: list[TmxUnit] = []
        for unit in units:
            chunk.append(unit)
            if len(chunk) >= CHUNK_UNITS:
                yield self._chunk(chunk)
                chunk = []
        if chunk:
            yield self._chunk(chunk)
        yield self.footer()

    def _chunk(self, units: list[TmxUnit]) -> str:
        """Units rendered as they are, checked once for characters XML cannot carry (the
        usual case: none, and no unit is looked at twice); else rendered one by one with
        :meth:`unit`, which replaces and reports them. Same text either way."""
        text = "".join(map(_render, units))
        if INVALID_XML.search(text) is None:
            return text
        return "".join(map(self.unit, units))

    def _clean(self, text: str, tuid: str, where: str, notes: list[str]) -> str:
        if INVALID_XML.search(text) is None:  # the usual case: nothing to replace
            return text

        def replace(match: re.Match[str]) -> str:
            note = f"U+{ord(match.group(0)):04X} in {where} at {match.start()}"
            notes.append(note)
            self.replaced.append(f"unit {tuid}: {note}")
            return "\ufffd"

        return INVALID_XML.sub(replace, text)


def _render(unit: TmxUnit) -> str:
    """:meth:`TmxWriter.unit` for a unit with no character to replace, in fewer steps."""
    tuid, variants, props, segtype = unit
    out = [
        f'    <tu tuid={quoteattr(tuid)} segtype="{segtype}">\n'
        if segtype
        else f"    <tu tuid={quoteattr(tuid)}>\n"
    ]
    out += [f"      <prop type={quoted(k)}>{escape(v)}</prop>\n" for k, v in props]
    for lang, text, tuv_props in variants:
        if tuv_props:
            out.append(
                f"      <tuv xml:lang={quoted(lang)}>"
                + "".join(f"<prop type={quoted(k)}>{escape(v)}</prop>" for k, v in tuv_props)
                + f"<seg>{escape(text)}</seg></tuv>\n"
            )
        else:
            out.append(f"      <tuv xml:lang={quoted(lang)}><seg>{escape(text)}</seg></tuv>\n")
    out.append("    </tu>\n")
    return "".join(out)
