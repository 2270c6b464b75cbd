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

from collections import Counter
from collections.abc import Iterable, Mapping
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
    the module docstring). ``tags``: the language tag written for each code (``fr-FR``)."""
    tags = tags or {}
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

    def source(entry: Entry) -> str:
        lang = srclang if srclang != ALL_LANGS else next(x for x in langs if x in entry.texts)
        return f"{lang}\x00{entry.texts[lang]}"

    groups: dict[str, dict[tuple[tuple[str, str], ...], list[Entry]]] = {}
    for entry in real:
        key = tuple(sorted(entry.texts.items()))
        groups.setdefault(source(entry), {}).setdefault(key, []).append(entry)
    slug_groups: dict[str, list[Entry]] = {}
    for entry in slugs:
        slug_groups.setdefault(f"fr\x00{entry.texts['fr']}", []).append(entry)

    units: list[TmxUnit] = []
    for src, distinct in groups.items():
        ranked = sorted(distinct.values(), key=lambda same: -_best(same))
        slug_texts = _distinct_slugs(slug_groups.pop(src, []))
        for rank, same in enumerate(ranked, start=1):
            extra: list[tuple[str, str]] = []
            if len(ranked) > 1:
                extra.append(("x-conflict", f"{rank} of {len(ranked)}"))
            units.append(
                _unit(
                    same,
                    langs,
                    tags=tags,
                    extra=extra,
                    slug_texts=slug_texts if rank == 1 else (),
                    srclang=srclang,
                )
            )
    for same in slug_groups.values():  # slugs with no real translation of their French
        units.append(
            _unit(
                same,
                langs,
                tags=tags,
                extra=[("x-slug-only", "true")],
                slug_texts=_distinct_slugs(same),
                srclang=srclang,
            )
        )
    counts = Counter(u.segtype for u in units)
    segtype = counts.most_common(1)[0][0] if counts else "sentence"
    units = [
        u if u.segtype != segtype else TmxUnit(u.tuid, u.variants, u.props, None) for u in units
    ]
    return TmxExport(
        srclang=tags.get(srclang, srclang),
        segtype=segtype or "sentence",
        units=units,
    )


def _best(same: list[Entry]) -> float:
    return max((e.score for e in same if e.score is not None), default=-1.0)


def _distinct_slugs(same: list[Entry]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(e.slug for e in same if e.slug))


def _unit(
    same: list[Entry],
    langs: tuple[str, ...],
    *,
    tags: Mapping[str, str],
    extra: list[tuple[str, str]],
    slug_texts: tuple[str, ...],
    srclang: str,
) -> TmxUnit:
    best = max(same, key=lambda e: -1.0 if e.score is None else e.score)
    first = [srclang] if srclang in best.texts else []
    order = [x for x in dict.fromkeys((*first, "fr", "vi", "en", *langs)) if x in best.texts]
    variants = [
        TmxVariant(tags.get(x, x), best.texts[x], best.variant_props.get(x, ())) for x in order
    ]
    variants += [TmxVariant(SLUG_TAG, s, (("x-origin", "url-slug"),)) for s in slug_texts]
    docs = list(dict.fromkeys(e.document_id for e in same if e.document_id is not None))
    props = [(k, v) for k, v in best.props if k != "x-document-id"]
    if docs:
        props.insert(
            1 if props and props[0][0] == "x-source-url" else 0,
            ("x-document-id", ",".join(map(str, docs))),
        )
    props.append(("x-occurrences", str(len(same))))
    props += extra
    return TmxUnit(best.tuid, tuple(variants), tuple(props), best.segtype)
