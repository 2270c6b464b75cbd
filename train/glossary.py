"""Build the domain glossary shipped for review: ``glossary/data/vn_government_news_domain.csv``.

    .venv/bin/python -m train.glossary           # write the CSV
    .venv/bin/python -m train.glossary --check   # exit 1 if the CSV is not what the source gives

The source is ``train/data/glossary_domain.tsv``: one concept per row (id, fr, vi, en term
lists, a source code, a note), written by hand from the public references its source codes
name (see :data:`SOURCES`; no internet was used and no text copied). The script checks every
row (a preferred term in each of fr, vi and en; a known source; Vietnamese in NFC; ids unique),
checks that merging it into the shipped 52-concept glossary makes a valid glossary that removes
nothing, and writes the result in Triglot's lossless CSV layout, with the source in each
concept's note. The CSV is then imported as an ordinary proposal and reviewed
(``triglot glossary import glossary/data/vn_government_news_domain.csv``).
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from glossary.errors import GlossaryError
from glossary.merge import ImportPlan, merge
from glossary.model import LANGS, Concept, Glossary
from glossary.tables import read_table_import, write_table
from glossary.tsv import parse_term_list, shipped

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "train" / "data" / "glossary_domain.tsv"
OUT = ROOT / "glossary" / "data" / "vn_government_news_domain.csv"
SOURCES = {
    "party": "official name in the Communist Party of Viet Nam's documents (Party Statute, "
    "dangcongsan.vn)",
    "state": "official name under the 2013 Constitution of Viet Nam and the laws on the "
    "organisation of the State",
    "na2025": "National Assembly committees as reorganised in February 2025 (official names)",
    "gov2025": "structure of the Government approved by the National Assembly in February 2025 "
    "(14 ministries and 3 ministerial-level agencies; official names)",
    "r202": "Resolution 202/2025/QH15 of the National Assembly (12 June 2025) on the "
    "arrangement of provincial-level administrative units: 34 units from 1 July 2025",
    "official": "the organisation's or place's own official name in each language",
    "treaty": "the treaty's official title as published by its depositary",
    "days": "official holidays and commemorative days of Viet Nam",
    "common": "standard usage of the Vietnamese news agencies' French and English services "
    "(VNA, Le Courrier du Vietnam, Nhan Dan)",
}
WIKIDATA = "Wikidata item {} (labels, CC0 1.0)"


class SourceError(GlossaryError):
    """A row of the source file that breaks a rule of this glossary."""


def _source(code: str, line: int) -> str:
    if code.startswith("wd:Q") and code[4:].isdigit():
        return WIKIDATA.format(code[3:])
    if code not in SOURCES:
        raise SourceError(f"line {line}: unknown source {code!r}")
    return SOURCES[code]


def read_source(text: str) -> list[Concept]:
    """The concepts of the source file, each note ending with ``source: ...``."""
    concepts = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 6:
            raise SourceError(f"line {number}: expected 6 tab-separated cells, found {len(cells)}")
        concept_id, *lists, code, note = (c.strip() for c in cells)
        try:
            terms = [
                t
                for lang, cell in zip(LANGS, lists, strict=True)
                for t in parse_term_list(cell, lang)
            ]
            concept = Concept(
                concept_id,
                tuple(terms),
                "; ".join(part for part in (note, f"source: {_source(code, number)}") if part),
            )
        except SourceError:
            raise
        except GlossaryError as exc:
            raise SourceError(f"line {number}: {exc}") from None
        for term in terms:
            if unicodedata.normalize("NFC", term.text) != term.text:
                raise SourceError(f"line {number}: {term.text!r} is not in NFC")
        missing = [lang for lang in LANGS if concept.preferred(lang) is None]
        if missing:
            raise SourceError(f"line {number}: {concept_id} has no preferred {missing} term")
        concepts.append(concept)
    return concepts


def build() -> tuple[str, ImportPlan]:
    """The CSV text and the proposal it makes against the shipped glossary."""
    base = shipped()
    domain = Glossary(base.name, tuple(read_source(SOURCE.read_text(encoding="utf-8"))))
    text = write_table(domain)
    plan = merge(base, read_table_import(text, name=base.name))
    if plan.removed:
        raise SourceError(f"the domain glossary would remove {list(plan.removed)}")
    return text, plan


def main(argv: list[str]) -> int:
    text, plan = build()
    counts = ", ".join(f"{n} {what}" for what, n in plan.counts().items())
    total = len(plan.glossary.concepts)
    if "--check" in argv:
        if not OUT.exists() or OUT.read_bytes() != text.encode("utf-8"):
            print(f"{OUT.relative_to(ROOT)} is out of date: run python -m train.glossary")
            return 1
        print(f"{OUT.relative_to(ROOT)} is up to date ({counts}; {total} concepts after import)")
        return 0
    OUT.write_text(text, encoding="utf-8", newline="")
    print(f"wrote {OUT.relative_to(ROOT)}: {counts}; {total} concepts after import")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
