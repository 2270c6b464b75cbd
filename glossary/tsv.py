"""The shipped glossary's TSV form (see ``glossary/data/vn_government_news.tsv``)."""

from __future__ import annotations

from importlib.resources import files

from glossary.errors import GlossaryError, ParseError
from glossary.model import LANGS, Concept, Glossary, Status, Term


def parse_term_list(cell: str, lang: str) -> list[Term]:
    """``Preferred | ~admitted | !forbidden | =CaseSensitive`` -> terms."""
    terms = []
    for raw in cell.split(" | "):
        text = raw.strip()
        if not text:
            continue
        status: Status = "preferred"
        case_sensitive = False
        while text[:1] in ("~", "!", "="):
            mark, text = text[0], text[1:]
            if mark == "~":
                status = "admitted"
            elif mark == "!":
                status = "forbidden"
            else:
                case_sensitive = True
        terms.append(Term(text, lang, status, case_sensitive))
    return terms


def parse(text: str, *, name: str) -> Glossary:
    """A glossary from the TSV text; errors name the line."""
    concepts = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) not in (4, 5):
            raise ParseError(
                f"expected 4 or 5 tab-separated cells, found {len(cells)}", line=number
            )
        try:
            terms = [
                t
                for lang, cell in zip(LANGS, cells[1:4], strict=True)
                for t in parse_term_list(cell, lang)
            ]
            concepts.append(
                Concept(cells[0].strip(), tuple(terms), cells[4].strip() if len(cells) > 4 else "")
            )
        except GlossaryError as exc:
            raise ParseError(str(exc), line=number) from None
    return Glossary(name, tuple(concepts))


def shipped() -> Glossary:
    """Triglot's domain glossary of Vietnamese government news."""
    data = files("glossary").joinpath("data/vn_government_news.tsv").read_text(encoding="utf-8")
    return parse(data, name="vn-government-news")
