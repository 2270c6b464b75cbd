"""From aligned entries to the units of one TMX file, as CAT tools want them.

- Units are deduplicated by their texts: one ``<tu>`` per distinct set of texts, with the
  number of times it was seen (``x-occurrences``) and where (``x-document-id``).
- Where one source has several distinct translations, they come best-scoring first and each
  is marked (``x-conflict``: ``1 of 2``...): OmegaT, like most CAT tools, inserts the first.
- ``srclang`` is a language present in every unit (the first such of the export's
  languages), or ``*all*`` when none is.
- ``segtype`` tells the truth per unit (``phrase`` for headlines, captions, slugs and clauses;
  ``sentence``; ``paragraph`` for several sentences); the header takes the commonest and the
  others say theirs on the ``<tu>``.
- A URL slug is never a Vietnamese variant: on request (``include_slugs``) it is exported as
  ``x-vi-slug`` (a private-use tag whose language is not ``vi``: OmegaT 3.6 matches variants on
  their first two letters, so ``vi-x-slug`` would be taken for Vietnamese), added to the unit of
  the best real translation of the same French, or alone when there is none.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from service.export.tmx import (
    CHUNK_UNITS,
    INVALID_XML,
    TmxUnit,
    TmxVariant,
    TmxWriter,
    escape,
    quoteattr,
    quoted,
)

SLUG_TAG = "x-vi-slug"
ALL_LANGS = "*all*"


@dataclass(slots=True)
class Entry:
    """One aligned unit before aggregation: ``texts`` by language code (fr, vi, en), its
    score (None: unknown), TMX segment type, props, and per-language variant props."""

    tuid: str
    texts: dict[str, str]
    score: float | None
    segtype: str
    props: list[tuple[str, str]] = field(default_factory=list)
    variant_props: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    document_id: int | None = None
    slug: str | None = None
    """For a slug pair: the slug (``texts`` then holds only the French)."""


_Plan = tuple[Entry, Sequence[Entry], list[tuple[str, str]], tuple[str, ...]]
"""One unit to write: the best entry of those with equal texts, all of them, the extra props
(conflict rank, slug only) and the slugs added as variants."""


@dataclass(frozen=True, slots=True)
class TmxExport:
    """The units of one export, kept as the entries they come from and rendered straight
    from them (:meth:`stream`); :attr:`units` builds them as records (tests, small uses)."""

    srclang: str
    segtype: str
    plans: list[_Plan]
    order: tuple[str, ...] = ()
    """Languages in the order their variants are written (source first)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    header_segtype: str = ""
    """The commonest segment type; a unit of another type says its own."""

    @property
    def count(self) -> int:
        return len(self.plans)

    @property
    def units(self) -> list[TmxUnit]:
        return [self._unit(plan) for plan in self.plans]

    def stream(self, writer: TmxWriter) -> Iterator[str]:
        """The TMX document in chunks of ``CHUNK_UNITS`` units, as ``writer.stream(self.units)``
        writes it (same text), without building the unit records: each chunk is rendered from
        the entries and checked once for characters XML cannot carry; only a chunk with one is
        written unit by unit by ``writer``, which replaces and reports them."""
        yield writer.header()
        header, plans = self.header_segtype, self.plans
        tuvs = tuple(
            (x, f"      <tuv xml:lang={quoteattr(self.tags.get(x, x))}>") for x in self.order
        )
        for start in range(0, len(plans), CHUNK_UNITS):
            chunk = plans[start : start + CHUNK_UNITS]
            text = "".join([_render(*plan, tuvs, header) for plan in chunk])
            if INVALID_XML.search(text) is not None:
                text = "".join([writer.unit(self._unit(plan)) for plan in chunk])
            yield text
        yield writer.footer()

    def _unit(self, plan: _Plan) -> TmxUnit:
        return _unit(*plan, self.order, self.tags, self.header_segtype)


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
    plans: list[_Plan] = []
    for src, found in groups.items():
        slug_texts = _distinct_slugs(slug_groups.pop(src)) if src in slug_groups else ()
        if isinstance(found, Entry):
            plans.append((found, (found,), [], slug_texts))
            continue
        ranked = sorted(found.values(), key=lambda same: -_best(same))
        for rank, same in enumerate(ranked, start=1):
            conflict = [("x-conflict", f"{rank} of {len(ranked)}")] if len(ranked) > 1 else []
            slugs_here = slug_texts if rank == 1 else ()
            plans.append((_top(same), same, conflict, slugs_here))
    for same in slug_groups.values():  # slugs with no real translation of their French
        extra = [("x-slug-only", "true")]
        plans.append((_top(same), same, extra, _distinct_slugs(same)))
    return TmxExport(
        srclang=tags.get(srclang, srclang),
        segtype=segtype or "sentence",
        plans=plans,
        order=order,
        tags=tags,
        header_segtype=segtype,
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
    extra: list[tuple[str, str]],
    slug_texts: tuple[str, ...],
    order: tuple[str, ...],
    tags: Mapping[str, str],
    header: str,
) -> TmxUnit:
    """``best`` of ``same`` (equal texts) as a unit; ``order``: the languages in the order
    their variants are written (source first); ``header``: the header's segment type."""
    texts, vprops = best.texts, best.variant_props
    variants = [
        TmxVariant(tags.get(x, x), texts[x], vprops.get(x, ())) for x in order if x in texts
    ]
    variants += [TmxVariant(SLUG_TAG, s, (("x-origin", "url-slug"),)) for s in slug_texts]
    props = _with_documents(best.props, _documents(best, same))
    return TmxUnit(
        best.tuid,
        tuple(variants),
        (*props, ("x-occurrences", str(len(same))), *extra),
        None if best.segtype == header else best.segtype,
    )


def _documents(best: Entry, same: Sequence[Entry]) -> str:
    """The ids of the documents where these texts were seen, comma-separated, in order."""
    if len(same) == 1:
        return str(best.document_id) if best.document_id is not None else ""
    return ",".join(
        str(d) for d in dict.fromkeys(e.document_id for e in same if e.document_id is not None)
    )


def _with_documents(props: list[tuple[str, str]], docs: str) -> list[tuple[str, str]]:
    """``props`` with one ``x-document-id`` prop saying ``docs`` (after ``x-source-url``)."""
    if not docs:
        return props
    props = [(k, v) for k, v in props if k != "x-document-id"]
    at = 1 if props and props[0][0] == "x-source-url" else 0
    return [*props[:at], ("x-document-id", docs), *props[at:]]


_SLUG_PROPS = f"<prop type={quoteattr('x-origin')}>url-slug</prop>"


def _render(  # noqa: PLR0917 (positional for speed: once per unit)
    best: Entry,
    same: Sequence[Entry],
    extra: list[tuple[str, str]],
    slug_texts: tuple[str, ...],
    tuvs: tuple[tuple[str, str], ...],
    header: str,
) -> str:
    """``TmxWriter.unit(_unit(...))`` for a unit with no character to replace (the caller
    checks), written straight from the entry; ``tuvs``: each language in the order its
    variant is written, with the variant's opening tag."""
    tuid, texts, vprops = best.tuid, best.texts, best.variant_props
    if best.segtype == header or not best.segtype:
        out = [f"    <tu tuid={quoteattr(tuid)}>\n"]
    else:
        out = [f'    <tu tuid={quoteattr(tuid)} segtype="{best.segtype}">\n']
    out += [
        f"      <prop type={quoted(k)}>{escape(v)}</prop>\n"
        for k, v in _with_documents(best.props, _documents(best, same))
    ]
    out.append(f'      <prop type="x-occurrences">{len(same)}</prop>\n')
    if extra:
        out += [f"      <prop type={quoted(k)}>{escape(v)}</prop>\n" for k, v in extra]
    for x, tuv in tuvs:
        if x in texts:
            props = vprops.get(x)
            if props:
                tuv_props = "".join(
                    [f"<prop type={quoted(k)}>{escape(v)}</prop>" for k, v in props]
                )
                out.append(f"{tuv}{tuv_props}<seg>{escape(texts[x])}</seg></tuv>\n")
            else:
                out.append(f"{tuv}<seg>{escape(texts[x])}</seg></tuv>\n")
    out += [
        f"      <tuv xml:lang={quoted(SLUG_TAG)}>{_SLUG_PROPS}<seg>{escape(s)}</seg></tuv>\n"
        for s in slug_texts
    ]
    out.append("    </tu>\n")
    return "".join(out)


def _score(entry: Entry) -> float:
    return -1.0 if entry.score is None else entry.score
