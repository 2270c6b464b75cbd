"""The TMX export as it was before it was made faster (commit 5519e41): aggregation
(:mod:`service.export.aggregate`) and writer (:mod:`service.export.tmx`), kept verbatim as the
reference the optimised path must match byte for byte (``tests/test_tmx_golden.py``).

Only names changed (``TmxUnit``/``TmxVariant`` are this module's own); do not optimise it.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from service.export.aggregate import Entry

SLUG_TAG = "x-vi-slug"
ALL_LANGS = "*all*"

_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CHUNK_UNITS = 200


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


_quoted = lru_cache(maxsize=1024)(quoteattr)
"""For the few distinct values of prop types and languages."""


class TmxVariant(NamedTuple):
    lang: str
    text: str
    props: tuple[tuple[str, str], ...] = ()


class TmxUnit(NamedTuple):
    tuid: str
    variants: tuple[TmxVariant, ...]
    props: tuple[tuple[str, str], ...] = ()
    segtype: str | None = None


@dataclass(frozen=True, slots=True)
class TmxExport:
    srclang: str
    segtype: str
    units: list[TmxUnit]


def aggregate(
    entries: Iterable[Entry],
    langs: tuple[str, ...],
    *,
    tags: Mapping[str, str] | None = None,
    include_slugs: bool = False,
) -> TmxExport:
    """The units of one export: deduplicated, conflicts ranked and marked, slugs placed (see
    the module docstring). ``tags``: the language tag written for each code (``fr-FR``).

    Python's cyclic garbage collector is paused meanwhile: the export allocates several
    container objects per unit and holds them all, which makes the collector rescan a growing
    heap (two thirds of the time on 50,000 units); none of these objects form cycles, so
    reference counting frees them as before."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _aggregate(entries, langs, tags or {}, include_slugs=include_slugs)
    finally:
        if paused:
            gc.enable()


def _aggregate(
    entries: Iterable[Entry],
    langs: tuple[str, ...],
    tags: Mapping[str, str],
    *,
    include_slugs: bool,
) -> TmxExport:
    real: list[Entry] = []
    slugs: list[Entry] = []
    for entry in entries:
        if entry.slug is not None:
            if include_slugs and "vi" in langs and "fr" in entry.texts:
                slugs.append(entry)
        elif len(entry.texts) >= 2:
            real.append(entry)
    srclang = next((x for x in langs if all(x in e.texts for e in real)), ALL_LANGS)
    if not real and slugs:
        srclang = "fr"

    every = tuple(dict.fromkeys((*langs, "fr", "vi", "en")))
    # one entry per source until a second one comes: most sources are seen once
    groups: dict[tuple[str, str], Entry | dict[tuple[str | None, ...], list[Entry]]] = {}
    for entry in real:
        texts = entry.texts
        lang = srclang if srclang != ALL_LANGS else next(x for x in langs if x in texts)
        src = (lang, texts[lang])
        found = groups.get(src)
        if found is None:
            groups[src] = entry
            continue
        if isinstance(found, Entry):
            found = groups[src] = {tuple(map(found.texts.get, every)): [found]}
        found.setdefault(tuple(map(texts.get, every)), []).append(entry)
    slug_groups: dict[tuple[str, str], list[Entry]] = {}
    for entry in slugs:
        slug_groups.setdefault(("fr", entry.texts["fr"]), []).append(entry)

    counts: Counter[str] = Counter()
    for found in groups.values():
        if isinstance(found, Entry):
            counts[found.segtype] += 1
        else:
            counts.update(_top(same).segtype for same in found.values())
    counts.update(_top(same).segtype for key, same in slug_groups.items() if key not in groups)
    segtype = counts.most_common(1)[0][0] if counts else "sentence"
    order = tuple(dict.fromkeys((srclang, "fr", "vi", "en", *langs)))
    units: list[TmxUnit] = []
    for src, found in groups.items():
        slug_texts = _distinct_slugs(slug_groups.pop(src)) if src in slug_groups else ()
        if isinstance(found, Entry):
            units.append(_unit(found, (found,), order, tags, [], slug_texts, segtype))
            continue
        ranked = sorted(found.values(), key=lambda same: -_best(same))
        for rank, same in enumerate(ranked, start=1):
            conflict = [("x-conflict", f"{rank} of {len(ranked)}")] if len(ranked) > 1 else []
            slugs_here = slug_texts if rank == 1 else ()
            units.append(_unit(_top(same), same, order, tags, conflict, slugs_here, segtype))
    for same in slug_groups.values():  # slugs with no real translation of their French
        extra = [("x-slug-only", "true")]
        units.append(_unit(_top(same), same, order, tags, extra, _distinct_slugs(same), segtype))
    return TmxExport(
        srclang=tags.get(srclang, srclang),
        segtype=segtype or "sentence",
        units=units,
    )


def _best(same: list[Entry]) -> float:
    return max((e.score for e in same if e.score is not None), default=-1.0)


def _distinct_slugs(same: list[Entry]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.slug for e in same if e.slug))


def _top(same: Sequence[Entry]) -> Entry:
    return same[0] if len(same) == 1 else max(same, key=_score)


def _unit(  # noqa: PLR0917 (positional for speed: once per unit)
    best: Entry,
    same: Sequence[Entry],
    order: tuple[str, ...],
    tags: Mapping[str, str],
    extra: list[tuple[str, str]],
    slug_texts: tuple[str, ...],
    header: str,
) -> TmxUnit:
    """``best`` of ``same`` (equal texts) as a unit; ``order``: the languages in the order
    their variants are written (source first); ``header``: the header's segment type."""
    texts, vprops = best.texts, best.variant_props
    variants = [
        TmxVariant(tags.get(x, x), texts[x], vprops.get(x, ())) for x in order if x in texts
    ]
    variants += [TmxVariant(SLUG_TAG, s, (("x-origin", "url-slug"),)) for s in slug_texts]
    if len(same) == 1:
        docs = str(best.document_id) if best.document_id is not None else ""
    else:
        docs = ",".join(
            str(d) for d in dict.fromkeys(e.document_id for e in same if e.document_id is not None)
        )
    props = best.props
    if docs:
        props = [(k, v) for k, v in props if k != "x-document-id"]
        at = 1 if props and props[0][0] == "x-source-url" else 0
        props = [*props[:at], ("x-document-id", docs), *props[at:]]
    return TmxUnit(
        best.tuid,
        tuple(variants),
        (*props, ("x-occurrences", str(len(same))), *extra),
        None if best.segtype == header else best.segtype,
    )


def _score(entry: Entry) -> float:
    return -1.0 if entry.score is None else entry.score


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
                f"<prop type={_quoted(k)}>{escape(self._clean(v, unit.tuid, k, notes))}</prop>"
                for k, v in variant.props
            )
            variants.append(
                f"      <tuv xml:lang={_quoted(variant.lang)}>{tuv_props}"
                f"<seg>{escape(text)}</seg></tuv>\n"
            )
        props = [(k, self._clean(v, unit.tuid, k, notes)) for k, v in unit.props]
        if notes:
            props.append(("x-replaced-characters", "; ".join(notes)))
        prop_xml = "".join(f"      <prop type={_quoted(k)}>{escape(v)}</prop>\n" for k, v in props)
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
        """The document in chunks of about ``_CHUNK_UNITS`` units: memory stays flat."""
        yield self.header()
        chunk: list[str] = []
        for unit in units:
            chunk.append(self.unit(unit))
            if len(chunk) >= _CHUNK_UNITS:
                yield "".join(chunk)
                chunk = []
        if chunk:
            yield "".join(chunk)
        yield self.footer()

    def _clean(self, text: str, tuid: str, where: str, notes: list[str]) -> str:
        if _INVALID_XML.search(text) is None:  # the usual case: nothing to replace
            return text

        def replace(match: re.Match[str]) -> str:
            note = f"U+{ord(match.group(0)):04X} in {where} at {match.start()}"
            notes.append(note)
            self.replaced.append(f"unit {tuid}: {note}")
            return "\ufffd"

        return _INVALID_XML.sub(replace, text)
