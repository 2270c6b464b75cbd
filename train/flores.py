"""FLORES-200 dev as documents: articles concatenated to ~40 sentences, split for tuning.

Articles with an even index are the *tune* split (used to set ``AlignParams`` defaults); odd
ones are the *test* split that the benchmark reports. Documents never mix the two.
"""

from __future__ import annotations

from pathlib import Path

from aligner.evaluation import PerturbedPair, Rates, perturb

FLORES = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "flores200-dev"


def load_articles(folder: Path = FLORES) -> list[list[tuple[str, str, str]]]:
    """Articles as lists of (fr, vi, en) sentences, in file order."""
    fr = (folder / "dev.fra").read_text(encoding="utf-8").splitlines()
    vi = (folder / "dev.vie").read_text(encoding="utf-8").splitlines()
    en = (folder / "dev.eng").read_text(encoding="utf-8").splitlines()
    urls = [
        row.split("\t")[0]
        for row in (folder / "metadata_dev.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    articles: list[list[tuple[str, str, str]]] = []
    previous = None
    for url, f, v, e in zip(urls, fr, vi, en, strict=True):
        if url != previous:
            articles.append([])
            previous = url
        articles[-1].append((f, v, e))
    return articles


HEAVY = Rates(merge=0.15, merge3=0.03, drop=0.08, noise=0.10)
"""Heavier perturbation: 18% merges, 8% drops and 10% noise per side."""


def documents(
    split: str, *, size: int = 40, seed: int = 13, rates: Rates | None = None
) -> list[PerturbedPair]:
    """Perturbed fr->vi document pairs of about ``size`` sentences from one split."""
    articles = load_articles()
    chosen = articles[0::2] if split == "tune" else articles[1::2]
    docs: list[PerturbedPair] = []
    current: list[tuple[str, str, str]] = []
    for article in chosen:
        current.extend(article)
        if len(current) >= size:
            docs.append(_perturb(current, seed + len(docs), rates))
            current = []
    if current:
        docs.append(_perturb(current, seed + len(docs), rates))
    return docs


def _perturb(
    sentences: list[tuple[str, str, str]], seed: int, rates: Rates | None
) -> PerturbedPair:
    return perturb(
        [s[0] for s in sentences],
        [s[1] for s in sentences],
        src_lang="fr",
        tgt_lang="vi",
        seed=seed,
        rates=rates,
    )
