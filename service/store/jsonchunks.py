"""JSON for the database's JSON columns, encoded and decoded a piece at a time.

A 100,000-concept glossary version is a JSON document of about 15 MB. The standard library's
C encoder and decoder hold the GIL for the whole of it (a few hundred ms, more on a busy
machine), so while a worker thread stores or reads one, the event loop cannot answer even
``/health``. These functions give exactly what :func:`json.dumps` and :func:`json.loads` give
(the same text; the same value), but call the C code once per element of the top-level
arrays (or per slice of them), so the interpreter can switch threads between pieces.
"""

from __future__ import annotations

import json
import re
from typing import Any

SMALL = 1 << 16
"""Documents shorter than this (characters) are done in one call."""
SLICE = 200
"""Array elements encoded per call."""
_encode = json.JSONEncoder().encode  # json.dumps with its defaults
_decoder = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


def dumps(value: Any, *, slice_size: int = SLICE) -> str:
    """``json.dumps(value)``, its arrays (top level, or values of a top-level object with
    string keys) encoded ``slice_size`` elements at a time."""
    if isinstance(value, list) and len(value) > slice_size:
        parts = (_encode(value[k : k + slice_size])[1:-1] for k in range(0, len(value), slice_size))
        return "[" + ", ".join(parts) + "]"
    if (
        isinstance(value, dict)
        and all(isinstance(k, str) for k in value)
        and any(isinstance(v, list) and len(v) > slice_size for v in value.values())
    ):
        items = (f"{_encode(k)}: {dumps(v, slice_size=slice_size)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    return _encode(value)


def loads(text: str | bytes, *, small: int = SMALL) -> Any:
    """``json.loads(text)``; a long document is decoded one top-level value (or element of
    a top-level array, or of an array that a top-level key holds) at a time."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8")
    if len(text) < small:
        return json.loads(text)
    value, pos = _value(text, _skip(text, 0), depth=0)
    end = _skip(text, pos)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return value


def _skip(text: str, pos: int) -> int:
    """The position after the white space at ``pos``."""
    found = _WS.match(text, pos)
    return found.end() if found is not None else pos


def _value(text: str, pos: int, *, depth: int) -> tuple[Any, int]:
    opener = text[pos : pos + 1]
    if depth >= 2 or opener not in ("[", "{"):
        return _decoder.raw_decode(text, pos)
    closer = "]" if opener == "[" else "}"
    items: list[Any] = []
    pairs: dict[str, Any] = {}
    pos = _skip(text, pos + 1)
    if text[pos : pos + 1] == closer:
        return (items if opener == "[" else pairs), pos + 1
    while True:
        if opener == "[":
            item, pos = _value(text, pos, depth=depth + 1)
            items.append(item)
        else:
            if text[pos : pos + 1] != '"':
                raise json.JSONDecodeError(
                    "Expecting property name enclosed in double quotes", text, pos
                )
            key, pos = _decoder.raw_decode(text, pos)
            pos = _skip(text, pos)
            if text[pos : pos + 1] != ":":
                raise json.JSONDecodeError("Expecting ':' delimiter", text, pos)
            pairs[key], pos = _value(text, _skip(text, pos + 1), depth=depth + 1)
        pos = _skip(text, pos)
        sep = text[pos : pos + 1]
        if sep == closer:
            return (items if opener == "[" else pairs), pos + 1
        if sep != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        pos = _skip(text, pos + 1)
