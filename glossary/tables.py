"""CSV and TSV glossaries, as DeepL and Google Cloud Translation read them.

- two columns, one language pair (DeepL): ``source,target`` per row, languages given by the
  caller; no header;
- multi-column with a header row of language codes (Google's equivalent term sets):
  ``fr,vi,en`` then one concept per row (an empty cell: no term in that language); extra
  columns named ``id`` and ``note`` are read when present.

Import is all or nothing: the first problem raises :class:`ParseError` with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from glossary.errors import GlossaryError, ParseError
from glossary.model import LANGS, Concept, Glossary, Term

MAX_BYTES = 5_000_000


def _reader(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    rows = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ParseError(
            f"malformed {'TSV' if delimiter == chr(9) else 'CSV'}: {exc}", line=reader.line_num
        ) from None
    return rows


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-") or "concept"


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _check_size(data: str) -> None:
    size = len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        raise ParseError(f"{size} bytes is over the glossary size limit of {MAX_BYTES} bytes")


def read_table(
    text: str,
    *,
    name: str,
    delimiter: str = ",",
    pair: tuple[str, str] | None = None,
) -> Glossary:
    """Parse a CSV (``delimiter=","``) or TSV (``"\\t"``) glossary.

    With ``pair`` the file is two-column (DeepL); without, its first row names the languages.
    """
    _check_size(text)
    rows = _reader(text.removeprefix("\ufeff"), delimiter)
    if not rows:
        raise ParseError("the file holds no terms")
    if pair is not None:
        columns = list(pair)
        body = rows
    else:
        header_line, header = rows[0]
        columns = [h.strip().lower() for h in header]
        unknown = [c for c in columns if c not in (*LANGS, "id", "note")]
        if unknown:
            raise ParseError(
                f"header names unknown columns {unknown}: use language codes "
                f"({', '.join(LANGS)}) and optionally id, note",
                line=header_line,
            )
        if not set(columns) & set(LANGS):
            raise ParseError("header names no language column", line=header_line)
        if len(set(columns)) != len(columns):
            raise ParseError("header repeats a column", line=header_line)
        body = rows[1:]
    concepts: list[Concept] = []
    taken: set[str] = set()
    owner: dict[tuple[str, str], int] = {}
    for line, row in body:
        if len(row) != len(columns):
            raise ParseError(f"expected {len(columns)} cells, found {len(row)}", line=line)
        cells = dict(zip(columns, row, strict=True))
        try:
            terms = tuple(
                Term(cells[lang].strip(), lang)
                for lang in columns
                if lang in LANGS and cells[lang].strip()
            )
            if not terms:
                raise ParseError("a row with no term", line=line)
            for term in terms:
                key = (term.lang, term.text.casefold())
                if key in owner:
                    raise ParseError(
                        f"duplicate {term.lang} term {term.text!r} (first on line {owner[key]})",
                        line=line,
                    )
                owner[key] = line
            raw_id = cells.get("id", "").strip()
            concept_id = _unique_id(_slug(raw_id or terms[-1].text), taken)
            concepts.append(Concept(concept_id, terms, cells.get("note", "").strip()))
        except ParseError:
            raise
        except GlossaryError as exc:
            raise ParseError(str(exc), line=line) from None
    if not concepts:
        raise ParseError("the file holds no terms")
    try:
        return Glossary(name, tuple(concepts))
    except GlossaryError as exc:
        raise ParseError(str(exc)) from None


def write_table(
    glossary: Glossary,
    *,
    delimiter: str = ",",
    langs: Sequence[str] = LANGS,
    pair: tuple[str, str] | None = None,
) -> str:
    """The glossary as CSV/TSV: multi-column with a header (``id``, languages, ``note``), or
    two-column for ``pair`` (preferred terms of concepts that have both)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    if pair is not None:
        for concept in glossary.concepts:
            src, tgt = concept.preferred(pair[0]), concept.preferred(pair[1])
            if src is not None and tgt is not None:
                writer.writerow([src.text, tgt.text])
        return out.getvalue()
    writer.writerow(["id", *langs, "note"])
    for concept in glossary.concepts:
        cells = []
        for lang in langs:
            term = concept.preferred(lang)
            cells.append(term.text if term is not None else "")
        writer.writerow([concept.id, *cells, concept.note])
    return out.getvalue()
