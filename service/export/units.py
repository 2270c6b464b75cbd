"""Aligned units for export: stored pairs with their English and provenance, filtered.

Documents are read one at a time, so iterating the whole corpus keeps memory flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version

from aligner import KINDS
from aligner.pairs import AlignedPair
from service.errors import BadInputError
from service.export.tmx import TmxUnit, TmxVariant
from service.store.db import MAX_ID, TranslationRow
from service.store.documents import DocumentStore, StoredDocument
from service.store.translations import TranslationStore

UNIT_LANGS = ("fr", "vi", "en")


@dataclass(frozen=True, slots=True)
class UnitFilter:
    """Which units to export: score at least ``min_score``; a Vietnamese or French side of
    one of ``kinds``; only ``langs``; only ``documents``."""

    min_score: float = 0.0
    kinds: frozenset[str] | None = None
    langs: tuple[str, ...] = UNIT_LANGS
    documents: frozenset[int] | None = None


def unit_filter(
    min_score: float, kinds: str | None, langs: str, documents: str | None
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
    doc_set = None
    if documents:
        try:
            doc_set = frozenset(int(x) for x in documents.split(",") if x.strip())
        except ValueError:
            raise BadInputError(f"documents: comma-separated ids, not {documents!r}") from None
        if any(not 1 <= d <= MAX_ID for d in doc_set):
            raise BadInputError(f"documents: ids are between 1 and {MAX_ID}")
    return UnitFilter(min_score=min_score, kinds=kind_set, langs=lang_list, documents=doc_set)


@dataclass(frozen=True, slots=True)
class ExportUnit:
    document_id: int
    source_url: str | None
    idx: int
    pair: AlignedPair
    english: TranslationRow | None

    @property
    def tuid(self) -> str:
        return f"d{self.document_id}-p{self.idx}"

    def texts(self, langs: tuple[str, ...]) -> dict[str, str]:
        out = {"vi": self.pair.vi.text, "fr": self.pair.fr_focus}
        if self.english is not None:
            out["en"] = self.english.text
        return {lang: text for lang, text in out.items() if lang in langs}


def iter_units(
    documents: DocumentStore, translations: TranslationStore, flt: UnitFilter
) -> Iterator[ExportUnit]:
    """Every stored pair passing ``flt``, in document then pair order."""
    offset = 0
    while True:
        items, total = documents.list(offset=offset, limit=100)
        for item in items:
            if flt.documents is None or item.id in flt.documents:
                yield from _document_units(documents.get(item.id), translations, flt)
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
        unit = ExportUnit(doc.id, doc.page.meta.source_url, idx, pair, row)
        if len(unit.texts(flt.langs)) >= 2:
            yield unit


def to_tmx(unit: ExportUnit, langs: tuple[str, ...]) -> TmxUnit:
    texts = unit.texts(langs)
    props = [
        ("x-document-id", str(unit.document_id)),
        ("x-segment-kind", f"vi:{unit.pair.vi.kind} fr:{unit.pair.fr.kind}"),
        ("x-alignment-score", f"{unit.pair.score:.4f}"),
        ("x-alignment-method", unit.pair.method),
    ]
    if unit.source_url:
        props.insert(0, ("x-source-url", unit.source_url))
    variants = [TmxVariant(lang, texts[lang]) for lang in ("fr", "vi") if lang in texts]
    if "en" in texts and unit.english is not None:
        props += [
            ("x-translation-engine", f"{unit.english.engine} ({', '.join(unit.english.packages)})"),
            ("x-glossary-version", unit.english.glossary_version or "none"),
        ]
        if unit.english.stale:  # made with an older version than the glossary's current one
            props.append(("x-glossary-stale", "true"))
        variants.append(TmxVariant("en", texts["en"], (("x-origin", "machine-translation"),)))
    return TmxUnit(unit.tuid, tuple(variants), tuple(props))


def tool_version() -> str:
    return version("triglot")
