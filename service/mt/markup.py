"""HTML whose text nodes are translated while the markup is kept byte for byte."""

from __future__ import annotations

import html
from collections.abc import Callable
from html.parser import HTMLParser

_RAW_TEXT = {"script", "style", "code", "pre", "textarea"}


class _Splitter(HTMLParser):
    """Splits HTML into markup pieces (kept as written) and text pieces (to translate)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[bool, str]] = []  # (is_text, content)
        self._raw_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pieces.append((False, self.get_starttag_text() or ""))
        if tag in _RAW_TEXT:
            self._raw_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pieces.append((False, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self.pieces.append((False, f"</{tag}>"))
        if tag in _RAW_TEXT and self._raw_depth:
            self._raw_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._raw_depth:
            self.pieces.append((False, data))
        else:
            self.pieces.append((True, data))

    def handle_comment(self, data: str) -> None:
        self.pieces.append((False, f"<!--{data}-->"))

    def handle_decl(self, decl: str) -> None:
        self.pieces.append((False, f"<!{decl}>"))

    def handle_pi(self, data: str) -> None:
        self.pieces.append((False, f"<?{data}>"))


def translate_html(source: str, translate: Callable[[list[str]], list[str]]) -> str:
    """``source`` with each non-blank text node replaced by its translation.

    ``translate`` receives all text nodes (white space around them trimmed) in one call, so
    they are translated as one batch; leading and trailing white space is put back.
    """
    parser = _Splitter()
    parser.feed(source)
    parser.close()
    texts = [(i, c) for i, (is_text, c) in enumerate(parser.pieces) if is_text and c.strip()]
    translated = translate([" ".join(c.split()) for _, c in texts]) if texts else []
    out = [c if not is_text else html.escape(c, quote=False) for is_text, c in parser.pieces]
    for (i, original), new in zip(texts, translated, strict=True):
        lead = original[: len(original) - len(original.lstrip())]
        trail = original[len(original.rstrip()) :]
        out[i] = lead + html.escape(new, quote=False) + trail
    return "".join(out)
