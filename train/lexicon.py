"""Learn French-Vietnamese lexicon entries by word alignment (reproducible, numpy only).

    .venv/bin/python -m train.lexicon                  # writes data/lexicon_fr_vi_learned.tsv
    .venv/bin/python -m train.lexicon --check-curated  # hand entries against the parallel text
    .venv/bin/python -m train.lexicon --coverage       # FLORES odd (test) pairs sharing a concept
    .venv/bin/python -m train.lexicon --sample 100     # random learned entries, to judge by hand

Data: the *even* FLORES-200 dev articles (``train.flores.load_articles()[0::2]``; the odd ones
are the alignment benchmark's test split and are never read for learning) and the Tatoeba test
sets in ``../shared/eval/tatoeba``. FLORES devtest and NTREX are reserved and never read.

Method, per language pair (fr-vi directly; en-vi and en-fr for the English pivot):

1. tokens: ``aligner.lexicon.fr_tokens`` / ``vi_tokens`` (syllables), a plain English tokeniser;
2. IBM Model 1 (EM, with a NULL word) in both directions, Viterbi links, symmetrised with
   grow-diag-final-and;
3. tight phrase pairs consistent with the links, 1-3 tokens a side, counted once per sentence
   pair; each side's n-gram counted over the same sentences; Dice and p(b|a) = c(a,b) / c(a);
4. fr-vi pairs kept with enough count and Dice; pivot pairs kept when both composed
   probabilities sum_e p(e|f) p(v|e) and sum_e p(e|v) p(f|e) are high and every hop has support;
5. function words, numbers, names spelt alike on both sides and terms of the curated file are
   dropped; the remaining pairs are grouped into concepts by French term.
"""

from __future__ import annotations

import argparse
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aligner.lexicon import build, fr_tokens, parse_tsv, vi_tokens
from aligner.text import fold

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval"
TATOEBA = SHARED / "tatoeba"
CURATED = ROOT / "aligner" / "data" / "lexicon_fr_vi.tsv"
LEARNED = ROOT / "aligner" / "data" / "lexicon_fr_vi_learned.tsv"

MAX_N = 3  # longest term, in tokens (French) or syllables (Vietnamese)
EM_ITERATIONS = 8
# Direct fr-vi pairs: sentence pairs where the phrase pair was extracted, Dice of the two terms.
DIRECT_MIN_COUNT = 2
DIRECT_MIN_DICE = 0.4
DIRECT_MIN_DICE_SYLLABLE = 0.5  # a single Vietnamese syllable is more ambiguous
DIRECT_MIN_COUNT_SYLLABLE = 3
# Pivot pairs (through English): composed probabilities both ways, and support of each hop.
PIVOT_MIN_PROB = 0.2
PIVOT_MIN_SCORE = 0.3  # geometric mean of the two composed probabilities
PIVOT_MIN_HOP_COUNT = 2
PIVOT_MIN_HOP_DICE = 0.3
# A single syllable that mostly occurs inside one compound (tốc in tốc độ) is a fragment.
MAX_BOUND_SHARE = 0.5
MAX_VARIANTS = 3  # Vietnamese terms per French term

_EN_RE = re.compile(r"[a-z]+")

Filter = Callable[[tuple[str, ...]], bool]


# Function words: never a term, never the first or last token of one.
def _words(text: str) -> list[str]:
    return text.split()


FR_STOP = frozenset(
    fold(w)
    for w in _words(
        """
    a à au aux avec ce ceci cela ça ces cet cette chez comme dans de des du elle elles en entre et
    être eu il ils je j la le les leur leurs lui l d m n s t qu c y ma mais me même mes moi mon ne
    ni nos notre nous on ou où par pas peu plus pour qu que quel quelle quels quelles qui sa sans se
    ses si son sont sur ta te tes toi ton tu un une uns unes vos votre vous été était étaient est
    sera serait ont avait avaient ai as avons avez aura aurait fait faire dont donc alors ainsi
    aussi autre autres bien car ceux celle celles celui chaque certain certaine certains déjà
    encore ici là lors lorsque moins non oui parce pendant puis quand quelque rien selon sous tant
    tel telle toujours tous tout toute toutes très trop vers voici voilà après avant depuis
    jusqu jusque cependant pourtant toutefois environ plusieurs aucun aucune ceci cela leur y
    était peut pouvait doit devait va vont ont eux elle sont suis es sommes êtes avoir
    """
    )
)
VI_STOP = frozenset(
    _words(
        """
    của và là được các những có trong cho với này đó một không đã sẽ đang cũng thì mà để từ về tại
    khi như ra vào lên xuống rằng nhưng nên vì do bị hơn rất nhiều ít mọi mỗi cái con chiếc nào gì
    ai đâu sao vậy thế kia ấy nó họ chúng tôi ta bạn mình ở theo bởi hay hoặc nếu thì còn vẫn đều
    lại rồi nữa chỉ luôn hãy đi đến qua sau trước trên dưới giữa bên nhau cả tất toàn này nọ thật
    quá lắm chưa chẳng vừa mới đây nay ngay khoảng hết phải cần nên việc sự cuộc điều vụ những
    anh chị em ông bà cô chú cậu người ạ à ơi nhé nhỉ chứ thôi đấy kể cùng hiện vốn như thể
    """
    )
)
VI_STOP_FOLDED = frozenset(fold(w) for w in VI_STOP)
FR_NUMBERS = frozenset(
    _words(
        "un une deux trois quatre cinq six sept huit neuf dix onze douze vingt trente cent mille"
    )
)
VI_NUMBERS = frozenset(_words("một hai ba bốn năm sáu bảy tám chín mười trăm nghìn ngàn"))
EN_STOP = frozenset(
    _words(
        """
    a an the of to in on at for with by from as and or but if is are was were be been being has
    have had do does did not no this that these those it its he she they we you i me him her them
    us my your his their our will would can could should may might must shall there here which who
    whom what when where why how than then so such very also just only more most some any all each
    into about over after before out up down off s t don didn won one two three tom mary
    """
    )
)


def en_tokens(text: str) -> list[str]:
    """English tokens: lower-case letters, plural -s removed like French."""
    out = []
    for token in _EN_RE.findall(text.lower().replace("’", "'")):
        out.append(token[:-1] if len(token) > 3 and token.endswith("s") else token)
    return out


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Corpus:
    """Tokenised sentence pairs (a side, b side)."""

    a: list[list[str]]
    b: list[list[str]]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def flores_even() -> list[tuple[str, str, str]]:
    """(fr, vi, en) sentences of the even (tune) FLORES dev articles only."""
    from train.flores import load_articles  # noqa: PLC0415  (bench is a script folder)

    return [s for article in load_articles()[0::2] for s in article]


def flores_odd() -> list[tuple[str, str, str]]:
    """(fr, vi, en) of the odd (test) articles: for measuring coverage, never for learning."""
    from train.flores import load_articles  # noqa: PLC0415

    return [s for article in load_articles()[1::2] for s in article]


def tatoeba(pair: str) -> tuple[list[str], list[str]]:
    a, b = pair.split("-")
    return _lines(TATOEBA / f"{pair}.{a}"), _lines(TATOEBA / f"{pair}.{b}")


def fr_vi_text() -> tuple[list[str], list[str]]:
    flores = flores_even()
    fr, vi = tatoeba("fra-vie")
    return [s[0] for s in flores] + fr, [s[1] for s in flores] + vi


def corpora() -> dict[str, Corpus]:
    flores = flores_even()
    fr_vi = fr_vi_text()
    en_vi = tatoeba("eng-vie")
    en_fr = tatoeba("eng-fra")
    return {
        "fr-vi": Corpus([fr_tokens(s) for s in fr_vi[0]], [vi_tokens(s) for s in fr_vi[1]]),
        "en-vi": Corpus(
            [en_tokens(s[2]) for s in flores] + [en_tokens(s) for s in en_vi[0]],
            [vi_tokens(s[1]) for s in flores] + [vi_tokens(s) for s in en_vi[1]],
        ),
        "en-fr": Corpus(
            [en_tokens(s[2]) for s in flores] + [en_tokens(s) for s in en_fr[0]],
            [fr_tokens(s[0]) for s in flores] + [fr_tokens(s) for s in en_fr[1]],
        ),
    }


# ---------------------------------------------------------------------------------------------
# IBM Model 1 and symmetrisation


def ibm1_viterbi(
    src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]], iterations: int = EM_ITERATIONS
) -> list[list[int]]:
    """For each target token, the source position it aligns to under IBM Model 1 (-1: NULL).

    EM over all co-occurring (source, target) pairs at once: arrays of (target position,
    source word, pair id) and bincount sums, so nothing is a Python loop per iteration.
    """
    vocab_s: dict[str, int] = {"<null>": 0}
    vocab_t: dict[str, int] = {}
    rows_g, rows_s, rows_t, rows_i = [], [], [], []
    starts = []
    g = 0
    for s_sent, t_sent in zip(src, tgt, strict=True):
        s_ids = np.array([0] + [vocab_s.setdefault(w, len(vocab_s)) for w in s_sent])
        t_ids = np.array([vocab_t.setdefault(w, len(vocab_t)) for w in t_sent], dtype=np.int64)
        starts.append(g)
        n_s, n_t = len(s_ids), len(t_ids)
        rows_g.append(np.repeat(np.arange(g, g + n_t), n_s))
        rows_t.append(np.repeat(t_ids, n_s))
        rows_s.append(np.tile(s_ids, n_t))
        rows_i.append(np.tile(np.arange(-1, n_s - 1), n_t))
        g += n_t
    gpos = np.concatenate(rows_g)
    s_word = np.concatenate(rows_s).astype(np.int64)
    t_word = np.concatenate(rows_t)
    s_pos = np.concatenate(rows_i)
    pair_keys, pair_id = np.unique(s_word * len(vocab_t) + t_word, return_inverse=True)
    pair_s = pair_keys // len(vocab_t)
    t = np.ones(len(pair_keys))
    for _ in range(iterations):
        p = t[pair_id]
        z = np.bincount(gpos, weights=p, minlength=g)
        post = p / z[gpos]
        counts = np.bincount(pair_id, weights=post, minlength=len(pair_keys))
        totals = np.bincount(pair_s, weights=counts, minlength=len(vocab_s))
        t = counts / totals[pair_s]
    p = t[pair_id]
    order = np.lexsort((-p, gpos))
    first = np.ones(len(order), dtype=bool)
    first[1:] = gpos[order][1:] != gpos[order][:-1]
    best = np.full(g, -1)
    best[gpos[order][first]] = s_pos[order][first]
    return [
        best[start : start + len(t_sent)].tolist()
        for start, t_sent in zip(starts, tgt, strict=True)
    ]


def symmetrise(a2b: list[int], b2a: list[int]) -> set[tuple[int, int]]:
    """grow-diag-final-and over (a position, b position) links from both directions."""
    forward = {(i, j) for j, i in enumerate(a2b) if i >= 0}  # b token j -> a token i
    backward = {(i, j) for i, j in enumerate(b2a) if j >= 0}
    union = forward | backward
    links = forward & backward
    neighbours = [(-1, 0), (0, -1), (1, 0), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1)]
    a_linked = {i for i, _ in links}
    b_linked = {j for _, j in links}
    added = True
    while added:
        added = False
        for i, j in sorted(links):
            for di, dj in neighbours:
                cand = (i + di, j + dj)
                new = cand in union and cand not in links
                if new and (cand[0] not in a_linked or cand[1] not in b_linked):
                    links.add(cand)
                    a_linked.add(cand[0])
                    b_linked.add(cand[1])
                    added = True
    for cand in sorted(union - links):  # final-and
        if cand[0] not in a_linked and cand[1] not in b_linked:
            links.add(cand)
            a_linked.add(cand[0])
            b_linked.add(cand[1])
    return links


def phrase_pairs(
    a: Sequence[str], b: Sequence[str], links: set[tuple[int, int]]
) -> set[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Tight phrase pairs (1..MAX_N tokens a side) consistent with ``links``."""
    out = set()
    by_a: dict[int, list[int]] = defaultdict(list)
    by_b: dict[int, list[int]] = defaultdict(list)
    for i, j in links:
        by_a[i].append(j)
        by_b[j].append(i)
    for i1 in range(len(a)):
        if i1 not in by_a:
            continue
        for i2 in range(i1, min(len(a), i1 + MAX_N)):
            if i2 not in by_a:
                continue
            js = [j for i in range(i1, i2 + 1) for j in by_a.get(i, [])]
            j1, j2 = min(js), max(js)
            if j2 - j1 >= MAX_N:
                continue
            if all(i1 <= i <= i2 for j in range(j1, j2 + 1) for i in by_b.get(j, [])):
                out.add((tuple(a[i1 : i2 + 1]), tuple(b[j1 : j2 + 1])))
    return out


def ngrams(tokens: Sequence[str]) -> set[tuple[str, ...]]:
    return {
        tuple(tokens[i : i + n]) for n in range(1, MAX_N + 1) for i in range(len(tokens) - n + 1)
    }


@dataclass
class Table:
    """Phrase-pair counts over one corpus: joint (sentence pairs), and each side's n-grams."""

    joint: Counter[tuple[tuple[str, ...], tuple[str, ...]]]
    a: Counter[tuple[str, ...]]
    b: Counter[tuple[str, ...]]

    def dice(self, x: tuple[str, ...], y: tuple[str, ...]) -> float:
        return 2 * self.joint[x, y] / (self.a[x] + self.b[y])


def phrase_table(corpus: Corpus, a_ok: Filter, b_ok: Filter) -> Table:
    a2b = ibm1_viterbi(corpus.a, corpus.b)  # each b token -> an a position
    b2a = ibm1_viterbi(corpus.b, corpus.a)
    joint: Counter[tuple[tuple[str, ...], tuple[str, ...]]] = Counter()
    count_a: Counter[tuple[str, ...]] = Counter()
    count_b: Counter[tuple[str, ...]] = Counter()
    for a, b, x, y in zip(corpus.a, corpus.b, a2b, b2a, strict=True):
        count_a.update(ngrams(a))
        count_b.update(ngrams(b))
        for pa, pb in phrase_pairs(a, b, symmetrise(x, y)):
            if a_ok(pa) and b_ok(pb):
                joint[pa, pb] += 1
    return Table(joint, count_a, count_b)


# ---------------------------------------------------------------------------------------------
# Term filters


def _content(term: tuple[str, ...], stop: frozenset[str], min_len: int = 2) -> bool:
    if not term or term[0] in stop or term[-1] in stop:
        return False
    if any(not t.isalpha() for t in term):
        return False
    return not (len(term) == 1 and len(term[0]) < min_len)


def fr_ok(term: tuple[str, ...]) -> bool:
    return _content(term, FR_STOP, 3)


def vi_ok(term: tuple[str, ...]) -> bool:
    return _content(term, VI_STOP)


def en_ok(term: tuple[str, ...]) -> bool:
    return _content(term, EN_STOP, 3)


# ---------------------------------------------------------------------------------------------
# Learning


@dataclass(frozen=True)
class Pair:
    fr: tuple[str, ...]
    vi: tuple[str, ...]
    score: float
    count: int
    source: str  # direct, pivot or both


def direct_pairs(table: Table) -> dict[tuple[tuple[str, ...], tuple[str, ...]], Pair]:
    out = {}
    for (f, v), c in table.joint.items():
        if c < DIRECT_MIN_COUNT:
            continue
        d = table.dice(f, v)
        if d >= (DIRECT_MIN_DICE_SYLLABLE if len(v) == 1 else DIRECT_MIN_DICE):
            out[f, v] = Pair(f, v, d, c, "direct")
    return out


def _conditionals(
    table: Table, min_count: int, min_dice: float
) -> tuple[dict[tuple[str, ...], dict[tuple[str, ...], float]], ...]:
    """p(b|a) and p(a|b) for the pairs of ``table`` with enough support."""
    a2b: dict[tuple[str, ...], dict[tuple[str, ...], float]] = defaultdict(dict)
    b2a: dict[tuple[str, ...], dict[tuple[str, ...], float]] = defaultdict(dict)
    for (x, y), c in table.joint.items():
        if c >= min_count and table.dice(x, y) >= min_dice:
            a2b[x][y] = c / table.a[x]
            b2a[y][x] = c / table.b[y]
    return a2b, b2a


def pivot_pairs(en_vi: Table, en_fr: Table) -> dict[tuple[tuple[str, ...], tuple[str, ...]], Pair]:
    """fr-vi pairs composed through English: sum_e p(e|f) p(v|e), and the reverse, both high."""
    e2v, v2e = _conditionals(en_vi, PIVOT_MIN_HOP_COUNT, PIVOT_MIN_HOP_DICE)
    e2f, f2e = _conditionals(en_fr, PIVOT_MIN_HOP_COUNT, PIVOT_MIN_HOP_DICE)
    forward: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = defaultdict(float)
    backward: dict[tuple[tuple[str, ...], tuple[str, ...]], float] = defaultdict(float)
    support: dict[tuple[tuple[str, ...], tuple[str, ...]], int] = defaultdict(int)
    for f, es in f2e.items():
        for e, p_ef in es.items():
            for v, p_ve in e2v.get(e, {}).items():
                forward[f, v] += p_ef * p_ve
                support[f, v] += min(en_fr.joint[e, f], en_vi.joint[e, v])
    for v, es in v2e.items():
        for e, p_ev in es.items():
            for f, p_fe in e2f.get(e, {}).items():
                backward[f, v] += p_ev * p_fe
    out = {}
    for key, p in forward.items():
        q = backward.get(key, 0.0)
        if min(p, q) >= PIVOT_MIN_PROB and (p * q) ** 0.5 >= PIVOT_MIN_SCORE:
            out[key] = Pair(key[0], key[1], (p * q) ** 0.5, support[key], "pivot")
    return out


def curated_keys() -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    fr: set[tuple[str, ...]] = set()
    vi: set[tuple[str, ...]] = set()
    for fr_terms, vi_terms in parse_tsv(CURATED.read_text(encoding="utf-8")):
        fr.update(tuple(fr_tokens(t)) for t in fr_terms)
        vi.update(tuple(vi_tokens(t)) for t in vi_terms)
    return fr, vi


def _sub(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    n = len(short)
    return n < len(long) and any(long[i : i + n] == short for i in range(len(long) - n + 1))


def bound_terms(sentences: Iterable[Sequence[str]]) -> set[tuple[str, ...]]:
    """1-2 syllable terms that occur mostly inside one longer compound (same neighbour)."""
    alone: Counter[tuple[str, ...]] = Counter()
    longer: Counter[tuple[tuple[str, ...], str]] = Counter()
    for tokens in sentences:
        for n in (1, 2):
            for i in range(len(tokens) - n + 1):
                term = tuple(tokens[i : i + n])
                alone[term] += 1
                if i > 0:
                    longer[term, "L" + tokens[i - 1]] += 1
                if i + n < len(tokens):
                    longer[term, "R" + tokens[i + n]] += 1
    return {t for (t, _), c in longer.items() if c > MAX_BOUND_SHARE * alone[t] and alone[t] >= 3}


def _has_number(p: Pair) -> bool:
    return any(t in FR_NUMBERS for t in p.fr) or (len(p.vi) > 1 and p.vi[0] in VI_NUMBERS)


def learn(verbose: bool = True) -> list[tuple[list[str], list[str]]]:
    data = corpora()
    bound = bound_terms(data["fr-vi"].b + data["en-vi"].b)
    tables = {
        "fr-vi": phrase_table(data["fr-vi"], fr_ok, vi_ok),
        "en-vi": phrase_table(data["en-vi"], en_ok, vi_ok),
        "en-fr": phrase_table(data["en-fr"], en_ok, fr_ok),
    }
    direct = direct_pairs(tables["fr-vi"])
    pivot = pivot_pairs(tables["en-vi"], tables["en-fr"])
    pairs: dict[tuple[tuple[str, ...], tuple[str, ...]], Pair] = {}
    for key in direct.keys() | pivot.keys():
        d, p = direct.get(key), pivot.get(key)
        if d and p:
            pairs[key] = Pair(key[0], key[1], max(d.score, p.score), d.count + p.count, "both")
        else:
            pairs[key] = d or p  # type: ignore[assignment]
    cur_fr, cur_vi = curated_keys()
    kept = [
        p
        for p in pairs.values()
        if p.fr not in cur_fr
        and p.vi not in cur_vi
        and "".join(p.fr) != fold("".join(p.vi))  # names and loanwords: name anchors do it
        and tuple(fold(t) for t in p.vi) != p.fr
        and not _has_number(p)
        and p.vi not in bound
        and not set(p.fr) & {fold(t) for t in p.vi}  # a name kept on one side only
        and not (len(p.vi) == 1 and p.source == "direct" and p.count < DIRECT_MIN_COUNT_SYLLABLE)
    ]
    # A term nested in another term of the same pair's other side: keep the better one.
    by_fr: dict[tuple[str, ...], list[Pair]] = defaultdict(list)
    for p in kept:
        by_fr[p.fr].append(p)
    kept = []
    for group in by_fr.values():
        group.sort(key=lambda p: (-p.score, -p.count))
        chosen: list[Pair] = []
        for p in group:
            if any(_sub(p.vi, q.vi) or _sub(q.vi, p.vi) for q in chosen):
                continue
            chosen.append(p)
        kept.extend(chosen[:MAX_VARIANTS])
    by_vi: dict[tuple[str, ...], list[Pair]] = defaultdict(list)
    for p in kept:
        by_vi[p.vi].append(p)
    kept = []
    for group in by_vi.values():
        group.sort(key=lambda p: (-p.score, -p.count))
        chosen = []
        for p in group:
            if any(_sub(p.fr, q.fr) or _sub(q.fr, p.fr) for q in chosen):
                continue
            chosen.append(p)
        kept.extend(chosen[:MAX_VARIANTS])
    # Concepts: one per French term; French terms with the same Vietnamese set share one.
    concepts: dict[tuple[tuple[str, ...], ...], list[tuple[str, ...]]] = defaultdict(list)
    vi_of: dict[tuple[str, ...], list[Pair]] = defaultdict(list)
    for p in kept:
        vi_of[p.fr].append(p)
    best: dict[tuple[tuple[str, ...], ...], float] = {}
    for f, group in vi_of.items():
        group.sort(key=lambda p: (-p.score, -p.count, p.vi))
        vis = tuple(p.vi for p in group)
        concepts[vis].append(f)
        best[vis] = max(best.get(vis, 0.0), group[0].score)
    entries = [
        ([" ".join(f) for f in sorted(frs)], [" ".join(v) for v in vis])
        for vis, frs in sorted(concepts.items(), key=lambda kv: (-best[kv[0]], kv[0]))
    ]
    if verbose:
        sources = Counter(p.source for p in kept)
        print(
            f"sentence pairs: fr-vi {len(data['fr-vi'].a)}, en-vi {len(data['en-vi'].a)}, "
            f"en-fr {len(data['en-fr'].a)}"
        )
        print(
            f"candidates: direct {len(direct)}, pivot {len(pivot)}; kept pairs {len(kept)} "
            f"({dict(sources)}); concepts {len(entries)}"
        )
        lengths = Counter(len(p.vi) for p in kept)
        print(f"Vietnamese term syllables: {dict(sorted(lengths.items()))}")
    return entries


HEADER = f"""\
# Learned French-Vietnamese lexicon (generated: do not edit; curated entries win on load).
# Built by `.venv/bin/python -m train.lexicon` (train/lexicon.py) from the even (tune) FLORES-200
# dev articles (fr/vi/en) and the Tatoeba fra-vie, eng-vie, eng-fra test sets; never the odd
# FLORES dev articles (benchmark test split), FLORES devtest or NTREX.
# IBM Model 1 ({EM_ITERATIONS} EM iterations) both ways, grow-diag-final-and, tight phrase pairs of
# 1-{MAX_N} tokens/syllables. fr-vi direct: count >= {DIRECT_MIN_COUNT} sentence pairs, Dice >=
# {DIRECT_MIN_DICE} (one syllable: Dice >= {DIRECT_MIN_DICE_SYLLABLE}, count >=
# {DIRECT_MIN_COUNT_SYLLABLE}).
# English pivot: each hop count >= {PIVOT_MIN_HOP_COUNT} and Dice >= {PIVOT_MIN_HOP_DICE}, composed
# p(v|f) and p(f|v) >= {PIVOT_MIN_PROB} with geometric mean >= {PIVOT_MIN_SCORE}. Function words,
# numbers, identical spellings, Vietnamese fragments (a term found > {MAX_BOUND_SHARE} of the time
# inside one longer compound) and curated terms dropped;
# at most {MAX_VARIANTS} Vietnamese terms per French term. One concept a line, best first.
"""


def write(entries: Iterable[tuple[list[str], list[str]]], path: Path = LEARNED) -> None:
    lines = [HEADER.rstrip("\n")]
    lines += ["|".join(fr) + "\t" + "|".join(vi) for fr, vi in entries]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Checks


def check_curated(first: int = 1) -> None:
    """For each curated entry: fr-vi sentence pairs with both sides, fr only, vi only."""
    lexicon = build(parse_tsv(CURATED.read_text(encoding="utf-8")))
    fr_text, vi_text = fr_vi_text()
    fr_sets = [lexicon.concepts(s, "fr") for s in fr_text]
    vi_sets = [lexicon.concepts(s, "vi") for s in vi_text]
    both: Counter[int] = Counter()
    fr_only: Counter[int] = Counter()
    vi_only: Counter[int] = Counter()
    for fr_set, vi_set in zip(fr_sets, vi_sets, strict=True):
        both.update(fr_set & vi_set)
        fr_only.update(fr_set - vi_set)
        vi_only.update(vi_set - fr_set)
    entries = parse_tsv(CURATED.read_text(encoding="utf-8"))
    print(f"{'both':>5} {'fr':>4} {'vi':>4}  entry   ({len(fr_text)} fr-vi sentence pairs)")
    unseen = 0
    for c, (fr, vi) in enumerate(entries):
        if c + 1 < first:
            continue
        b, f, v = both[c], fr_only[c], vi_only[c]
        unseen += not (b or f or v)
        flag = "  <-- check" if (f + v) > 2 * b and (f + v) >= 3 else ""
        print(f"{b:5d} {f:4d} {v:4d}  {'|'.join(fr)} = {'|'.join(vi)}{flag}")
    print(f"{len(entries)} entries, {unseen} not seen in the text")


def coverage() -> None:
    """Share of odd (test) FLORES sentence pairs sharing >= 1 concept: curated, and all."""
    from aligner.lexicon import default_lexicon  # noqa: PLC0415

    odd = flores_odd()
    curated = build(parse_tsv(CURATED.read_text(encoding="utf-8")))
    for name, lex in (("curated", curated), ("curated+learned", default_lexicon())):
        shared = [lex.concepts(f, "fr") & lex.concepts(v, "vi") for f, v, _ in odd]
        mean = sum(len(s) for s in shared) / len(odd)
        n = sum(bool(s) for s in shared)
        print(
            f"{name:<16} {len(lex.labels):5d} concepts: {n}/{len(odd)} = {n / len(odd):.1%} "
            f"odd-article pairs share a concept (mean {mean:.2f} shared)"
        )


def sample(n: int, seed: int = 2024) -> None:
    entries = parse_tsv(LEARNED.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    for i in sorted(rng.sample(range(len(entries)), min(n, len(entries)))):
        fr, vi = entries[i]
        print(f"{i:5d}  {'|'.join(fr)}  =  {'|'.join(vi)}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check-curated", action="store_true")
    parser.add_argument("--from-entry", type=int, default=1, help="with --check-curated")
    parser.add_argument("--coverage", action="store_true")
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--out", type=Path, default=LEARNED)
    args = parser.parse_args(argv)
    if args.check_curated:
        check_curated(args.from_entry)
    elif args.coverage:
        coverage()
    elif args.sample:
        sample(args.sample)
    else:
        entries = learn()
        write(entries, args.out)
        print(f"wrote {len(entries)} concepts to {args.out}")


if __name__ == "__main__":
    main()
