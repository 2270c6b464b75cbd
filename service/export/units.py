"""Aligned units for export: stored pairs with their English and provenance, and the units
of stored alignments, filtered, then aggregated for CAT tools (:mod:`.aggregate`).

Documents are read one at a time; the aggregation holds one entry per distinct unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version

from aligner import KINDS
from aligner.pairs import AlignedPair
from aligner.sentences import split as split_sentences
from service.errors import BadInputError
from service.export.aggregate import Entry, TmxExport, aggregate
from service.store.alignments import AlignmentStore, StoredUnit
from service.store.db import MAX_ID, TranslationRow
from service.store.documents import DocumentStore, StoredDocument
from service.store.translations import TranslationStore

UNIT_LANGS = ("fr", "vi", "en")


@dataclass(frozen=True, slots=True)
class UnitFilter:
    """Which units to export: score at least ``min_score``; a Vietnamese or French side of
    one of ``kinds``; only ``langs``; only ``documents`` (and the alignments linked to them);
    only ``alignments`` (None: every stored alignment). ``include_slugs``: URL slugs too, as
    ``x-vi-slug``; ``lang_tags``: the tag written for each code (``fr`` -> ``fr-FR``)."""

    min_score: float = 0.0
    kinds: frozenset[str] | None = None
    langs: tuple[str, ...] = UNIT_LANGS
    documents: frozenset[int] | None = None
    include_slugs: bool = False
    lang_tags: tuple[tuple[str, str], ...] = ()
    alignments: frozenset[int] | None = None

    @property
    def tags(self) -> dict[str, str]:
        return dict(self.lang_tags)

    @property
    def slugs(self) -> bool:
        return self.include_slugs or (self.kinds is not None and "slug" in self.kinds)


_TAG = re.compile(r"^([a-z]{2})(-[a-z]{4})?(-(?:[a-z]{2}|[0-9]{3}))?$", re.IGNORECASE)
_EXAMPLE = {"fr": "fr-FR", "vi": "vi-VN", "en": "en-GB"}


def parse_lang_tags(values: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``fr=fr-FR`` items (or comma-separated lists of them) as (code, tag) pairs. A tag is a
    BCP 47 language tag of the code with an optional script and region: ``vi-VN``,
    ``en-GB``, ``fr-CA``; it is written in canonical case (``fr-FR``)."""
    out: dict[str, str] = {}
    for item in (x.strip() for v in values for x in v.split(",")):
        if not item:
            continue
        code, sep, tag = item.partition("=")
        code, tag = code.strip(), tag.strip()
        if not sep or code not in UNIT_LANGS:
            raise BadInputError(
                f"lang_tags: give code=tag with a code among {', '.join(UNIT_LANGS)} "
                f"(e.g. fr=fr-FR), not {item!r}"
            )
        match = _TAG.match(tag)
        if match is None or match.group(1).lower() != code:
            raise BadInputError(
                f"lang_tags: {tag!r} is not a language tag of {code!r} "
                f"(a tag such as {_EXAMPLE[code]})"
            )
        parts = tag.split("-")
        out[code] = "-".join(
            [parts[0].lower()] + [p.title() if len(p) == 4 else p.upper() for p in parts[1:]]
        )
    return tuple(sorted(out.items()))


def unit_filter(
    min_score: float,
    kinds: str | None,
    langs: str,
    documents: str | None,
    *,
    include_slugs: bool = False,
    lang_tags: Iterable[str] = (),
    alignments: str | None = None,
) -> UnitFilter:
    """A filter from query values; each bad value is named."""
    kind_set = None
    if kinds:
        kind_set = frozenset(k.strip() for k in kinds.split(",") if k.strip())
        unknown = sorted(kind_set - {*KINDS, "slug"})
        if unknown:
            raise BadInputError(f"kinds: unknown {unknown}; use {', '.join((*KINDS, 'slug'))}")
    lang_list = tuple(dict.fromkeys(x.strip() for x in langs.split(",") if x.strip()))
    if not set(lang_list) <= set(UNIT_LANGS) or len(lang_list) < 2:
        raise BadInputError(f"langs: give two or more of {', '.join(UNIT_LANGS)}, not {langs!r}")
    return UnitFilter(
        min_score=min_score,
        kinds=kind_set,
        langs=lang_list,
        documents=_ids(documents, "documents"),
        include_slugs=include_slugs,
        lang_tags=parse_lang_tags(lang_tags),
        alignments=_ids(alignments, "alignments"),
    )


def _ids(value: str | None, name: str) -> frozenset[int] | None:
    if not value:
        return None
    try:
        ids = frozenset(int(x) for x in value.split(",") if x.strip())
    except ValueError:
        raise BadInputError(f"{name}: comma-separated ids, not {value!r}") from None
    if any(not 1 <= d <= MAX_ID for d in ids):
        raise BadInputError(f"{name}: ids are between 1 and {MAX_ID}")
    return ids


def check_known(
    flt: UnitFilter, documents: DocumentStore, alignments: AlignmentStore | None = None
) -> None:
    """:class:`NotFoundError` naming the first document or alignment of ``flt`` that is not
    stored: an export of nothing is an error, not an empty file."""
    for doc_id in sorted(flt.documents or ()):
        documents.get(doc_id)
    if alignments is not None:
        for alignment_id in sorted(flt.alignments or ()):
            alignments.get(alignment_id)


@dataclass(frozen=True, slots=True)
class ExportUnit:
    document_id: int
    source_url: str | None
    idx: int
    pair: AlignedPair
    english: TranslationRow | None
    whole: bool = True
    """The French is a whole stored segment (not clauses cut from one)."""

    @property
    def tuid(self) -> str:
        return f"d{self.document_id}-p{self.idx}"

    @property
    def is_slug(self) -> bool:
        """The Vietnamese side is the URL slug (Vietnamese without diacritics): not a
        Vietnamese text for a translation memory."""
        return self.pair.vi.kind == "slug" or self.pair.vi.lang == "vi-ascii"

    def texts(self, langs: tuple[str, ...]) -> dict[str, str]:
        out = {"vi": self.pair.vi.text, "fr": self.pair.fr_focus}
        if self.english is not None:
            out["en"] = self.english.text
        return {lang: text for lang, text in out.items() if lang in langs}


def iter_units(
    documents: DocumentStore,
    translations: TranslationStore,
    flt: UnitFilter,
    *,
    slugs: bool = True,
) -> Iterator[ExportUnit]:
    """Every stored pair passing ``flt``, in document then pair order (``slugs=False``: not
    the pairs whose Vietnamese side is the URL slug)."""
    offset = 0
    while True:
        items, total = documents.list(offset=offset, limit=100)
        for item in items:
            if flt.documents is None or item.id in flt.documents:
                for unit in _document_units(documents.get(item.id), translations, flt):
                    if slugs or not unit.is_slug:
                        yield unit
        offset += len(items)
        if not items or offset >= total:
            return


def _document_units(
    doc: StoredDocument, translations: TranslationStore, flt: UnitFilter
) -> Iterator[ExportUnit]:
    english = translations.get(doc.id, "en") if "en" in flt.langs else {}
    for idx, pair in enumerate(doc.pairs):
        if pair.score < flt.min_score:
            continue
        if flt.kinds is not None and not {pair.vi.kind, pair.fr.kind} & flt.kinds:
            continue
        segment = doc.page.segments[pair.fr.segments[0]]
        whole = pair.fr_focus == segment.text  # English exists per segment
        row = english.get(segment.idx) if whole else None
        unit = ExportUnit(doc.id, doc.page.meta.source_url, idx, pair, row, whole)
        if len(unit.texts(flt.langs)) >= 2:
            yield unit


_PHRASE_KINDS = frozenset(
    {"headline", "caption", "credit", "byline", "banner", "related", "boilerplate", "source"}
)


def segtype(text: str, kind: str, *, clause: bool = False) -> str:
    """TMX segment type of an aligned text: ``phrase`` for titles, captions and other
    labels and for clauses cut from a sentence, ``sentence`` for one sentence,
    ``paragraph`` for several."""
    if clause or kind in _PHRASE_KINDS or kind == "slug":
        return "phrase"
    return "sentence" if len(split_sentences(text)) <= 1 else "paragraph"


def to_entry(unit: ExportUnit, langs: tuple[str, ...]) -> Entry:
    """A residue or stored pair as an export entry (the slug pair as a slug entry)."""
    pair = unit.pair
    props = [
        ("x-document-id", str(unit.document_id)),
        ("x-segment-kind", f"vi:{pair.vi.kind} fr:{pair.fr.kind}"),
        ("x-alignment-score", f"{pair.score:.4f}"),
        ("x-alignment-method", pair.method),
    ]
    if unit.source_url:
        props.insert(0, ("x-source-url", unit.source_url))
    seg = segtype(pair.fr_focus, "slug" if unit.is_slug else pair.fr.kind, clause=not unit.whole)
    if unit.is_slug:
        texts = {"fr": pair.fr_focus} if "fr" in langs else {}
        return Entry(
            unit.tuid,
            texts,
            pair.score,
            seg,
            props,
            document_id=unit.document_id,
            slug=pair.vi.text,
        )
    texts = unit.texts(langs)
    variant_props: dict[str, tuple[tuple[str, str], ...]] = {}
    if "en" in texts and unit.english is not None:
        props += [
            ("x-translation-engine", f"{unit.english.engine} ({', '.join(unit.english.packages)})"),
            ("x-glossary-version", unit.english.glossary_version or "none"),
        ]
        if unit.english.stale:  # made with an older version than the glossary's current one
            props.append(("x-glossary-stale", "true"))
        variant_props["en"] = (("x-origin", "machine-translation"),)
    return Entry(unit.tuid, texts, pair.score, seg, props, variant_props, unit.document_id)


def alignment_entry(stored: StoredUnit, langs: tuple[str, ...]) -> Entry | None:
    """A stored alignment's unit as an export entry, when both its languages are exported."""
    u = stored.unit
    if u.src_lang not in langs or u.tgt_lang not in langs or u.src_lang == u.tgt_lang:
        return None
    props = [
        ("x-alignment-id", str(stored.alignment_id)),
        ("x-alignment-method", u.basis or "bead"),
    ]
    if u.score is not None:
        props.append(("x-alignment-score", f"{u.score:.4f}"))
    return Entry(
        f"a{stored.alignment_id}-u{stored.idx}",
        {u.src_lang: u.src_text, u.tgt_lang: u.tgt_text},
        u.score,
        u.segtype,
        props,
    )


def export_entries(
    documents: DocumentStore,
    translations: TranslationStore,
    alignments: AlignmentStore | None,
    flt: UnitFilter,
) -> Iterator[Entry]:
    """Residue pairs of the stored documents, then stored alignments' units, passing ``flt``
    (a ``kinds`` filter keeps document pairs only: alignment units have no segment kind)."""
    if flt.alignments is None or flt.documents is not None:
        for unit in iter_units(documents, translations, flt, slugs=flt.slugs):
            yield to_entry(unit, flt.langs)
    if alignments is None or flt.kinds is not None:
        return
    for stored in alignments.iter_units(alignments=flt.alignments, documents=flt.documents):
        if stored.unit.score is not None and stored.unit.score < flt.min_score:
            continue
        entry = alignment_entry(stored, flt.langs)
        if entry is not None:
            yield entry


def build_export(
    documents: DocumentStore,
    translations: TranslationStore,
    alignments: AlignmentStore | None,
    flt: UnitFilter,
) -> TmxExport:
    """The aggregated units of one export (see :mod:`service.export.aggregate`)."""
    return aggregate(
        export_entries(documents, translations, alignments, flt),
        flt.langs,
        tags=flt.tags,
        include_slugs=flt.slugs,
    )


def tool_version() -> str:
    return version("triglot")
