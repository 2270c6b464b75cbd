"""Glossary files as import proposals, shared by the upload route and ``triglot glossary
import``: parse the file (csv, tsv or tbx), merge it into the current version (or replace it),
and say what the proposal does in numbers before anyone reviews it."""

from __future__ import annotations

from typing import Any

from glossary import Glossary, GlossaryError
from glossary.merge import ImportPlan, Incoming, merge
from glossary.tables import read_table_import
from glossary.tbx import read_tbx_import
from service.errors import BadInputError, TooLargeError

FORMATS = ("csv", "tsv", "tbx")


def parse_import(data: bytes, *, name: str, fmt: str, pair: str | None, max_bytes: int) -> Incoming:
    """A glossary file (csv, tsv or tbx) read for import into the glossary ``name``."""
    if len(data) > max_bytes:
        raise TooLargeError(
            f"file: {len(data)} bytes is over the glossary size limit of {max_bytes} bytes "
            "(TRIGLOT_MAX_GLOSSARY_BYTES)"
        )
    if fmt not in FORMATS:
        raise BadInputError(f"format: {fmt!r} is not csv, tsv or tbx")
    try:
        if fmt == "tbx":
            if pair:
                raise BadInputError("pair: only for two-column csv or tsv files")
            return read_tbx_import(data, name=name)
        text = data.decode("utf-8")
        langs = [lang.strip() for lang in pair.split(",")] if pair else None
        if langs is not None and len(langs) != 2:
            raise BadInputError("pair: give two language codes, e.g. fr,en")
        return read_table_import(
            text,
            name=name,
            delimiter="," if fmt == "csv" else "\t",
            pair=(langs[0], langs[1]) if langs else None,
        )
    except UnicodeDecodeError as exc:
        raise BadInputError(f"file: not UTF-8 (byte {exc.start})") from None
    except GlossaryError as exc:
        raise BadInputError(f"file: {exc}") from None


def plan_import(current: Glossary, incoming: Incoming, *, replace: bool) -> ImportPlan:
    """The proposal an import makes; a file that cannot merge is refused with the reason."""
    try:
        return merge(current, incoming, replace=replace)
    except GlossaryError as exc:
        raise BadInputError(f"file: {exc}") from None


def plan_json(plan: ImportPlan, *, warning_share: float) -> dict[str, Any]:
    """``{"mode", "counts", "warning"}`` of a plan (the warning is null when there is none)."""
    return {
        "mode": "replace" if plan.replace else "merge",
        "counts": plan.counts(),
        "warning": plan.warning(warning_share),
    }


def describe(plan: ImportPlan, *, warning_share: float) -> str:
    """One line for people: ``merge: 3 created, 1 updated, 0 unchanged, 0 removed (48
    untouched)``, then the warning on a line of its own when there is one."""
    c = plan.counts()
    line = (
        f"{'replace' if plan.replace else 'merge'}: {c['created']} created, {c['updated']} "
        f"updated, {c['unchanged']} unchanged, {c['removed']} removed"
        + (f" ({c['untouched']} untouched)" if not plan.replace else "")
    )
    warning = plan.warning(warning_share)
    return line + (f"\nwarning: {warning}" if warning else "")
