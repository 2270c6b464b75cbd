"""From an HTML page to the page text the analysis reads, with the page's own metadata.

The analysis learned pages as a scraper leaves them: one block element per line, the site's
furniture (banners, navigation, related links) included, since that is where much of the
Vietnamese residue sits. So the text is made the same way: every block element of the body
with text of its own becomes one line, in document order, and every image's ``alt`` text
becomes a line before its caption (the Vietnamese caption often lives only there). Scripts,
styles, forms and hidden elements are dropped. Metadata comes from trafilatura's
``extract_metadata`` (title, date through htmldate, canonical URL, site name) and from the
``og:`` tags and ``<html lang>`` directly.

Each line keeps its element: ``HtmlLine.path`` is the element's place in the HTML tree and
``start``/``end`` the line's offsets in the text, so a segment can be traced back to markup.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from lxml import etree, html

from service.errors import BadInputError, NotTextError, TooLargeError

_BLOCK_TAGS_NAMES = (
    "address article aside blockquote caption dd div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table "
    "tbody td tfoot th thead title tr ul details dialog"
)
BLOCK_TAGS = frozenset(_BLOCK_TAGS_NAMES.split())
_DROPPED_TAGS_NAMES = (
    "script style noscript template svg canvas iframe object embed head button select "
    "textarea input option video audio source picture map"
)
DROPPED_TAGS = frozenset(_DROPPED_TAGS_NAMES.split())
_SPACE_RE = re.compile(r"\s+")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class HtmlLine:
    """One line of the extracted text: its element's tree path and its offsets in the text."""

    text: str
    path: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """Text for the analysis (lines joined by newlines, blocks by blank lines) and metadata."""

    text: str
    lines: tuple[HtmlLine, ...]
    html: str
    charset: str
    url: str | None = None
    title: str | None = None
    date: str | None = None
    lang: str | None = None
    site_name: str | None = None
    og: dict[str, str] = field(default_factory=dict)


def decode_html(data: bytes, *, declared: str | None = None, name: str = "page") -> tuple[str, str]:
    """The text of an HTML document and the charset used: the byte order mark, else the
    charset the server declared, else the document's ``<meta charset>``, else UTF-8, else
    Windows-1258 (Vietnamese) or Windows-1252 (French) if the bytes are not UTF-8.

    Raises :class:`NotTextError` for an unknown charset or bytes that are not text.
    """
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotTextError(f"{name}: holds NUL bytes: not an HTML page")
    candidates: list[str] = []
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            candidates.append(enc)
    if declared:
        candidates.append(declared)
    if match := _META_CHARSET_RE.search(data[:4096]):
        candidates.append(match.group(1).decode("ascii"))
    candidates += ["utf-8", "windows-1258", "windows-1252"]
    for enc in candidates:
        try:
            codec = codecs.lookup(enc)
        except LookupError:
            continue  # a misspelt declaration: the next candidate decides
        try:
            return data.decode(codec.name), codec.name
        except UnicodeDecodeError:
            continue
    raise NotTextError(f"{name}: not text in any character set tried ({', '.join(candidates)})")


def looks_like_html(source: str) -> bool:
    """True when the document opens as HTML does (doctype, comment, html, head, body)."""
    head = source[:2048].lstrip("\ufeff \t\r\n").lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body", "<meta", "<!--"))


def extract(
    data: bytes,
    *,
    url: str | None = None,
    declared_charset: str | None = None,
    name: str = "page",
    max_bytes: int,
) -> HtmlPage:
    """Extract the page text and metadata of an HTML document.

    Raises :class:`TooLargeError` over ``max_bytes``, :class:`NotTextError` for bytes that are
    not text, :class:`BadInputError` for a document with no text.
    """
    if len(data) > max_bytes:
        raise TooLargeError(
            f"{name}: {len(data)} bytes is over the page size limit of {max_bytes} bytes "
            "(setting TRIGLOT_MAX_PAGE_BYTES)"
        )
    source, charset = decode_html(data, declared=declared_charset, name=name)
    if not looks_like_html(source):
        raise BadInputError(f"{name}: not an HTML document (no <html>, <head> or <body>)")
    try:
        root = html.document_fromstring(source)
    except (etree.ParserError, ValueError) as exc:
        raise BadInputError(f"{name}: HTML that cannot be parsed: {exc}") from None
    title, date, canonical, site_name = _trafilatura_meta(source, url)
    og = {
        str(m.get("property"))[3:]: _clean(m.get("content") or "")
        for m in root.iter("meta")
        if str(m.get("property") or "").startswith("og:") and m.get("content")
    }
    lang = root.get("lang") or root.get("xml:lang")
    body = root.find("body")
    blocks = _blocks(body if body is not None else root)
    lines: list[HtmlLine] = []
    parts: list[str] = []
    offset = 0
    prev_block = None
    tree = root.getroottree()
    for block_id, element, text in blocks:
        if parts:
            sep = "\n\n" if block_id != prev_block else "\n"
            parts.append(sep)
            offset += len(sep)
        parts.append(text)
        lines.append(HtmlLine(text, tree.getpath(element), offset, offset + len(text)))
        offset += len(text)
        prev_block = block_id
    text = "".join(parts)
    if not text.strip():
        raise BadInputError(f"{name}: the HTML page holds no text")
    return HtmlPage(
        text=text + "\n",
        lines=tuple(lines),
        html=source,
        charset=charset,
        url=canonical or og.get("url") or url,
        title=title or og.get("title"),
        date=date,
        lang=(lang or "").split("-")[0].lower() or None,
        site_name=site_name or og.get("site_name"),
        og=og,
    )


def _trafilatura_meta(
    source: str, url: str | None
) -> tuple[str | None, str | None, str | None, str | None]:
    from trafilatura import extract_metadata  # noqa: PLC0415 (0.3 s: only when HTML comes in)

    meta = extract_metadata(source, default_url=url)
    if meta is None:
        return None, None, None, None
    return meta.title, meta.date, meta.url, meta.sitename


def _clean(text: str) -> str:
    """One line of text: spaces collapsed, Unicode composed (NFC: legacy Vietnamese charsets
    carry tone marks as separate characters)."""
    return unicodedata.normalize("NFC", _SPACE_RE.sub(" ", text).strip())


def _blocks(root: html.HtmlElement) -> list[tuple[int, html.HtmlElement, str]]:
    """``(block id, element, text)`` for each line, in document order. A block element's own
    text (its text and inline children, not its block children) is one line; an image's alt
    text is a line of its own. Block ids change where a new top-level section starts, so
    that the text has blank lines where the page's layout has breaks."""
    out: list[tuple[int, html.HtmlElement, str]] = []
    counter = [0]

    def hidden(el: html.HtmlElement) -> bool:
        style = (el.get("style") or "").replace(" ", "").lower()
        return el.get("hidden") is not None or "display:none" in style

    def walk(el: html.HtmlElement, depth: int) -> None:
        if not isinstance(el.tag, str) or el.tag in DROPPED_TAGS or hidden(el):
            return
        if depth <= 2:
            counter[0] += 1
        inline: list[str] = [el.text or ""]

        def flush() -> None:
            text = _clean("".join(inline))
            if text:
                out.append((counter[0], el, text))
            inline.clear()

        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "img":
                flush()
                if alt := _clean(child.get("alt") or ""):
                    out.append((counter[0], child, alt))
            elif tag == "br":
                flush()
            elif tag in BLOCK_TAGS or _holds_blocks(child):
                flush()
                walk(child, depth + 1)
            elif tag and tag not in DROPPED_TAGS and not hidden(child):
                inline.append(child.text_content())
            inline.append(child.tail or "")
        flush()

    walk(root, 0)
    return out


def _holds_blocks(el: html.HtmlElement) -> bool:
    """An inline element (``<a>``, ``<span>``) wrapping block elements or images."""
    return any(
        isinstance(d.tag, str) and (d.tag in BLOCK_TAGS or d.tag == "img")
        for d in el.iterdescendants()
    )
