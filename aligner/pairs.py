"""Pairing Vietnamese text with French text: residue on one page, and a page with its version.

Residue pairing: each Vietnamese item of a French page (alt text or a caption, repeated ones
as one text, a Vietnamese headline, lead or related title, the slug of each Vietnamese
``Source:`` URL) is compared with every French sentence of the page. Evidence is the anchors
both share (lexicon concepts, names folded for diacritics, numbers), each weighted by how rare
it is on the page (an anchor found in every sentence, like "Vietnam", proves little). A ranker
(a logistic model fitted on the genre corpus by ``train/calibration.py``) turns the evidence
(coverage of each side, its margin over the item's other sentences, names, numbers, length
ratio), the two kinds, where the sentence stands (beside the alt text, the headline, the first
long line) and whether the item looks like the article's title into the probability that the
pair is right; each item pairs with its most probable sentence when that is at least one
half, otherwise it stays unpaired (site banners, outlet names, related titles).

Cross-page pairing: a Vietnamese page and its French version pair headline with headline, lead
with lead, and the body sentences through :func:`aligner.beads.align`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from aligner.anchors import anchor_surfaces, anchors, name_anchors
from aligner.beads import AlignParams, align
from aligner.calibration import PAIRS_MODEL, RANKER_MODEL, RESIDUE_MODEL, Logistic, shipped
from aligner.langid import identify
from aligner.lexicon import Lexicon, default_lexicon
from aligner.meta import parse_url
from aligner.page import Page, PageMeta, Segment
from aligner.sentences import split_spans
from aligner.text import fold, words

_VI_ITEM_KINDS = ("headline", "lead", "paragraph", "caption", "related")
_NOT_FRENCH_CANDIDATES = ("source", "credit", "banner")
_TITLE_SLUG_SHARE = 0.5
_TITLE_WORDS = 5
"""The first French sentence of this many words is where a headline usually stands (a
feature the ranker weighs with the labeller's ``headline``, which a date line can steal)."""
_LETTER_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_SEPARATORS = " |"
_CREDIT_RE = re.compile(r"\W*(?:photos?|ảnh|crédits?|vidéo|source)\s*:", re.IGNORECASE)
"""A photo credit glued to a caption (``Photo : VNA``) is no sentence to pair with."""


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
    numbered: bool = False
    """For Vietnamese items: alt text numbered by the CMS (``- Ảnh 1.``)."""
    segment_start: int = -1
    """For French sentences: where their segment starts in the page."""


def _item(unit: Unit, text: str, lang: str, lex: Lexicon, *, numbered: bool = False) -> _Candidate:
    surfaces = anchor_surfaces(text, lang, lex)
    return _Candidate(unit, anchors(text, lang, lex), surfaces, numbered)


def residue_pairs(
    page: Page,
    *,
    lexicon: Lexicon | None = None,
    calibrate: bool = True,
    ranker: Logistic | None = None,
    calibration: Logistic | None = None,
) -> list[AlignedPair]:
    """Pairs of the Vietnamese residue on ``page`` with its French sentences.

    Every Vietnamese item (alt text or caption, repeated or not, a Vietnamese headline, lead
    or related title, the slug of each Vietnamese ``Source:`` URL) is scored against every
    French sentence of the page by the ranker (:func:`residue_candidates`; ``ranker`` or the
    shipped one). It pairs with its most probable sentence when that probability is at least
    one half. Scores are calibrated
    probabilities that the pair is right (:func:`residue_features`; ``calibration`` or the
    shipped model); ``calibrate=False``: the ranker's probability.
    """
    scored = residue_scored(page, lexicon=lexicon, ranker=ranker)
    calib = calibration if calibration is not None else shipped(RESIDUE_MODEL)
    pairs = [
        replace(pair, score=round(calib.probability(feats), 4))
        if calibrate and calib is not None
        else pair
        for pair, feats in scored
    ]
    pairs.extend(_bilingual_labels(page))
    pairs.sort(key=lambda p: (p.vi.segments[0], p.vi.start, p.fr.start))
    return pairs


def residue_scored(
    page: Page, *, lexicon: Lexicon | None = None, ranker: Logistic | None = None
) -> list[tuple[AlignedPair, dict[str, float]]]:
    """The pairs the ranker chooses on ``page`` (score: the ranker's probability), each with
    the features its calibration rests on (:func:`residue_features`)."""
    model = ranker if ranker is not None else shipped(RANKER_MODEL)
    return [
        chosen
        for item in residue_candidates(page, lexicon=lexicon)
        for chosen in _choose(item, model)
    ]


_ACCEPT = 0.5
"""A pair is kept when the ranker finds it at least as likely right as wrong."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A Vietnamese item with one French sentence of its page: the pair it would make and the
    ranker's features (see :func:`residue_candidates`)."""

    pair: AlignedPair
    features: dict[str, float]


def _choose(
    candidates: Sequence[Candidate], model: Logistic | None
) -> list[tuple[AlignedPair, dict[str, float]]]:
    """The item's pair: its most probable French sentence, if probable enough (one line per
    item: on the corpus a second line above the threshold was never right)."""
    if not candidates:
        return []
    scored = [(_rank(c, model), n, c) for n, c in enumerate(candidates)]
    p, _, best = max(scored, key=lambda t: (t[0], -t[1]))
    if p < _ACCEPT:
        return []
    next_p = max((q for q, _, c in scored if c.pair.fr.lines != best.pair.fr.lines), default=0.0)
    return [(replace(best.pair, score=round(p, 4)), residue_features(p, next_p))]


def _rank(cand: Candidate, model: Logistic | None) -> float:
    if model is None:  # no shipped ranker: the evidence's F-measure
        return cand.features["f"]
    return model.probability(cand.features)


def residue_features(p: float, next_p: float) -> dict[str, float]:
    """What a chosen residue pair's calibrated score rests on: the ranker's probability (as a
    logit, scaled) and its margin over the item's next-best French line."""
    return {"logit": _logit(p), "margin": p - next_p}


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p)) / 5


def residue_candidates(page: Page, *, lexicon: Lexicon | None = None) -> list[list[Candidate]]:
    """Every Vietnamese item of ``page`` with every French sentence, as ranker candidates:
    one list per item (empty lists left out)."""
    lex = default_lexicon() if lexicon is None else lexicon
    french = _french_sentences(page, lex)
    if not french:
        return []
    weights = _rarity(french)
    items = _vietnamese_items(page, lex, frozenset().union(*(c.anchors for c in french)))
    first_long = next(
        (c.unit.start for c in french if len(_LETTER_WORD_RE.findall(c.unit.text)) >= _TITLE_WORDS),
        None,
    )
    headline_idx = next((c.unit.segments[0] for c in french if c.unit.kind == "headline"), None)
    slug_words = set(page.meta.slug_words) | {
        w for c in items if c.unit.kind == "slug" for w in c.unit.text.split("-")
    }
    titles = [c for c in items if c.unit.kind != "slug"]
    memo = _PageMemo()
    title_f: dict[tuple[int, int], float] = {}  # (title, sentence) -> f, for slug items

    def title_here(t_idx: int, fr_idx: int) -> float:
        if (t_idx, fr_idx) not in title_f:
            t = titles[t_idx]
            own_t = _own(t, weights) or 1.0
            row = _candidate(t, french[fr_idx], weights, lex, own_t, memo=memo)
            title_f[t_idx, fr_idx] = row[1]["f"]
        return title_f[t_idx, fr_idx]

    out = []
    for item in items:
        own = _own(item, weights)
        if own <= 0:
            continue
        rows = [_candidate(item, cand, weights, lex, own, memo=memo) for cand in french]
        best_f = max(r[1]["f"] for r in rows)
        spelled = _slug_share(item.unit.text, slug_words) if item.unit.kind != "slug" else 0.0
        # the best f on other lines than a row's: the best line's, or the second best's
        top = _top_two(rows)
        shares = (
            [_slug_share(t.unit.text, set(item.unit.text.split("-"))) for t in titles]
            if item.unit.kind == "slug"
            else []
        )
        cands = []
        for fr_idx, (pair, feats) in enumerate(rows):
            others = top[0][1] if top[0][0] != pair.fr.lines else top[1][1]
            at = pair.fr.segments[0]
            feats["f_margin"] = feats["f"] - others
            feats["f_best"] = float(feats["f"] >= best_f)
            feats["first_long"] = float(pair.fr.start == first_long)
            feats["headline"] = float(at == headline_idx)
            feats["spelled"] = spelled
            title_like = max(
                spelled,
                float(item.unit.kind in ("slug", "headline") or len(item.unit.segments) > 1),
            )
            feats["title*headline"] = title_like * feats["headline"]
            feats["numbered*headline"] = feats["numbered"] * feats["headline"]
            if item.unit.kind == "slug":
                feats["slug_title_here"] = max(
                    (  # f >= 0: a title the slug does not spell adds 0.0 whatever its f
                        share * title_here(t_idx, fr_idx) if share else 0.0
                        for t_idx, share in enumerate(shares)
                    ),
                    default=0.0,
                )
            cands.append(Candidate(pair, feats))
        out.append(cands)
    return out


def _top_two(
    rows: Sequence[tuple[AlignedPair, dict[str, float]]],
) -> tuple[tuple[tuple[int, ...] | None, float], tuple[tuple[int, ...] | None, float]]:
    """The French lines with the best ``f`` among ``rows`` and that ``f``, then the same for
    the best other lines (``(None, 0.0)`` where there is none)."""
    best: dict[tuple[int, ...], float] = {}
    for pair, feats in rows:
        lines = pair.fr.lines
        if lines not in best or feats["f"] > best[lines]:
            best[lines] = feats["f"]
    ranked: list[tuple[tuple[int, ...] | None, float]] = sorted(
        best.items(), key=lambda kv: kv[1], reverse=True
    )
    ranked += [(None, 0.0), (None, 0.0)]
    return ranked[0], ranked[1]


def _own(item: _Candidate, weights: dict[str, float]) -> float:
    return sum(_anchor_weight(a, weights) for a in item.anchors)


def _slug_share(text: str, slug_words: set[str]) -> float:
    """Share of ``text``'s words (folded) that the slug holds."""
    folded = words(fold(text))
    return sum(w in slug_words for w in folded) / len(folded) if folded and slug_words else 0.0


_KIND_FEATURES = ("headline", "lead", "paragraph", "caption", "related", "boilerplate")


_ClauseMemo = dict[str, list[frozenset[str]]]
"""The anchors of each clause of one page's French sentences (see :func:`_focus`)."""


@dataclass(slots=True)
class _PageMemo:
    """What :func:`_candidate` computes of a French sentence alone, kept for the page's next
    items: clause anchors (``clauses``) and, per sentence, the weight of its anchors, its
    numbers and its word count."""

    clauses: _ClauseMemo = field(default_factory=dict)
    sentences: dict[Unit, tuple[float, set[str], int]] = field(default_factory=dict)


def _candidate(
    item: _Candidate,
    cand: _Candidate,
    weights: dict[str, float],
    lex: Lexicon,
    own: float,
    *,
    memo: _PageMemo,
) -> tuple[AlignedPair, dict[str, float]]:
    """The pair of ``item`` with ``cand`` and the evidence's features (before the per-item
    ones :func:`residue_candidates` adds). ``memo`` keeps what the sentence alone gives."""
    evidence = _shared(item, cand, weights, lex)
    surfaces = item.surfaces or {}
    content = {
        surfaces.get(e.anchor, e.anchor)
        for e in evidence
        if e.kind in ("concept", "name") and e.weight > 0
    }
    names = {surfaces.get(e.anchor, e.anchor) for e in evidence if e.kind == "name"}
    matched = sum(e.weight for e in evidence)
    if cand.unit not in memo.sentences:
        memo.sentences[cand.unit] = (
            sum(_anchor_weight(a, weights) for a in cand.anchors) or 1.0,
            {a for a in cand.anchors if a.startswith("n:")},
            max(len(words(cand.unit.text)), 1),
        )
    theirs, fr_numbers, fr_len = memo.sentences[cand.unit]
    cov, prec = min(matched / own, 1.0), min(matched / theirs, 1.0)
    f = 2 * cov * prec / (cov + prec) if matched else 0.0
    vi_numbers = {a for a in item.anchors if a.startswith("n:")}
    vi_len = max(len(words(item.unit.text.replace("-", " "))), 1)
    apart = min(abs(f_ - v) for f_ in cand.unit.segments for v in item.unit.segments)
    vi_kind, fr_kind = item.unit.kind, cand.unit.kind
    caption = float(vi_kind == "caption")
    feats = {
        "cov": cov,
        "prec": prec,
        "f": f,
        "content": min(len(content), 6) / 6,
        "names": min(len(names), 4) / 4,
        "two_content": float(len(content) >= 2),
        "no_content": float(not content),
        "numbers_missing": len(vi_numbers - fr_numbers) / len(vi_numbers) if vi_numbers else 0.0,
        "length_ratio": min(abs(math.log(fr_len / vi_len)), 2.0) / 2,
        "same_line": float(bool(set(cand.unit.lines) & set(item.unit.lines))),
        "apart1": float(apart <= 1),
        "apart2": float(apart <= 2),
        "caption*apart1": caption * float(apart <= 1) * float(fr_kind == "caption"),
        "caption*apart2": caption * float(apart <= 2),
        "numbered": float(vi_kind == "caption" and len(item.unit.segments) == 1 and item.numbered),
        "repeated": float(len(item.unit.segments) > 1),
        f"vi={vi_kind}": 1.0,
        f"fr={fr_kind if fr_kind in _KIND_FEATURES else 'other'}": 1.0,
        "sentence1": float(cand.unit.start == cand.segment_start),
    }
    pair = AlignedPair(
        item.unit,
        cand.unit,
        round(f, 4),
        evidence,
        "residue",
        _focus(cand.unit.text, evidence, lex, memo.clauses),
        _basis(item, cand, apart),
    )
    return pair, feats


def _basis(item: _Candidate, cand: _Candidate, apart: int) -> str:
    if item.unit.kind == "slug":
        return "slug-title"
    if cand.unit.kind == "headline":
        return "headline"
    if item.unit.kind == "caption" and cand.unit.kind == "caption" and apart <= 2:
        return "neighbour-caption"
    return "shared-words"


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
        if seg.lang != "fr" or seg.kind in _NOT_FRENCH_CANDIDATES:
            continue
        for span_start, span_end in split_spans(seg.text):
            raw = seg.text[span_start:span_end]
            s = span_start + len(raw) - len(raw.lstrip(_SEPARATORS))
            e = span_end - (len(raw) - len(raw.rstrip(_SEPARATORS)))
            if e <= s:
                continue
            text = seg.text[s:e]
            if _CREDIT_RE.match(text):
                continue
            unit = Unit(text, "fr", seg.kind, (seg.idx,), (seg.line,), seg.start + s, seg.start + e)
            out.append(_Candidate(unit, anchors(text, "fr", lex), segment_start=seg.start))
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
        numbered = any(s.photo_no is not None for s in segs)
        items.append(_item(unit, group.text, "vi", lex, numbered=numbered))
    for seg in page.segments:
        if (
            (seg.lang == "vi" or (seg.lang == "mixed" and seg.photo_no is None))
            and seg.idx not in grouped
            and seg.kind in _VI_ITEM_KINDS
            and words(seg.base_text or seg.text)
        ):
            text = seg.base_text or seg.text
            unit = Unit(
                text, "vi", seg.kind, (seg.idx,), (seg.line,), seg.start, seg.start + len(text)
            )
            items.append(_item(unit, text, "vi", lex, numbered=seg.photo_no is not None))
    seen: set[str] = set()
    for source in page.segments:
        if source.kind != "source" or source.lang != "vi-ascii":
            continue
        url = next((w for w in source.text.split() if "://" in w), None)
        info = parse_url(url) if url is not None else None
        if info is None or info.slug is None or info.slug in seen:
            continue
        seen.add(info.slug)
        offset = source.text.find(info.slug)
        start = source.start + max(offset, 0)
        unit = Unit(
            info.slug,
            "vi-ascii",
            "slug",
            (source.idx,),
            (source.line,),
            start,
            start + len(info.slug),
        )
        slug = _item(unit, " ".join(info.slug_words), "vi-ascii", lex)
        names = _slug_names(info.slug_words) & french_anchors
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


def _focus(
    text: str, evidence: Sequence[Evidence], lex: Lexicon, memo: _ClauseMemo | None = None
) -> str:
    """The shortest run of comma-separated clauses of ``text`` holding the most evidence.
    ``memo`` keeps each text's clauses' anchors (one page's sentences: an item is compared
    with every sentence, the clauses are the sentence's)."""
    clauses = [c.strip() for c in text.split(", ") if c.strip()]
    if len(clauses) <= 1:
        return text
    if not evidence:  # nothing to hold: the first clause (what the search below ends with)
        return clauses[0]
    clause_anchors = memo.get(text) if memo is not None else None
    if clause_anchors is None:
        clause_anchors = [anchors(c, "fr", lex) for c in clauses]
        if memo is not None:
            memo[text] = clause_anchors
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
