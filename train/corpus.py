"""The genre corpus (``corpus/``): load pages with their gold, check them.

``python -m train.corpus check [DIR ...]`` checks every page against its gold: each gold
segment's text is found on its line in order, the pieces of a line cover all its non-space
characters, every non-blank line is annotated, kinds and languages are known, pair and
cross-pair line numbers exist. It prints one line per problem and exits 1 if there is any.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aligner.langid import LANGS as PAGE_LANGS
from aligner.page import KINDS as PAGE_KINDS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS_GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"

KINDS = set(PAGE_KINDS)
LANGS = set(PAGE_LANGS)


@dataclass(frozen=True, slots=True)
class GoldSegment:
    """A gold segment resolved to code-point offsets in the page (``text[start:end]``)."""

    line: int
    start: int
    end: int
    text: str
    lang: str
    kind: str


@dataclass(slots=True)
class GoldPage:
    path: Path
    text: str
    gold: dict[str, Any]
    segments: list[GoldSegment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.gold.get("file", self.path.name))

    @property
    def site(self) -> str:
        return str(self.gold.get("site", self.path.parent.name))

    @property
    def lang(self) -> str:
        return str(self.gold.get("lang", "fr"))


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line (1-based line n is index n-1), line endings excluded."""
    spans = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        spans.append((pos, pos + len(body)))
        pos += len(raw)
    return spans


def resolve(text: str, gold: dict[str, Any]) -> tuple[list[GoldSegment], list[str]]:
    """Gold segments with offsets, and the problems found (empty when the gold is sound)."""
    spans = line_spans(text)
    problems: list[str] = []
    segments: list[GoldSegment] = []
    cursor: dict[int, int] = {}
    for n, seg in enumerate(gold.get("segments", [])):
        line = seg.get("line")
        seg_text = seg.get("text", "")
        where = f"segment {n} (line {line})"
        if not isinstance(line, int) or not 1 <= line <= len(spans):
            problems.append(f"{where}: no such line")
            continue
        if seg.get("kind") not in KINDS:
            problems.append(f"{where}: unknown kind {seg.get('kind')!r}")
        if seg.get("lang") not in LANGS:
            problems.append(f"{where}: unknown lang {seg.get('lang')!r}")
        start, end = spans[line - 1]
        from_pos = cursor.get(line, start)
        found = text.find(seg_text, from_pos, end) if seg_text else -1
        if found < 0:
            problems.append(f"{where}: text not found on the line after offset {from_pos}")
            continue
        gap = text[from_pos:found]
        if gap.strip():
            problems.append(f"{where}: unannotated characters before it: {gap.strip()[:40]!r}")
        cursor[line] = found + len(seg_text)
        segments.append(
            GoldSegment(
                line, found, found + len(seg_text), seg_text, str(seg["lang"]), str(seg["kind"])
            )
        )
    for line, (start, end) in enumerate(spans, 1):
        if not text[start:end].strip():
            continue
        if line not in cursor:
            problems.append(f"line {line}: not annotated")
        elif text[cursor[line] : end].strip():
            problems.append(
                f"line {line}: unannotated tail {text[cursor[line] : end].strip()[:40]!r}"
            )
    lines = {s.line for s in segments}
    for key in ("pairs", "cross_pairs"):
        for n, pair in enumerate(gold.get(key, [])):
            for side in ("vi_lines", "fr_lines"):
                if key == "pairs" and side == "vi_lines" and not pair.get(side):
                    problems.append(f"{key} {n}: no {side}")
                if key == "cross_pairs":
                    continue  # line numbers of two pages: checked by check_pair_pages
                for line in pair.get(side, []):
                    if line not in lines:
                        problems.append(f"{key} {n}: {side} {line} is not an annotated line")
    return segments, problems


def load(path: Path) -> GoldPage:
    text = path.read_text(encoding="utf-8")
    gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    page = GoldPage(path, text, gold)
    page.segments, page.problems = resolve(text, gold)
    return page


def pages(*dirs: Path) -> Iterator[GoldPage]:
    """Every ``*.txt`` page with a ``.json`` gold under ``dirs`` (default: the corpus)."""
    for folder in dirs or (CORPUS,):
        for path in sorted(folder.rglob("*.txt")):
            if path.with_suffix(".json").exists():
                yield load(path)


def seed_pages() -> Iterator[GoldPage]:
    """The two seeds with ``../shared/gold/seeds.json`` in the corpus' shape."""
    data = json.loads(SEEDS_GOLD.read_text(encoding="utf-8"))
    for doc in data["documents"]:
        path = ROOT / "seeds" / doc["file"]
        gold = dict(doc, site="seeds", lang="fr")
        page = GoldPage(path, path.read_text(encoding="utf-8"), gold)
        page.segments, page.problems = resolve(page.text, gold)
        yield page


def check_pair_pages(found: list[GoldPage]) -> list[str]:
    """Problems of Vietnamese originals: their French version exists, cross pairs in range."""
    by_name = {p.path.name: p for p in found}
    problems = []
    for page in found:
        other = page.gold.get("translation") or page.gold.get("original")
        if not other:
            continue
        partner = by_name.get(other)
        if partner is None:
            problems.append(f"{page.path}: its pair page {other} is missing")
            continue
        if page.lang != "vi":
            continue
        vi_lines = {s.line for s in page.segments}
        fr_lines = {s.line for s in partner.segments}
        if not page.gold.get("cross_pairs"):
            problems.append(f"{page.path}: no cross_pairs")
        for n, pair in enumerate(page.gold.get("cross_pairs", [])):
            for line in pair.get("vi_lines", []):
                if line not in vi_lines:
                    problems.append(f"{page.path}: cross_pairs {n}: vi line {line} not annotated")
            for line in pair.get("fr_lines", []):
                if line not in fr_lines:
                    problems.append(f"{page.path}: cross_pairs {n}: fr line {line} not annotated")
    return problems


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "check":
        print("usage: python -m train.corpus check [DIR ...]", file=sys.stderr)
        return 2
    dirs = [Path(a) for a in argv[1:]]
    found = list(pages(*dirs))
    problems = [f"{p.path}: {msg}" for p in found for msg in p.problems]
    problems += check_pair_pages(found)
    for msg in problems:
        print(msg)
    fr = sum(p.lang == "fr" for p in found)
    vi = sum(p.lang == "vi" for p in found)
    sites = len({p.site for p in found})
    print(f"{len(found)} pages ({fr} fr, {vi} vi) from {sites} sites, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
