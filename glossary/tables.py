"""CSV and TSV glossaries: a lossless status-aware layout, and the layouts DeepL and Google
Cloud Translation read.

- **Triglot's layout** (what export writes): a header row, then one concept per row::

      id, fr, fr_admitted, fr_forbidden, vi, vi_admitted, vi_forbidden,
      en, en_admitted, en_forbidden, case_sensitive, note

  ``fr`` holds the preferred French term (at most one); ``fr_admitted`` and ``fr_forbidden``
  hold any number of terms, one per line inside the cell (a quoted cell with line breaks, as
  spreadsheets write Alt+Enter); ``case_sensitive`` lists the case-sensitive terms of the
  concept, one per line, each as ``lang:term`` (``fr:ONU``); ``note`` is the concept's note,
  kept exactly. Any ISO 639 code may be a language column (except ``id``, which names the
  concept ids). Columns may come in any order and any may be left out: a file speaks only for
  the languages it has columns for.
- **Google's equivalent term sets**: the same header with language codes only (``fr,vi,en``,
  optionally ``id`` and ``note``): preferred terms only.
- **DeepL's two columns**: ``source,target`` per row, languages given by the caller, no
  header: preferred terms only.

Spreadsheet formula injection (OWASP "CSV injection"): a written cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a ``'`` in front, as does a cell that
starts with ``'`` followed by one of those or by another ``'``. Reading removes a leading
``'`` exactly when the next character is one of those or ``'``, so what export added is
removed, a term that really starts with ``'`` (``'t Hooft``) is read as written, and every
glossary comes back as it went out.

Import is all or nothing: the first problem raises :class:`ParseError` with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from glossary.errors import GlossaryError, InvalidGlossaryError, ParseError
from glossary.merge import Incoming
from glossary.model import LANGS, Concept, Glossary, Status, Term

MAX_BYTES = 20_000_000
"""Hard cap of the pure reader (as TBX); the service applies TRIGLOT_MAX_GLOSSARY_BYTES first."""
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_STATUS_SUFFIX: dict[str, Status] = {"_admitted": "admitted", "_forbidden": "forbidden"}
_LINES = re.compile(r"\r\n|\r|\n")
_LANG_RE = re.compile(r"[a-z]{2,3}")


def neutralise(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet (see the module docstring)."""
    if cell[:1] in _TRIGGERS or (cell[:1] == "'" and cell[1:2] in (*_TRIGGERS, "'")):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """The inverse of :func:`neutralise`."""
    if cell[:1] == "'" and cell[1:2] in (*_TRIGGERS, "'"):
        return cell[1:]
    return cell


def _reader(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Non-empty rows with the line each starts on."""
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
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


def _split(cell: str) -> list[str]:
    return [piece.strip() for piece in _LINES.split(cell) if piece.strip()]


def _column(name: str) -> tuple[str, Status | None] | None:
    """``fr`` -> (fr, preferred); ``fr_admitted`` -> (fr, admitted); else None."""
    for suffix, status in _STATUS_SUFFIX.items():
        if name.endswith(suffix) and _LANG_RE.fullmatch(name.removesuffix(suffix)):
            return name.removesuffix(suffix), status
    if _LANG_RE.fullmatch(name) and name != "id":
        return name, "preferred"
    return None


def _header(header_line: int, header: list[str]) -> list[str]:
    columns = [h.strip().lower() for h in header]
    unknown = [c for c in columns if c not in ("id", "note", "case_sensitive") and not _column(c)]
    if unknown:
        raise ParseError(
            f"header names unknown columns {unknown}: use language codes such as "
            f"{', '.join(LANGS)} (and fr_admitted, fr_forbidden, ...) and optionally id, "
            "case_sensitive, note",
            line=header_line,
        )
    if not any(_column(c) for c in columns):
        raise ParseError("header names no language column", line=header_line)
    if len(set(columns)) != len(columns):
        raise ParseError("header repeats a column", line=header_line)
    return columns


def _row_terms(
    cells: dict[str, str], specs: list[tuple[str, str, Status]], line: int
) -> list[Term]:
    """The terms of one row; ``specs``: (column, language, status) of the term columns."""
    terms: list[Term] = []
    for name, lang, status in specs:
        cell = cells[name]
        if not cell.strip():
            continue
        texts = _split(cell)
        if status == "preferred" and len(texts) > 1:
            raise ParseError(
                f"{len(texts)} preferred {lang} terms in column {name}: keep one, put the "
                f"others in {lang}_admitted",
                line=line,
            )
        terms += [Term(text, lang, status) for text in texts]
    sensitive = _split(cells.get("case_sensitive", ""))
    for entry in sensitive:
        lang, _, text = entry.partition(":")
        k = next(
            (k for k, t in enumerate(terms) if t.lang == lang.strip() and t.text == text.strip()),
            None,
        )
        if k is None:
            raise ParseError(
                f"case_sensitive: {entry!r} is not one of the row's terms (write lang:term)",
                line=line,
            )
        t = terms[k]
        terms[k] = Term(t.text, t.lang, t.status, case_sensitive=True)
    return terms


def read_table_import(
    text: str,
    *,
    name: str,
    delimiter: str = ",",
    pair: tuple[str, str] | None = None,
) -> Incoming:
    """Parse a CSV (``delimiter=","``) or TSV (``"\\t"``) glossary for import.

    With ``pair`` the file is two-column (DeepL); without, its first row names the columns.
    """
    _check_size(text)
    rows = _reader(text.removeprefix("\ufeff"), delimiter)
    if not rows:
        raise ParseError("the file holds no terms")
    if pair is not None:
        for lang in pair:
            if not _LANG_RE.fullmatch(lang) or lang == "id":
                raise ParseError(f"pair: {lang!r} is not a language code such as fr, vi, en")
        if pair[0] == pair[1]:
            raise ParseError("pair: give two different languages")
        columns = list(pair)
        body = rows
    else:
        columns = _header(*rows[0])
        body = rows[1:]
    specs = [
        (name, col[0], col[1] or "preferred")
        for name in columns
        if (col := _column(name)) is not None
    ]
    concepts: list[Concept] = []
    taken: set[str] = set()
    owner: dict[tuple[str, str], int] = {}
    for line, row in body:
        if len(row) != len(columns):
            raise ParseError(f"expected {len(columns)} cells, found {len(row)}", line=line)
        cells = dict(zip(columns, (restore(cell) for cell in row), strict=True))
        try:
            terms = _row_terms(cells, specs, line)
            if not terms:
                raise ParseError("a row with no term", line=line)
            for term in terms:
                if term.status == "forbidden":
                    continue
                key = (term.lang, term.text.casefold())
                if key in owner:
                    raise ParseError(
                        f"duplicate {term.lang} term {term.text!r} (first on line {owner[key]})",
                        line=line,
                    )
                owner[key] = line
            raw_id = cells.get("id", "").strip()
            if raw_id:
                if raw_id in taken:
                    raise ParseError(f"duplicate concept id {raw_id!r}", line=line)
                taken.add(raw_id)
                concept_id = raw_id
            else:
                concept_id = _unique_id(_slug(terms[-1].text), taken)
            concepts.append(Concept(concept_id, tuple(terms), cells.get("note", "")))
        except ParseError:
            raise
        except GlossaryError as exc:
            raise ParseError(str(exc), line=line) from None
    if not concepts:
        raise ParseError("the file holds no terms")
    try:
        glossary = Glossary(name, tuple(concepts))
    except GlossaryError as exc:
        raise ParseError(str(exc)) from None
    cols = [c for c in (_column(name) for name in columns) if c is not None]
    return Incoming(
        glossary,
        langs=tuple(dict.fromkeys(lang for lang, _status in cols)),
        ids="id" in columns,
        notes="note" in columns,
        statuses=frozenset((lang, status or "preferred") for lang, status in cols),
        cases="case_sensitive" in columns,
    )


def read_table(
    text: str,
    *,
    name: str,
    delimiter: str = ",",
    pair: tuple[str, str] | None = None,
) -> Glossary:
    """The glossary of a CSV/TSV file (see :func:`read_table_import`)."""
    return read_table_import(text, name=name, delimiter=delimiter, pair=pair).glossary


def table_langs(glossary: Glossary) -> list[str]:
    """fr, vi, en, then the other languages of ``glossary`` in alphabetical order."""
    others = sorted({t.lang for c in glossary.concepts for t in c.terms} - set(LANGS))
    return [*LANGS, *others]


def write_table(
    glossary: Glossary,
    *,
    delimiter: str = ",",
    langs: Sequence[str] | None = None,
    pair: tuple[str, str] | None = None,
) -> str:
    """The glossary as CSV/TSV in Triglot's layout (every term, status, case sensitivity,
    note and id: reading it back gives the same glossary), or two-column for ``pair``
    (preferred terms of the concepts that have both)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")  # RFC 4180
    if pair is not None:
        for concept in glossary.concepts:
            src, tgt = concept.preferred(pair[0]), concept.preferred(pair[1])
            if src is not None and tgt is not None:
                writer.writerow([neutralise(src.text), neutralise(tgt.text)])
        return out.getvalue()
    langs = list(langs) if langs is not None else table_langs(glossary)
    if "id" in langs:
        raise InvalidGlossaryError(
            "terms in language 'id' cannot have a CSV/TSV column (id names concept ids): "
            "export as TBX"
        )
    header = ["id"]
    for lang in langs:
        header += [lang, f"{lang}_admitted", f"{lang}_forbidden"]
    writer.writerow([*header, "case_sensitive", "note"])
    for concept in glossary.concepts:
        cells = [concept.id]
        for lang in langs:
            for status in ("preferred", "admitted", "forbidden"):
                cells.append("\n".join(t.text for t in concept.in_lang(lang) if t.status == status))
        cells.append(
            "\n".join(
                f"{t.lang}:{t.text}" for t in concept.terms if t.case_sensitive and t.lang in langs
            )
        )
        cells.append(concept.note)
        writer.writerow([neutralise(cell) for cell in cells])
    return out.getvalue()
