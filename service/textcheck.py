"""Characters no text input may hold: C0 controls (but tab, line feed, form feed and carriage
return), DEL, and lone surrogates (which cannot be stored as UTF-8). Refused at the edge with
the field, the character and its place, so they never reach the models or the database."""

from __future__ import annotations

import re

_BAD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff]")


def text_problem(value: str, field: str) -> str | None:
    """What is wrong with ``value`` as text, naming ``field``; None if nothing is."""
    found = _BAD.search(value)
    if found is None:
        return None
    code = ord(found.group())
    what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    return f"{field}: {what} U+{code:04X} at character {found.start()}"
