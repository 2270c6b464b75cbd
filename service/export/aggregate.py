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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from service.export.tmx import TmxUnit, TmxVariant

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
