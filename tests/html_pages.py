"""HTML versions of the genre corpus pages, in three outlets' markup styles, for the HTML and
URL ingestion tests (written from the corpus text and its gold: nothing is copied from a real
page).

Styles: ``figure`` (a news CMS with ``<figure>``/``<figcaption>`` and a ``sapo`` lead, as the
large outlets' French editions use), ``table`` (an older CMS that puts each photo and its
caption in a table) and ``legend`` (photos in a ``div`` with a ``p.legend`` caption). A glued
caption line of the text (Vietnamese alt text glued to the French caption) becomes what it was
before the scraper glued it: the image's ``alt`` and its caption element.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

STYLES = ("figure", "table", "legend")
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def corpus_pages() -> list[tuple[Path, dict[str, Any]]]:
    """Every corpus page with its gold, in a stable order."""
    out = []
    for txt in sorted(CORPUS.rglob("*.txt")):
        gold = json.loads(txt.with_suffix(".json").read_text(encoding="utf-8"))
        out.append((txt, gold))
    return out


def style_for(path: Path) -> str:
    """A stable style per site (the same outlet always looks the same)."""
    site = path.parent.name
    return STYLES[sum(map(ord, site)) % len(STYLES)]


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def page_html(
    text: str,
    gold: dict[str, Any],
    *,
    style: str,
    page_url: str | None = None,
    charset: str = "utf-8",
) -> str:
    """The page as HTML in ``style``; ``page_url`` goes into the canonical link."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for seg in gold["segments"]:
        by_line.setdefault(seg["line"], []).append(seg)
    lang = gold.get("lang", "fr")
    meta = gold.get("meta", {})
    head = [f'<meta charset="{charset}">', f"<title>{_e(meta.get('title_' + lang) or '')}</title>"]
    if page_url:
        head.append(f'<link rel="canonical" href="{_e(page_url)}">')
        head.append(f'<meta property="og:url" content="{_e(page_url)}">')
    if meta.get("date"):
        head.append(f'<meta property="article:published_time" content="{meta["date"]}">')
    body: list[str] = []
    section: list[str] = []
    for block in _blocks(text):
        parts: list[str] = []
        for line_no in block:
            parts.extend(_line_html(by_line.get(line_no, []), style))
        section.append("\n".join(parts))
    body.append('<header class="site-header">' + section[0] + "</header>" if section else "")
    body.append(f'<main><article class="article-{style}">')
    body.extend(f'<div class="block">{s}</div>' for s in section[1:])
    body.append("</article></main>")
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head>{"".join(head)}'
        "<script>window.dataLayer=[];</script><style>.x{color:red}</style></head>\n"
        f"<body>\n{chr(10).join(body)}\n</body></html>\n"
    )


def _blocks(text: str) -> list[list[int]]:
    blocks: list[list[int]] = []
    current: list[int] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            current.append(line_no)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _line_html(segments: list[dict[str, Any]], style: str) -> list[str]:
    if not segments:
        return []
    kinds = {s["kind"] for s in segments}
    if kinds == {"caption"} and len(segments) == 2 and segments[0]["lang"] != segments[1]["lang"]:
        alt, caption = segments[0]["text"], segments[1]["text"]
        return [_photo(alt, caption, style)]
    return [_element(seg, style) for seg in segments]


def _photo(alt: str, caption: str, style: str) -> str:
    img = f'<img src="/media/photo.jpg" alt="{_e(alt)}" width="800" height="450">'
    if style == "figure":
        return f"<figure>{img}<figcaption>{_e(caption)}</figcaption></figure>"
    if style == "table":
        return (
            f'<table class="image"><tbody><tr><td>{img}</td></tr>'
            f'<tr><td class="caption">{_e(caption)}</td></tr></tbody></table>'
        )
    return f'<div class="photo">{img}<p class="legend">{_e(caption)}</p></div>'


def _element(seg: dict[str, Any], style: str) -> str:
    text = _e(seg["text"])
    kind = seg["kind"]
    if kind == "headline":
        return f'<h1 class="title">{text}</h1>'
    if kind == "lead":
        return f'<p class="sapo"><strong>{text}</strong></p>'
    if kind == "caption":
        return (
            _photo("", seg["text"], style)
            if style != "figure"
            else (f"<figure><figcaption>{text}</figcaption></figure>")
        )
    if kind == "related":
        return f'<ul class="related"><li><a href="/related.html">{text}</a></li></ul>'
    if kind == "boilerplate":
        return f'<nav class="menu"><span>{text}</span></nav>'
    if kind in ("banner", "byline", "credit"):
        return f'<div class="{kind}">{text}</div>'
    return f"<p>{text}</p>"
