"""The TMX export is byte for byte what it was before it was made faster.

Two guards: a digest of the TMX written for a generated set of entries (every feature of the
aggregation and the writer: conflicts, duplicates, unknown scores, slugs, English with its
props, characters to escape or replace, several segment types, no common language) under
several export settings; and the same TMX from the frozen reference implementation
(``tests/tmx_reference.py``) for that set, for the stored seeds and for Hypothesis' entries.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.align.ingest import ingest_text
from service.export.aggregate import Entry, aggregate
from service.export.tmx import TmxWriter
from service.export.units import UnitFilter, build_export, export_entries
from service.store.alignments import AlignedUnit, AlignmentStore, NewAlignment
from service.store.db import make_engine, migrate
from service.store.documents import DocumentStore
from service.store.translations import TranslationStore
from tests import tmx_reference as ref
from tests.conftest import ROOT, SEEDS

_DATE = re.compile(r'creationdate="[0-9TZ]+"')

FR = ["Le Premier ministre à Hanoï", "Une phrase.", "Deux phrases. Ici.", "Légende", "R&D <b>"]
VI = ["Thủ tướng tại Hà Nội", "Một câu.", "Hai câu. Đây.", "Chú thích", 'Nghiên cứu "x"']
EN = ["The Prime Minister in Hanoi", "A sentence.", "Two sentences. Here.", "Caption"]
ODD = ["", "\x07", "\x00", "\ufffe", "\ud800", "\t", "\n", "&", "<", ">", '"', "\r"]
SEGTYPES = ["phrase", "sentence", "paragraph"]

# (langs, tags, include_slugs): the export settings the digest covers
CONFIGS: list[tuple[tuple[str, ...], dict[str, str], bool]] = [
    (("fr", "vi", "en"), {}, False),
    (("fr", "vi", "en"), {}, True),
    (("fr", "vi"), {"fr": "fr-FR", "vi": "vi-VN"}, True),
    (("vi", "en"), {"en": "en-GB"}, False),
    (("fr", "en"), {}, False),
]
GOLDEN = "8e937a5784125fd485abb6b995ead6b31ad62bce8dd425833bbe53fbc80fb478"
"""sha256 of the TMX of :func:`generated` under each of CONFIGS (see :func:`_digest`)."""


def generated(n: int = 3000, seed: int = 17) -> list[Entry]:
    """Entries as the export makes them, drawn from a few texts so that sources repeat."""
    rng = random.Random(seed)
    out: list[Entry] = []
    for i in range(n):
        k = rng.randrange(400)
        fr = f"{FR[k % 5]} {k}{rng.choice(ODD) if rng.random() < 0.05 else ''}"
        vi = f"{VI[k % 5]} {k if rng.random() < 0.9 else k + 1}"
        score = None if rng.random() < 0.1 else round(rng.random(), 4)
        doc = rng.randrange(1, 30) if rng.random() < 0.9 else None
        props = [
            ("x-document-id", str(doc)),
            ("x-segment-kind", "vi:body fr:body"),
            ("x-alignment-score", f"{score}"),
        ]
        if rng.random() < 0.3:
            props.insert(0, ("x-source-url", f"https://example.vn/a?b=1&c={k}{rng.choice(ODD)}"))
        seg = rng.choice(SEGTYPES)
        roll = rng.random()
        if roll < 0.08:  # a slug pair
            out.append(Entry(f"d{doc}-p{i}", {"fr": fr}, score, "phrase", props, {}, doc, f"s-{k}"))
            continue
        texts = {"fr": fr, "vi": vi}
        vprops: dict[str, tuple[tuple[str, str], ...]] = {}
        if roll < 0.5:
            texts["en"] = f"{EN[k % 4]} {k if rng.random() < 0.9 else -k}"
            vprops["en"] = (("x-origin", "machine-translation"),)
            props.append(("x-translation-engine", "argos (fr_en)"))
        if 0.5 <= roll < 0.55:  # an alignment unit with no French
            texts = {"vi": vi, "en": f"{EN[k % 4]} {k}"}
            props = [("x-alignment-id", "3"), ("x-alignment-method", "bead")]
            doc = None
        out.append(Entry(f"u{i}", texts, score, seg, props, vprops, doc))
    return out


def project(entries: Iterable[Entry], langs: tuple[str, ...]) -> list[Entry]:
    """The entries with only the exported languages' texts, as the export makes them."""
    return [replace(e, texts={k: v for k, v in e.texts.items() if k in langs}) for e in entries]


def tmx_now(
    entries: Iterable[Entry],
    langs: tuple[str, ...],
    tags: Mapping[str, str],
    *,
    include_slugs: bool,
) -> str:
    export = aggregate(entries, langs, tags=tags, include_slugs=include_slugs)
    writer = TmxWriter("golden", srclang=export.srclang, segtype=export.segtype)
    text = _DATE.sub('creationdate="D"', "".join(export.stream(writer)))
    again = TmxWriter("golden", srclang=export.srclang, segtype=export.segtype)
    assert text == _DATE.sub('creationdate="D"', "".join(again.stream(export.units)))
    assert writer.replaced == again.replaced
    return text


def tmx_reference(
    entries: Iterable[Entry],
    langs: tuple[str, ...],
    tags: Mapping[str, str],
    *,
    include_slugs: bool,
) -> str:
    export = ref.aggregate(entries, langs, tags=tags, include_slugs=include_slugs)
    writer = ref.TmxWriter("golden", srclang=export.srclang, segtype=export.segtype)
    return _DATE.sub('creationdate="D"', "".join(writer.stream(export.units)))


def _digest(texts: Iterable[str]) -> str:
    return hashlib.sha256("\x1e".join(texts).encode("utf-8", "surrogatepass")).hexdigest()


def test_generated_export_is_unchanged() -> None:
    entries = generated()
    now = [tmx_now(project(entries, c[0]), *c[:2], include_slugs=c[2]) for c in CONFIGS]
    assert _digest(now) == GOLDEN
    for (langs, tags, slugs), text in zip(CONFIGS, now, strict=True):
        assert text == tmx_reference(project(entries, langs), langs, tags, include_slugs=slugs)


def test_stored_seeds_export_as_the_reference_does(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    documents, alignments = DocumentStore(engine), AlignmentStore(engine)
    pages = [*sorted(SEEDS.glob("*.txt")), ROOT / "corpus" / "laodong" / "laodong-01.fr.txt"]
    for page in [*pages, pages[0]]:
        ingest_text(documents, page.read_text("utf-8"), name=page.name)
    alignments.add(
        NewAlignment(
            "beads",
            "fr",
            "vi",
            [
                AlignedUnit("fr", "vi", "Bonjour.", "Xin chào.", (0,), (0,), 0.9, "bead"),
                AlignedUnit("fr", "vi", "Bonjour.", "Chào.", (1,), (1,), None, "bead"),
            ],
        )
    )
    translations = TranslationStore(engine)
    checked = 0
    for langs, tags, slugs in CONFIGS[:3]:
        flt = UnitFilter(langs=langs, include_slugs=slugs, lang_tags=tuple(tags.items()))
        entries = list(export_entries(documents, translations, alignments, flt))
        export = build_export(documents, translations, alignments, flt)
        writer = TmxWriter("golden", srclang=export.srclang, segtype=export.segtype)
        text = _DATE.sub('creationdate="D"', "".join(export.stream(writer)))
        assert text == tmx_reference(entries, langs, tags, include_slugs=slugs)
        checked += text.count("<tu ")
    assert checked > 10


_text = st.text(st.characters(codec="utf-8"), max_size=12)
_lang = st.sampled_from(["fr", "vi", "en"])
_prop = st.sampled_from(["x-document-id", "x-source-url", "x-a"])
_entry = st.builds(
    Entry,
    tuid=st.text("ab1", min_size=1, max_size=3),
    texts=st.dictionaries(
        st.sampled_from(["fr", "vi", "en"]), st.sampled_from(["a", "b", "&"]) | _text, min_size=1
    ),
    score=st.none() | st.floats(0, 1),
    segtype=st.sampled_from(SEGTYPES),
    props=st.lists(
        st.tuples(st.sampled_from(["x-document-id", "x-source-url", "x-a"]), _text), max_size=3
    ),
    variant_props=st.dictionaries(st.sampled_from(["fr", "en"]), st.just((("x-origin", "mt"),))),
    document_id=st.none() | st.integers(1, 4),
    slug=st.none() | st.sampled_from(["s-a", "s-b"]),
)


@settings(max_examples=200, deadline=None)
@given(
    entries=st.lists(_entry, max_size=12),
    langs=st.sampled_from([c[0] for c in CONFIGS]),
    include_slugs=st.booleans(),
)
def test_any_entries_export_as_the_reference_does(
    entries: list[Entry], langs: tuple[str, ...], include_slugs: bool
) -> None:
    tags = {"fr": "fr-FR"}
    assert tmx_now(entries, langs, tags, include_slugs=include_slugs) == tmx_reference(
        entries, langs, tags, include_slugs=include_slugs
    )


@pytest.mark.parametrize("n", [0, 1])
def test_tiny_exports(n: int) -> None:
    entries = generated(n)
    for langs, tags, slugs in CONFIGS:
        assert tmx_now(entries, langs, tags, include_slugs=slugs) == tmx_reference(
            entries, langs, tags, include_slugs=slugs
        )
