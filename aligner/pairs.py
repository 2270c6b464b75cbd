"""Pairing Vietnamese text with French text: residue on one page, and a page with its version.

Residue pairing: each Vietnamese item of a French page (a caption repeated as one text, a
headline, a byline, a banner, the slug of the source URL) is compared with every French
sentence of the article. Evidence is the anchors both share (lexicon concepts, names folded
for diacritics, numbers), each weighted by how rare it is on the page (an anchor found in every
sentence, like "Vietnam", proves little). A pair needs two content anchors and must cover at
least half of the Vietnamese item's weight; otherwise the item stays unpaired (site banners,
outlet names).

Cross-page pairing: a Vietnamese page and its French version pair headline with headline, lead
with lead, and the body sentences through :func:`aligner.beads.align`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from aligner.anchors import anchor_surfaces, anchors, name_anchors
from aligner.beads import AlignParams, align
from aligner.calibration import PAIRS_MODEL, shipped
from aligner.langid import identify
from aligner.lexicon import Lexicon, default_lexicon
from aligner.page import Page, PageMeta, Segment
from aligner.sentences import split_spans
from aligner.text import fold, words

_MIN_COVERAGE = 0.5
_MIN_CONTENT_ANCHORS = 2
_CONTENT_KINDS = ("headline", "lead", "paragraph", "caption")
_SLUG_SAME_TITLE = 0.8
_TITLE_MIN_COVERAGE = 0.3
_TITLE_SLUG_SHARE = 0.5
_CAPTION_REACH = 2
_SEPARATORS = " |"
_CAPTION_MARGIN = 0.2


@dataclass(frozen=True, slots=True)
class Evidence:
    """One anchor shared by the two sides: ``kind`` is concept, name, number or slug."""

    kind: str
    anchor: str
    weight: float
    label: str
    """Readable form: ``Convention = Công ước`` for a concept, the folded name, the number."""


@dataclass(frozen=True, slots=True)
class Unit:
    """A text on one side of a pair: the segments it stands at, and its span in the page
    (``start``/``end`` are offsets into the page text; for a repeated caption, the first)."""

    text: str
    lang: str
    kind: str
    segments: tuple[int, ...]
    lines: tuple[int, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """A Vietnamese unit and the French unit it corresponds to, with score and evidence.

    ``method`` is ``residue`` (both on one French page) or ``cross-page``; ``score`` is the
    calibrated probability that the pair is right (see :mod:`aligner.calibration`).
    ``fr_focus`` is the part of the French sentence the evidence falls in.
    """

    vi: Unit
    fr: Unit
    score: float
    evidence: tuple[Evidence, ...]
    method: str
    fr_focus: str
    basis: str = ""
    """What found it: ``shared-words`` (the French sentence sharing the most evidence),
    ``headline`` (a title and the French headline), ``neighbour-caption`` (alt text and the
    French caption of the same photo), ``slug-title`` (a slug spelling a title found on the
    page, or a title it vouches for), ``bilingual-label`` (the halves of a label printed in
    both languages); cross-page: ``headline``, ``lead``, ``bead``, ``byline``, ``related``."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    unit: Unit
    anchors: frozenset[str]
    surfaces: dict[str, str] | None = None
    """For Vietnamese items: the words behind each anchor (see ``anchor_surfaces``)."""


def _item(unit: Unit, text: str, lang: str, lex: Lexicon) -> _Candidate:
    surfaces = anchor_surfaces(text, lang, lex)
    return _Candidate(unit, anchors(text, lang, lex), surfaces)


def residue_pairs(
    page: Page, *, lexicon: Lexicon | None = None, calibrate: bool = True
) -> list[AlignedPair]:
    """Pairs of the Vietnamese residue on ``page`` with its French sentences. Scores are
    calibrated probabilities (``calibrate=False``: the raw evidence strength in [0, 1], what the
    calibration is fitted on)."""
    lex = default_lexicon() if lexicon is None else lexicon
    french = _french_sentences(page, lex)
    if not french:
        return []
    weights = _rarity(french)
    items = _vietnamese_items(page, lex, frozenset().union(*(c.anchors for c in french)))
    headline = next((c for c in french if c.unit.kind == "headline"), None)
    titles = _title_like(page, items)
    pairs: list[AlignedPair] = []
    for item in items:
        best = _best_match(item, french, weights, lex)
        title = titles.get(item.unit.segments)
        if headline is not None and title is not None:
            found = _prefer_headline(item, best, headline, weights, lex, by_slug=title == "slug")
            if title == "numbered" and item.unit.kind == "caption":
                # alt text numbered by the CMS is the title or the photo's own caption: the
                # French caption beside it decides when it says more of it than the headline
                beside = _neighbour_caption(item, page, best, weights, lex)
                if beside is not None and (found is None or beside.score > found.score):
                    found = beside
            best = found
        elif item.unit.kind == "caption":
            best = _neighbour_caption(item, page, best, weights, lex) or best
        if best is not None:
            pairs.append(best)
    _inherit_title_pairs(pairs, items)
    pairs.extend(_bilingual_labels(page))
    pairs.sort(key=lambda p: p.vi.segments[0])
    model = shipped(PAIRS_MODEL) if calibrate else None
    if model is None:
        return pairs
    return [replace(p, score=round(model.probability(pair_features(p)), 4)) for p in pairs]


def pair_features(pair: AlignedPair) -> dict[str, float]:
    """What the calibration of an uncalibrated residue pair's score rests on: the raw score,
    how the pair was found, the Vietnamese item's kind, the evidence."""
    content = sum(1 for e in pair.evidence if e.kind in ("concept", "name"))
    names = sum(1 for e in pair.evidence if e.kind == "name")
    apart = min(abs(f - v) for f in pair.fr.segments for v in pair.vi.segments)
    return {
        "raw": pair.score,
        f"basis={pair.basis}": 1.0,
        f"raw*{pair.basis}": pair.score,
        f"vi_kind={pair.vi.kind}": 1.0,
        f"fr_kind={pair.fr.kind}": 1.0,
        f"vi_kind={pair.vi.kind}&fr_kind={pair.fr.kind}": 1.0,
        "content": min(content, 6) / 6,
        "names": min(names, 4) / 4,
        "apart<=1": float(apart <= 1),
        "apart<=3": float(apart <= 3),
        "slug_evidence": float(any(e.kind == "slug" for e in pair.evidence)),
        "repeated": float(len(pair.vi.segments) > 1),
    }


def page_pairs(
    vi_page: Page, fr_page: Page, *, lexicon: Lexicon | None = None, calibrate: bool = True
) -> list[AlignedPair]:
    """Pairs between a Vietnamese page and its French version: headline, lead, body.

    The headlines pair; when the Vietnamese page shows no headline, the line that the French
    page's ``Source:`` slug spells stands in for it. The Vietnamese lead pairs with the French
    line that says the most of what it says among the French lead and the first body lines:
    a French lead is often a new summary, and the lead's translation comes later. The rest of
    the body is aligned in order (:func:`aligner.beads.align`). Scores are calibrated
    probabilities (``calibrate=False``: raw evidence strength).
    """
    lex = default_lexicon() if lexicon is None else lexicon
    pairs: list[AlignedPair] = []
    vi_head = _first(vi_page, "headline", "vi") or _spelled_by_slug(vi_page, fr_page.meta)
    fr_head = _first(fr_page, "headline", "fr")
    if vi_head is not None and fr_head is not None:
        pairs.append(_segment_pair(vi_head, fr_head, lex, "headline"))
    used_fr: set[int] = set()
    vi_lead = _first(vi_page, "lead", "vi")
    if vi_lead is not None:
        fr_lead = _lead_counterpart(vi_lead, fr_page, lex)
        if fr_lead is not None:
            pairs.append(_segment_pair(vi_lead, fr_lead, lex, "lead"))
            if fr_lead.kind != "lead":
                used_fr.add(fr_lead.idx)
    vi_body = _body_sentences(vi_page, "vi")
    fr_body = [u for u in _body_sentences(fr_page, "fr") if u.segments[0] not in used_fr]
    beads = align(
        [u.text for u in vi_body],
        [u.text for u in fr_body],
        src_lang="vi",
        tgt_lang="fr",
        lexicon=lex,
        params=AlignParams(),
        calibrate=calibrate,
    )
    for bead in beads:
        if not bead.src_idx or not bead.tgt_idx:
            continue
        vi_unit = _merge([vi_body[i] for i in bead.src_idx])
        fr_unit = _merge([fr_body[j] for j in bead.tgt_idx])
        shared = _shared(
            _Candidate(vi_unit, anchors(vi_unit.text, "vi", lex)),
            _Candidate(fr_unit, anchors(fr_unit.text, "fr", lex)),
            {},
            lex,
        )
        pairs.append(
            AlignedPair(vi_unit, fr_unit, bead.score, shared, "cross-page", fr_unit.text, "bead")
        )
    for vi_seg in (s for s in vi_page.segments if s.kind == "byline"):
        fr_seg = next(
            (
                f
                for f in fr_page.segments
                if f.kind == "byline" and f.lang == "fr" and _same_name(vi_seg, f)
            ),
            None,
        )
        if fr_seg is not None:  # the author, spelled with or without diacritics
            pairs.append(_segment_pair(vi_seg, fr_seg, lex, "byline"))
            break
    model = shipped(PAIRS_MODEL) if calibrate else None
    if model is not None:  # beads come calibrated from the aligner
        pairs = [
            p
            if p.basis == "bead"
            else replace(p, score=round(model.probability(pair_features(p)), 4))
            for p in pairs
        ]
    pairs.extend(_related_pairs(vi_page, fr_page, lex, calibrate=calibrate))
    return pairs


_LEAD_SEARCH_LINES = 6
_MIN_LEAD_SIMILARITY = 0.15


def _same_name(vi_seg: Segment, fr_seg: Segment) -> bool:
    """Two bylines naming the same person: a run of two names or more, diacritics folded."""
    runs = {a for a in name_anchors(vi_seg.text) if len(a) > 6} & name_anchors(fr_seg.text)
    return any(a.startswith("w:") for a in runs) and bool(words(vi_seg.text))


def _related_pairs(
    vi_page: Page, fr_page: Page, lex: Lexicon, *, calibrate: bool
) -> list[AlignedPair]:
    """The lists of related articles at the foot of both pages, aligned title by title."""
    vi_rel = [s for s in vi_page.segments if s.kind == "related" and s.lang == "vi"]
    fr_rel = [s for s in fr_page.segments if s.kind == "related" and s.lang == "fr"]
    if not vi_rel or not fr_rel:
        return []
    beads = align(
        [s.text for s in vi_rel],
        [s.text for s in fr_rel],
        src_lang="vi",
        tgt_lang="fr",
        lexicon=lex,
        params=AlignParams(max_size=1),
        calibrate=calibrate,
    )
    out = []
    for bead in beads:
        if bead.src_idx and bead.tgt_idx:
            vi_seg, fr_seg = vi_rel[bead.src_idx[0]], fr_rel[bead.tgt_idx[0]]
            if _similarity(vi_seg.text, fr_seg.text, lex) >= _MIN_LEAD_SIMILARITY:
                pair = _segment_pair(vi_seg, fr_seg, lex, "related")
                out.append(replace(pair, score=bead.score))
    return out


def _first(page: Page, kind: str, lang: str) -> Segment | None:
    return next((s for s in page.segments if s.kind == kind and s.lang == lang), None)


def _spelled_by_slug(vi_page: Page, fr_meta: PageMeta) -> Segment | None:
    """The Vietnamese line (before the body gets long) that the French page's slug spells."""
    slug_words = set(fr_meta.slug_words)
    if not slug_words:
        return None
    best, best_share = None, _TITLE_SLUG_SHARE
    for seg in vi_page.segments[: _LEAD_SEARCH_LINES * 2]:
        folded = words(fold(seg.text))
        if seg.lang != "vi" or not folded:
            continue
        share = sum(w in slug_words for w in folded) / max(len(folded), len(slug_words))
        if share > best_share:
            best, best_share = seg, share
    return best


def _similarity(vi_text: str, fr_text: str, lex: Lexicon) -> float:
    """Dice overlap of the two texts' content anchors (concepts, names, numbers)."""
    a = {x for x in anchors(vi_text, "vi", lex) if not x.startswith("p:")}
    b = {x for x in anchors(fr_text, "fr", lex) if not x.startswith("p:")}
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _lead_counterpart(vi_lead: Segment, fr_page: Page, lex: Lexicon) -> Segment | None:
    candidates = [
        s for s in fr_page.segments if s.lang == "fr" and s.kind in ("lead", "paragraph")
    ][:_LEAD_SEARCH_LINES]
    scored = [(_similarity(vi_lead.text, s.text, lex), -s.idx, s) for s in candidates]
    if not scored:
        return None
    score, _, best = max(scored, key=lambda t: (t[0], t[1]))
    return best if score >= _MIN_LEAD_SIMILARITY else None


def _segment_pair(vi_seg: Segment, fr_seg: Segment, lex: Lexicon, basis: str) -> AlignedPair:
    vi_unit, fr_unit = _segment_unit(vi_seg), _segment_unit(fr_seg)
    shared = _shared(
        _Candidate(vi_unit, anchors(vi_seg.text, "vi", lex)),
        _Candidate(fr_unit, anchors(fr_seg.text, "fr", lex)),
        {},
        lex,
    )
    score = round(_similarity(vi_seg.text, fr_seg.text, lex), 4)
    return AlignedPair(vi_unit, fr_unit, score, shared, "cross-page", fr_seg.text, basis)


# --- residue -------------------------------------------------------------------------------


def _segment_unit(seg: Segment) -> Unit:
    return Unit(seg.text, seg.lang, seg.kind, (seg.idx,), (seg.line,), seg.start, seg.end)


def _french_sentences(page: Page, lex: Lexicon) -> list[_Candidate]:
    out = []
    for seg in page.segments:
        if seg.lang != "fr" or seg.kind not in _CONTENT_KINDS:
            continue
        for span_start, span_end in split_spans(seg.text):
            raw = seg.text[span_start:span_end]
            s = span_start + len(raw) - len(raw.lstrip(_SEPARATORS))
            e = span_end - (len(raw) - len(raw.rstrip(_SEPARATORS)))
            if e <= s:
                continue
            text = seg.text[s:e]
            unit = Unit(text, "fr", seg.kind, (seg.idx,), (seg.line,), seg.start + s, seg.start + e)
            out.append(_Candidate(unit, anchors(text, "fr", lex)))
    return out


def _vietnamese_items(
    page: Page, lex: Lexicon, french_anchors: frozenset[str] = frozenset()
) -> list[_Candidate]:
    items: list[_Candidate] = []
    grouped: set[int] = set()
    for group in page.repeats:
        if group.lang != "vi":
            continue
        segs = [page.segments[i] for i in group.segments]
        grouped.update(group.segments)
        unit = Unit(
            group.text,
            "vi",
            segs[0].kind,
            tuple(s.idx for s in segs),
            tuple(s.line for s in segs),
            segs[0].start,
            segs[0].start + len(group.text),
        )
        items.append(_item(unit, group.text, "vi", lex))
    for seg in page.segments:
        if (
            (seg.lang == "vi" or (seg.lang == "mixed" and seg.photo_no is None))
            and seg.idx not in grouped
            and seg.kind in _CONTENT_KINDS
            and words(seg.base_text or seg.text)
        ):
            text = seg.base_text or seg.text
            unit = Unit(
                text, "vi", seg.kind, (seg.idx,), (seg.line,), seg.start, seg.start + len(text)
            )
            items.append(_item(unit, text, "vi", lex))
    meta = page.meta
    source = next((s for s in page.segments if s.kind == "source"), None)
    if meta.slug and source is not None and source.lang == "vi-ascii":
        offset = source.text.find(meta.slug)
        start = source.start + max(offset, 0)
        unit = Unit(
            meta.slug,
            "vi-ascii",
            "slug",
            (source.idx,),
            (source.line,),
            start,
            start + len(meta.slug),
        )
        slug = _item(unit, " ".join(meta.slug_words), "vi-ascii", lex)
        names = _slug_names(meta.slug_words) & french_anchors
        items.append(
            _Candidate(
                unit,
                slug.anchors | names,
                {**(slug.surfaces or {}), **{a: a[2:] for a in names}},
            )
        )
    return items


def _slug_names(slug_words: Sequence[str]) -> frozenset[str]:
    """Name anchors a lower-case slug may hold (``to-lam`` for Tô Lâm, ``dong-hieu``): runs of
    two or three syllables joined, and single syllables of three letters or more, as
    :func:`aligner.anchors.name_anchors` folds names. The caller keeps only those the French
    side holds."""
    syllables = [w for w in slug_words if w.isalpha()]
    out = {f"w:{w}" for w in syllables if len(w) >= 3}
    for n in (2, 3):
        out.update(f"w:{''.join(syllables[i : i + n])}" for i in range(len(syllables) - n + 1))
    return frozenset(out)


def _rarity(french: Sequence[_Candidate]) -> dict[str, float]:
    """Weight of each anchor: log(1 + N / sentences holding it), N the sentence count."""
    df: dict[str, int] = {}
    for cand in french:
        for anchor in cand.anchors:
            df[anchor] = df.get(anchor, 0) + 1
    n = len(french)
    return {a: math.log(1 + n / k) for a, k in df.items()}


def _anchor_weight(anchor: str, weights: dict[str, float]) -> float:
    if anchor.startswith("p:"):
        return 0.0
    return weights.get(anchor, math.log(2.0))


def _shared(
    vi: _Candidate, fr: _Candidate, weights: dict[str, float], lex: Lexicon
) -> tuple[Evidence, ...]:
    out = []
    for anchor in sorted(vi.anchors & fr.anchors):
        kind = {"c": "concept", "w": "name", "n": "number", "p": "punctuation"}[anchor[0]]
        label = anchor[2:]
        if kind == "concept" and int(label) < len(lex.labels):
            label = lex.labels[int(label)]
        out.append(Evidence(kind, anchor, round(_anchor_weight(anchor, weights), 3), label))
    return tuple(out)


def _best_match(
    item: _Candidate, french: Sequence[_Candidate], weights: dict[str, float], lex: Lexicon
) -> AlignedPair | None:
    own = sum(_anchor_weight(a, weights) for a in item.anchors)
    if own <= 0:
        return None
    best: tuple[float, _Candidate, tuple[Evidence, ...]] | None = None
    for cand in french:
        evidence = _shared(item, cand, weights, lex)
        surfaces = item.surfaces or {}
        content = {
            surfaces.get(e.anchor, e.anchor)
            for e in evidence
            if e.kind in ("concept", "name") and e.weight > 0
        }
        if len(content) < _MIN_CONTENT_ANCHORS:
            continue
        matched = sum(e.weight for e in evidence)
        coverage = matched / own
        theirs = sum(_anchor_weight(a, weights) for a in cand.anchors) or 1.0
        precision = matched / theirs
        score = 2 * coverage * precision / (coverage + precision)
        if coverage >= _MIN_COVERAGE and (best is None or score > best[0]):
            best = (score, cand, evidence)
    if best is None:
        return None
    score, cand, evidence = best
    return AlignedPair(
        item.unit,
        cand.unit,
        round(score, 4),
        evidence,
        "residue",
        _focus(cand.unit.text, evidence, lex),
        "shared-words",
    )


def _neighbour_caption(
    item: _Candidate,
    page: Page,
    best: AlignedPair | None,
    weights: dict[str, float],
    lex: Lexicon,
) -> AlignedPair | None:
    """The French caption of the same photo: on the genre's pages the Vietnamese alt text sits
    next to it (glued on one line, or the line before or after). The nearest French caption
    within :data:`_CAPTION_REACH` segments wins when it shares an anchor with the alt text or
    stands right beside it."""
    at = item.unit.segments[0]
    near = [
        s
        for s in page.segments
        if s.kind == "caption" and s.lang == "fr" and 0 < abs(s.idx - at) <= _CAPTION_REACH
    ]
    if not near:
        return None
    seg = min(near, key=lambda s: (abs(s.idx - at), s.idx < at))
    text = seg.base_text or seg.text
    lead = len(text) - len(text.lstrip(_SEPARATORS))  # "|Des soldats ...": a glued separator
    text = text.strip(_SEPARATORS)
    start = seg.start + lead
    unit = Unit(text, "fr", "caption", (seg.idx,), (seg.line,), start, start + len(text))
    cand = _Candidate(unit, anchors(text, "fr", lex))
    evidence = _shared(item, cand, weights, lex)
    if best is not None and best.fr.segments == unit.segments:
        return best
    if not evidence and abs(seg.idx - at) > 1:
        return None
    own = sum(_anchor_weight(a, weights) for a in item.anchors) or 1.0
    theirs = sum(_anchor_weight(a, weights) for a in cand.anchors) or 1.0
    matched = sum(e.weight for e in evidence)
    score = 2 * matched / (own + theirs)
    if best is not None and best.score > 2 * score + _CAPTION_MARGIN:
        return best
    return AlignedPair(
        item.unit, unit, round(score, 4), evidence, "residue", text, "neighbour-caption"
    )


def _bilingual_labels(page: Page) -> list[AlignedPair]:
    """A label printed in both languages on one line (``Ảnh minh họa / Photo d'illustration``):
    its halves are each other's translation."""
    out = []
    for seg in page.segments:
        if seg.lang != "mixed" or seg.text.count(" / ") != 1:
            continue
        left, right = seg.text.split(" / ")
        halves = [(left, seg.start), (right, seg.start + len(left) + 3)]
        langs = [identify(h).lang for h, _ in halves]
        if sorted(langs) != ["fr", "vi"]:
            continue
        (vi_text, vi_at), (fr_text, fr_at) = halves if langs[0] == "vi" else halves[::-1]
        vi = Unit(vi_text, "vi", seg.kind, (seg.idx,), (seg.line,), vi_at, vi_at + len(vi_text))
        fr = Unit(fr_text, "fr", seg.kind, (seg.idx,), (seg.line,), fr_at, fr_at + len(fr_text))
        out.append(AlignedPair(vi, fr, 1.0, (), "residue", fr_text, "bilingual-label"))
    return out


def _title_like(page: Page, items: Sequence[_Candidate]) -> dict[tuple[int, ...], str]:
    """Vietnamese items that may be the article's title: the slug, a Vietnamese headline, alt
    text repeated under several photos or numbered by the CMS (``- Ảnh 1.``: the CMS fills
    alt text with the title), or text that the slug spells. The value says why: ``slug`` when
    the slug vouches for it (the slug itself, or text it spells: the slug is the original's
    headline), ``numbered`` when only the CMS's photo number does, else ``title``."""
    slug_words = set(page.meta.slug_words)
    vi_slug = any(s.kind == "source" and s.lang == "vi-ascii" for s in page.segments)
    out = {}
    for item in items:
        unit = item.unit
        folded = words(fold(unit.text))
        spelled = bool(folded) and sum(w in slug_words for w in folded) / len(folded) >= 0.6
        numbered = any(page.segments[i].photo_no is not None for i in unit.segments)
        if unit.kind == "slug" or spelled:
            out[unit.segments] = "slug"
        elif unit.kind == "headline" or len(unit.segments) > 1:
            out[unit.segments] = "title"
        elif numbered and not vi_slug:
            # with a slug to tell, numbered alt text the slug does not spell is no title
            out[unit.segments] = "numbered"
    return out


def _prefer_headline(
    item: _Candidate,
    best: AlignedPair | None,
    headline: _Candidate,
    weights: dict[str, float],
    lex: Lexicon,
    *,
    by_slug: bool = False,
) -> AlignedPair | None:
    """A title pairs with the French headline when the two share a content anchor and the
    headline covers a fair part of it, even if a longer sentence (the lead, which restates the
    title) shares more. A title the slug vouches for that found no French sentence at all
    pairs with the headline whatever the lexicon knows: the French headline translates it."""
    if best is not None and best.fr.start == headline.unit.start:
        return best
    evidence = _shared(item, headline, weights, lex)
    if by_slug and best is None:
        slug = Evidence("slug", "slug", 1.0, "the original's slug spells this title")
        return AlignedPair(
            item.unit,
            headline.unit,
            0.0,
            (*evidence, slug),
            "residue",
            headline.unit.text,
            "slug-title",
        )
    if not any(e.kind in ("concept", "name") and e.weight > 0 for e in evidence):
        return best
    own = sum(_anchor_weight(a, weights) for a in item.anchors) or 1.0
    theirs = sum(_anchor_weight(a, weights) for a in headline.anchors) or 1.0
    matched = sum(e.weight for e in evidence)
    coverage, precision = matched / own, matched / theirs
    score = 2 * coverage * precision / (coverage + precision) if matched else 0.0
    if coverage < _TITLE_MIN_COVERAGE or (best is not None and score < best.score / 2):
        return best
    return AlignedPair(
        item.unit,
        headline.unit,
        round(score, 4),
        evidence,
        "residue",
        _focus(headline.unit.text, evidence, lex),
        "headline",
    )


def _inherit_title_pairs(pairs: list[AlignedPair], items: Sequence[_Candidate]) -> None:
    """A slug that spells a Vietnamese title found on the page pairs where that title pairs."""
    by_vi = {p.vi.segments: p for p in pairs}
    titles = [p for p in pairs if p.vi.kind != "slug"]
    for item in items:
        if item.unit.kind != "slug":
            continue
        slug_words = item.unit.text.split("-")
        for title in titles:
            title_words = words(fold(title.vi.text))
            same = sum(1 for w in slug_words if w in title_words) / max(len(slug_words), 1)
            if same < _SLUG_SAME_TITLE:
                continue
            existing = by_vi.get(item.unit.segments)
            slug_evidence = Evidence(
                "slug", "slug", round(same, 3), f"the slug spells {title.vi.text!r}"
            )
            if existing is not None and existing.fr.start == title.fr.start:
                pairs[pairs.index(existing)] = AlignedPair(
                    existing.vi,
                    existing.fr,
                    max(existing.score, title.score),
                    (*existing.evidence, slug_evidence),
                    "residue",
                    existing.fr_focus,
                    existing.basis,
                )
            elif existing is None or existing.score < title.score:
                if existing is not None:
                    pairs.remove(existing)
                pairs.append(
                    AlignedPair(
                        item.unit,
                        title.fr,
                        title.score,
                        (*title.evidence, slug_evidence),
                        "residue",
                        title.fr_focus,
                        "slug-title",
                    )
                )
            break


def _focus(text: str, evidence: Sequence[Evidence], lex: Lexicon) -> str:
    """The shortest run of comma-separated clauses of ``text`` holding the most evidence."""
    clauses = [c.strip() for c in text.split(", ") if c.strip()]
    if len(clauses) <= 1:
        return text
    clause_anchors = [anchors(c, "fr", lex) for c in clauses]
    wanted = {e.anchor for e in evidence}
    best = (0, 0, len(clauses))
    for i in range(len(clauses)):
        found: set[str] = set()
        for j in range(i, len(clauses)):
            found |= clause_anchors[j] & wanted
            key = (len(found), -(j - i))
            if key > (best[0], -(best[2] - best[1] - 1)):
                best = (len(found), i, j + 1)
    return ", ".join(clauses[best[1] : best[2]])


# --- cross-page ----------------------------------------------------------------------------


def _body_sentences(page: Page, lang: str) -> list[Unit]:
    out = []
    for seg in page.segments:
        if seg.lang != lang or seg.kind not in ("paragraph", "caption"):
            continue
        text = seg.base_text or seg.text
        for s, e in split_spans(text):
            out.append(
                Unit(
                    text[s:e], lang, seg.kind, (seg.idx,), (seg.line,), seg.start + s, seg.start + e
                )
            )
    return out


def _merge(units: Sequence[Unit]) -> Unit:
    segments = tuple(dict.fromkeys(s for u in units for s in u.segments))
    lines = tuple(dict.fromkeys(ln for u in units for ln in u.lines))
    return Unit(
        " ".join(u.text for u in units),
        units[0].lang,
        units[0].kind,
        segments,
        lines,
        units[0].start,
        units[-1].end,
    )
