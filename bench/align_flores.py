"""Sentence-alignment benchmark on FLORES-200 dev (fr -> vi), Triglot against NLTK.

Documents: consecutive FLORES articles concatenated to ~40 sentences, then perturbed with a
fixed seed (neighbouring sentences merged on either side, sentences dropped on either side,
short page-noise lines inserted; see ``aligner.evaluation.perturb``), gold beads kept.
Only the *test* split (odd articles) is reported; constants were set on the even ones.

Prints strict and lax precision/recall/F1 (Vecalign's definitions) and seconds for Triglot and
for NLTK's ``gale_church.align_blocks`` (the length-only peer) in the same run, then time and
peak memory for a synthetic 100,000-sentence pair (``--scale 0`` skips it).

    .venv/bin/python bench/align_flores.py [--seed 13] [--scale 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aligner.beads import align
from aligner.evaluation import BeadIdx, Scores, perturb, score
from train.flores import HEAVY, documents, load_articles


def nltk_beads(src: list[str], tgt: list[str]) -> list[BeadIdx]:
    """NLTK Gale-Church links grouped into beads; unlinked sentences become 1-0 / 0-1."""
    from nltk.translate.gale_church import align_blocks  # noqa: PLC0415

    links = align_blocks([len(s) for s in src], [len(t) for t in tgt])
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for i, j in links:
        parent[find(("s", i))] = find(("t", j))
    groups: dict[tuple[str, int], tuple[list[int], list[int]]] = {}
    for i in range(len(src)):
        groups.setdefault(find(("s", i)), ([], []))[0].append(i)
    for j in range(len(tgt)):
        groups.setdefault(find(("t", j)), ([], []))[1].append(j)
    return [(tuple(s), tuple(t)) for s, t in groups.values()]


def _line(name: str, s: Scores, seconds: float) -> str:
    return (
        f"{name:<22} strict P {s.strict_p:.3f} R {s.strict_r:.3f} F1 {s.strict_f1:.3f} | "
        f"lax P {s.lax_p:.3f} R {s.lax_r:.3f} F1 {s.lax_f1:.3f} | {seconds:6.2f} s"
    )


def by_type(gold: list[list[BeadIdx]], test: list[list[BeadIdx]]) -> str:
    """Recall of gold beads per type: 1-1, merges (2-1, 1-2, 3-1...), unmatched (1-0, 0-1)."""
    found: dict[str, list[int]] = {"1-1": [0, 0], "merge": [0, 0], "unmatched": [0, 0]}
    for gold_doc, test_doc in zip(gold, test, strict=True):
        predicted = {(tuple(s), tuple(t)) for s, t in test_doc}
        for s, t in gold_doc:
            kind = "unmatched" if not s or not t else "1-1" if len(s) == len(t) == 1 else "merge"
            found[kind][0] += (tuple(s), tuple(t)) in predicted
            found[kind][1] += 1
    return ", ".join(f"{k} {ok / n:.3f} ({n})" for k, (ok, n) in found.items() if n)


def scale_run(n: int, seed: int) -> None:
    """Align a synthetic n-sentence pair (shuffled FLORES blocks, perturbed); print figures."""
    sentences = [s for article in load_articles() for s in article]
    rng = random.Random(seed)
    pairs: list[tuple[str, str, str]] = []
    while len(pairs) < n:
        block = sentences[:]
        rng.shuffle(block)
        pairs.extend(block)
    doc = perturb(
        [p[0] for p in pairs[:n]],
        [p[1] for p in pairs[:n]],
        src_lang="fr",
        tgt_lang="vi",
        seed=seed,
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    beads = align(doc.src, doc.tgt, src_lang="fr", tgt_lang="vi")
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    s = score([doc.gold], [[(b.src_idx, b.tgt_idx) for b in beads]])
    print(
        f"synthetic pair: {len(doc.src)} x {len(doc.tgt)} sentences: {seconds:.1f} s, "
        f"peak RSS {peak / 1024:.0f} MB (process, {before / 1024:.0f} MB before aligning), "
        f"strict F1 {s.strict_f1:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--scale-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--heavy",
        action="store_true",
        help="heavier perturbation: 18%% merges, 8%% drops, 10%% noise",
    )
    args = parser.parse_args()
    if args.scale_only:
        scale_run(args.scale, args.seed)
        return

    docs = documents("test", seed=args.seed, rates=HEAVY if args.heavy else None)
    gold = [d.gold for d in docs]
    n_src = sum(len(d.src) for d in docs)
    n_tgt = sum(len(d.tgt) for d in docs)
    print(
        f"FLORES-200 dev, test split: {len(docs)} documents, {n_src} fr / {n_tgt} vi lines, "
        f"seed {args.seed}"
    )

    start = time.perf_counter()
    ours = [
        [(b.src_idx, b.tgt_idx) for b in align(d.src, d.tgt, src_lang="fr", tgt_lang="vi")]
        for d in docs
    ]
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    peer = [nltk_beads(d.src, d.tgt) for d in docs]
    peer_s = time.perf_counter() - start
    ours_score, peer_score = score(gold, ours), score(gold, peer)
    print(_line("triglot", ours_score, ours_s))
    print(_line("nltk gale_church", peer_score, peer_s))
    print(
        f"strict F1 ratio triglot/nltk: {ours_score.strict_f1 / peer_score.strict_f1:.2f}x, "
        f"time ratio: {ours_s / peer_s:.2f}x"
    )
    print("gold beads found exactly, by type: " + by_type(gold, ours))
    if args.scale:
        # A fresh process, so that its peak memory is the aligner's alone.
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--scale-only",
                "--scale",
                str(args.scale),
                "--seed",
                str(args.seed),
            ],
            check=True,
        )


if __name__ == "__main__":
    main()
