"""Page analysis: split a news page into segments, each with a kind, a language and offsets.

Input is the plain text of a page as it was extracted from HTML, one block element per line,
with blank lines where images or breaks were. The French editions of Vietnamese outlets keep
Vietnamese residue (image alt text repeating the Vietnamese headline with ``- Ảnh N.``, bylines
glued to dates, site banners, a ``Source:`` URL whose slug is the Vietnamese headline); the
analysis marks each of them so the aligner can pair them with the French text.

Segments are the page's non-blank lines, or the pieces of a line where the scraper glued two
elements of different kind or language (:mod:`aligner.glue`). ``page.text[seg.start:seg.end]
== seg.text`` always holds; offsets are code-point indices into the text as given (line endings
untouched).

Kinds come from a learned sequence labeller (:mod:`aligner.labeller`, a CRF over line
features, trained on the genre corpus) whose features include what the genre rules below say;
the rules alone decide only where they are certain: ``Source:`` lines, numbered photo residue
(``... - Ảnh 3.``), exact interface labels and a credit alone on its line; texts under
:data:`MIN_LABELLER_LINES` lines keep the rules' kinds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Literal

from aligner.errors import EmptyInputError
from aligner.glue import pieces
from aligner.labeller import Features, Labeller, default_labeller
from aligner.labels import match_label
from aligner.langid import (
    Lang,
    LangGuess,
    classify_statistical,
    identify,
    identify_many,
    slug_lang,
)
from aligner.meta import (
    UrlInfo,
    date_from_article_id,
    find_date,
    outlet_for_host,
    parse_url,
)
from aligner.text import fold, folded_words, word_pattern, words

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

Kind = Literal[
    "headline",
    "lead",
    "paragraph",
    "caption",
    "credit",
    "byline",
    "banner",
    "source",
    "related",
    "boilerplate",
]
KINDS: tuple[Kind, ...] = (
    "headline",
    "lead",
    "paragraph",
    "caption",
    "credit",
    "byline",
    "banner",
    "source",
    "related",
    "boilerplate",
)


@dataclass(frozen=True, slots=True)
class Segment:
    """One non-blank line of a page, or one piece of a glued line (then several segments share
    ``line``).

    ``idx`` is the segment's position (0-based), ``line`` the 1-based line number in the page.
    ``base_text`` is a caption's text without a trailing photo number (``- Ảnh 3.``) or photo
    credit (``. Ảnh: TTXVN``), set on captions that carry one, and ``photo_no`` that number.
    ``repeat_group`` points into :attr:`Page.repeats` when the same caption text occurs more
    than once.
    """

    idx: int
    text: str
    start: int
    end: int
    line: int
    kind: Kind
    lang: Lang
    base_text: str | None = None
    photo_no: int | None = None
    repeat_group: int | None = None


@dataclass(frozen=True, slots=True)
class RepeatGroup:
    """One caption text that occurs several times on the page (at ``segments``)."""

    idx: int
    text: str
    lang: Lang
    segments: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What the page says about itself. Dates are ISO 8601 (``YYYY-MM-DD``)."""

    lang: Lang
    source_url: str | None = None
    host: str | None = None
    slug: str | None = None
    slug_words: tuple[str, ...] = ()
    article_id: str | None = None
    outlet: str | None = None
    date: str | None = None
    author: str | None = None
    titles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Page:
    """A page's text, metadata, segments in page order, and repeated-caption groups."""

    text: str
    meta: PageMeta
    segments: tuple[Segment, ...]
    repeats: tuple[RepeatGroup, ...]


# --- patterns of the genre -----------------------------------------------------------------

SOURCE_RE = re.compile(
    r"^\s*(?:Source|Sources|Nguồn|Nguồn bài viết|Bài gốc|Lien|Lien de l['’]article|"
    r"Article original|Link)\s*:\s*(?P<url>https?://\S+)\s*$",
    re.I,
)
URL_LINE_RE = re.compile(r"^\s*URL\s*:\s*(?P<url>https?://\S+)\s*$", re.I)
PHOTO_NO_RE = re.compile(
    r"^(?P<base>.*?\S)\s*[-–—]?\s*(?:Ảnh|Hình|Photo|Image)\s*(?P<no>\d{1,3})\s*\.?\s*$", re.I
)
CREDIT_ONLY_RE = re.compile(
    r"^\(?\s*(?:Photo|Photos|Ảnh|Crédit(?: photo)?|Credit|Image|Video|Vidéo|Clip)\s*:\s*\S.{0,80}$",
    re.I,
)
CREDIT_TAIL_RE = re.compile(
    r"(?:[-–—.]\s*|\(\s*)(?:Photo|Photos|Ảnh|Crédit(?: photo)?|Credit|Image)"
    r"\s*:\s*[^\s:][^:]{0,60}\)?\s*$",
    re.I,
)
DOMAIN_RE = re.compile(r"\b[\w-]+\.(?:vn|com|net|org|fr|info|asia)\b", re.I)
# What every match of DOMAIN_RE holds (same flags), found by a scan for its full stop: most
# lines have full stops, few a domain after one.
_TLD_RE = re.compile(r"\.(?:vn|com|net|org|fr|info|asia)\b", re.I)
DATELINE_RE = re.compile(
    r"^(?:\(\s*[\w.' -]{2,40}\)|[A-ZÀ-Ỹ][A-ZÀ-Ỹ .'-]{1,30}(?:\s*\([\w. -]{2,20}\))?)\s*[-–—:]\s+\S"
)
AUTHOR_PREFIX_RE = re.compile(r"^(?:Par|By|Theo|Bài(?: và ảnh)?|Auteur|Author)\s*:?\s+(?=\S)", re.I)
NOT_OUTLET_RE = re.compile(
    r"\b\d{1,2}[:h]\d{2}\b|GMT\s*[+-]?\d*|\b(?:Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ\s+Nhật|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|Mis à jour|Cập nhật|Updated|Publié le|Published)\b",
    re.I,
)
TERMINAL_RE = re.compile(r"[.!?…:;»\"”)]\s*$")
REPORTED_SPEECH_RE = re.compile(
    r"\b(?:a|ont|avait|avaient|aurait|auraient)\s+(?:(?:également|aussi|notamment|ainsi|encore|"
    r"bien|déjà|pour sa part|de son côté)\s+)*"
    r"(?:(?:dit|déclaré|affirmé|souligné|estimé|indiqué|ajouté|noté|expliqué|précisé|rappelé|"
    r"insisté|annoncé|assuré|averti|reconnu|jugé|considéré|fait savoir)\s+(?:que|qu['’]|:)"
    r"|qualifié\b)"
    r"|\b(?:déclare|affirme|souligne|estime|indique|ajoute|explique|précise|rappelle|annonce)"
    r"\s+(?:que|qu['’])"
    r"|\b(?:said|stressed|noted|added|affirmed|stated|emphasised|emphasized)\s+(?:that|:)"
    r"|\b(?:nhấn mạnh|khẳng định|cho biết|cho rằng|phát biểu rằng|tuyên bố)\s*(?:rằng|:)",
    re.I,
)

# What every match of REPORTED_SPEECH_RE ends with (same flags; ``que``, ``qu'`` and ``that``
# after a space, as the pattern has them): a line without one of them is not searched (most
# captions and titles, and sentences whose only ``que`` ends a word: ``politique``).
_SPEECH_END_RE = re.compile(r"\s(?:que|qu['’]|that)|qualifié|rằng|:", re.I)


def _with_first_letters(pattern: str) -> str:
    """REPORTED_SPEECH_RE's pattern with, after the word boundary opening each of its four
    alternatives, a look-ahead for the letters its words begin with (same flags): the same
    matches, but a word boundary before any other letter fails at once instead of trying
    thirty words (twice as fast; tests/test_page_speed.py holds it to the plain pattern)."""
    for opening, letters in (
        (r"\b(?:a|ont|", "ao"),
        (r"|\b(?:déclare|", "adeiprs"),
        (r"|\b(?:said|", "aens"),
        (r"|\b(?:nhấn", "cknpt"),
    ):
        if pattern.count(opening) != 1:
            raise ValueError(f"REPORTED_SPEECH_RE changed: {opening!r}")
        pattern = pattern.replace(opening, opening.replace(r"\b", rf"\b(?=[{letters}])"))
    return pattern


_REPORTED_SPEECH_FAST_RE = re.compile(_with_first_letters(REPORTED_SPEECH_RE.pattern), re.I)

_CREDIT_LABEL_LANG: dict[str, Lang] = {"anh": "vi", "photo": "fr", "photos": "fr", "credit": "fr"}
_MAX_HEADLINE_WORDS = 40
_MAX_SHORT_CAPTION_WORDS = 12
_MAX_CAPTION_AFTER_IMAGE_WORDS = 30
_MAX_NAV_WORDS = 3
_MAX_BYLINE_WORDS = 10
_MAX_BANNER_WORDS = 15
_DENSE_LAYOUT_SHARE = 0.5
_TITLE_SLUG_OVERLAP = 0.6


@dataclass(slots=True)
class _Line:
    """Mutable working record of one non-blank line, or one piece of a glued line, while
    rules are applied. ``piece``/``pieces``: its position among its line's pieces and their count;
    ``rule_kind`` what the rules said; ``certain`` whether the rules' answer stands."""

    idx: int
    line_no: int
    text: str
    start: int
    end: int
    block: int
    guess: LangGuess
    kind: Kind | None = None
    lang: Lang | None = None
    base_text: str | None = None
    photo_no: int | None = None
    piece: int = 0
    pieces: int = 1
    rule_kind: Kind | None = None
    certain: bool = False
    _tokens: tuple[str, list[str]] | None = None
    _speech: tuple[str, bool] | None = None

    @property
    def tokens(self) -> list[str]:
        """``words(self.text)``, kept until ``text`` changes (pieces merge)."""
        if self._tokens is None or self._tokens[0] is not self.text:
            self._tokens = (self.text, words(self.text))
        return self._tokens[1]

    @property
    def n_words(self) -> int:
        return len(self.tokens)

    @property
    def speech(self) -> bool:
        """``_reports_speech(self.text)``, kept until ``text`` changes."""
        if self._speech is None or self._speech[0] is not self.text:
            self._speech = (self.text, _reports_speech(self.text))
        return self._speech[1]


# --- entry point --------------------------------------------------------------------------


MIN_LABEL_CONFIDENCE = 0.5
"""Below this marginal probability the labeller's kind gives way to the rules' kind."""
MIN_LABELLER_LINES = 8
"""Shorter texts (a few lines pasted, not a page) keep the rules' kinds: the labeller learned
whole pages, with their furniture, and the corpus has no page under 12 lines."""


@dataclass(slots=True)
class Draft:
    """A page after splitting and the genre rules, before the labeller: what
    :func:`line_features` describes and what the labeller's training aligns with gold."""

    text: str
    lines: list[_Line]
    page_lang: Lang
    url_info: UrlInfo | None


def analyze(text: str, *, url: str | None = None, labeller: Labeller | None = None) -> Page:
    """Analyse one page. ``url`` overrides a URL found in the page; ``labeller`` defaults to
    the shipped model.

    Raises :class:`EmptyInputError` if the text holds no non-blank line.
    """
    draft = draft_page(text, url=url)
    if len(draft.lines) < MIN_LABELLER_LINES:  # not a page as the labeller learned them
        kinds: list[tuple[str, float]] = [(ln.kind or "paragraph", 1.0) for ln in draft.lines]
    else:
        labeller = labeller or default_labeller()
        kinds = labeller.tag_attributes(line_attributes(draft, labeller.attributes()))
    for ln, (kind, confidence) in zip(draft.lines, kinds, strict=True):
        if not ln.certain and kind in KINDS and confidence >= MIN_LABEL_CONFIDENCE:
            ln.kind = _as_kind(kind)
            if kind != "caption":
                ln.base_text = ln.photo_no = None
    lines = _merge_pieces(draft.lines, text)
    segments, repeats = _finish(lines)
    meta = _meta(segments, repeats, draft.page_lang, draft.url_info)
    return Page(text=text, meta=meta, segments=segments, repeats=repeats)


def prepare() -> None:
    """Load what page analysis needs (the language identifier's model, the labeller's) now,
    so that a server's first page is not the one that waits for them (about a second)."""
    identify("préparer le modèle de langue", default="fr")
    identify("chuẩn bị", default="vi")
    classify_statistical("bonjour")
    default_labeller()


def draft_page(text: str, *, url: str | None = None) -> Draft:
    """Split ``text`` into lines and pieces, identify languages, apply the genre rules."""
    lines = _split_lines(text)
    if not lines:
        raise EmptyInputError("page text is empty (no non-blank line)")

    page_lang = _dominant_lang(lines)
    undecided: dict[str, list[str]] = {}  # each text once: lines repeat (captions, labels)
    for ln in lines:
        if not ln.tokens:
            ln.guess = _UNDECIDED  # no letters: no language ("29/11/2025 15:20", "---|")
        elif ln.guess.evidence == "default" or ln.guess.lang == "und":
            undecided[ln.text] = ln.tokens
    if undecided:
        found = identify_many(list(undecided.items()), default=page_lang)
        guesses = dict(zip(undecided, found, strict=True))
        for ln in lines:
            if ln.text in guesses and ln.tokens:
                ln.guess = guesses[ln.text]

    url_info = _mark_sources(lines, url)
    _mark_labels(lines)
    _mark_footer(lines)
    _mark_residue(lines)
    body = [ln for ln in lines if ln.kind is None]
    _mark_header(body)
    _mark_bylines(lines)
    _mark_captions(lines, page_lang)
    for ln in lines:
        if ln.kind is None:
            ln.kind = "paragraph"
    _mark_author(lines)
    _mark_lead(lines)
    for ln in lines:
        ln.rule_kind = ln.kind
        ln.certain = (
            ln.kind == "source"
            or (ln.kind == "caption" and ln.photo_no is not None)
            or (ln.kind == "boilerplate" and match_label(ln.text) is not None)
            or (ln.kind == "credit" and ln.pieces == 1)
        )
    return Draft(text, lines, page_lang, url_info)


def _as_kind(name: str) -> Kind:
    for kind in KINDS:
        if kind == name:
            return kind
    raise ValueError(f"unknown kind {name!r}")


# --- steps ----------------------------------------------------------------------------------


def _split_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    offset = 0
    block = 0
    prev_blank = True
    to_identify: dict[str, list[str]] = {}  # each text once: pieces repeat (captions, labels)
    find_words = word_pattern(text).findall  # ``words``: one check for the whole page
    for line_no, raw in enumerate(text.splitlines(keepends=True), start=1):
        content = raw.rstrip("\r\n")
        spans = pieces(content)
        if not spans:
            prev_blank = True
            offset += len(raw)
            continue
        if prev_blank:
            block += 1
        prev_blank = False
        for n, (s, e) in enumerate(spans):
            piece = content[s:e]
            tokens = find_words(piece)
            if len(tokens) >= 3 and piece not in to_identify:
                to_identify[piece] = tokens
            lines.append(
                _Line(
                    idx=len(lines),
                    line_no=line_no,
                    text=piece,
                    start=offset + s,
                    end=offset + e,
                    block=block,
                    guess=_UNDECIDED,
                    piece=n,
                    pieces=len(spans),
                    _tokens=(piece, tokens),
                )
            )
        offset += len(raw)
    # Languages of the pieces with three words or more, the statistical identifier run once
    # over those that need it.
    guesses = dict(zip(to_identify, identify_many(list(to_identify.items())), strict=True))
    for ln in lines:
        if len(ln.tokens) >= 3:
            ln.guess = guesses[ln.text]
    return lines


def _merge_pieces(lines: list[_Line], text: str) -> list[_Line]:
    """Pieces of one line that ended with the same kind and language become one again."""
    out: list[_Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.line_no == ln.line_no
            and prev.kind == ln.kind
            and (prev.lang or prev.guess.lang) == (ln.lang or ln.guess.lang)
            and prev.photo_no is None
            and ln.photo_no is None
        ):
            prev.end = ln.end
            prev.text = text[prev.start : prev.end]
            continue
        ln.idx = len(out)
        out.append(ln)
    return out


_UNDECIDED = LangGuess("und", 0.0, "none")


def _dominant_lang(lines: list[_Line]) -> Lang:
    weight: Counter[Lang] = Counter()
    for ln in lines:
        if ln.guess.lang in ("fr", "vi", "en"):
            weight[ln.guess.lang] += len(ln.text)
    return weight.most_common(1)[0][0] if weight else "fr"


def _mark_sources(lines: list[_Line], url: str | None) -> UrlInfo | None:
    found: str | None = None
    for ln in lines:
        match = SOURCE_RE.match(ln.text) or (ln.idx == 0 and URL_LINE_RE.match(ln.text))
        if not match:
            continue
        ln.kind = "source"
        info = parse_url(match.group("url"))
        ln.lang = slug_lang(info.slug_words)
        found = found or match.group("url")
    chosen = url or found
    return parse_url(chosen) if chosen else None


def _mark_labels(lines: list[_Line]) -> None:
    for ln in lines:
        if ln.kind is None and (label := match_label(ln.text)) is not None:
            ln.kind = "boilerplate"
            ln.lang = label.lang


def _mark_footer(lines: list[_Line]) -> None:
    """After the source line, or after a heading that opens a list of other articles, the page
    holds navigation (short labels) and titles of related articles."""
    starts = [
        ln.idx + 1
        for ln in lines
        if ln.kind == "source" and SOURCE_RE.match(ln.text) and ln.idx > 0
    ]
    starts += [
        ln.idx
        for ln in lines
        if ln.kind == "boilerplate" and (lb := match_label(ln.text)) and lb.role == "section"
    ]
    if not starts:
        return
    for ln in lines[min(starts) :]:
        if ln.kind is not None:
            continue
        short = ln.n_words <= _MAX_NAV_WORDS and not TERMINAL_RE.search(ln.text)
        ln.kind = "boilerplate" if short else "related"


def _mark_residue(lines: list[_Line]) -> None:
    """Captions numbered as photos (``... - Ảnh 3.``) and stand-alone photo credits."""
    base_langs: dict[tuple[str, Lang], Lang] = {}  # alt text repeats (photo 1, 2 and 3 of one)
    for ln in lines:
        if ln.kind is not None:
            continue
        if _ends_with_number(ln.text) and (m := PHOTO_NO_RE.match(ln.text)) is not None:
            ln.kind = "caption"
            ln.base_text = m.group("base").rstrip(" -–—:")
            ln.photo_no = int(m.group("no"))
            if (
                "ảnh" in ln.text[m.end("base") :].lower()
                or "hình" in ln.text[m.end("base") :].lower()
            ):
                # Vietnamese CMS photo suffix: the language is the alt text's own, and a French
                # alt text with a Vietnamese "ảnh 1" is both
                key = (ln.base_text, ln.guess.lang)
                if key not in base_langs:
                    base_langs[key] = identify(ln.base_text, default=ln.guess.lang).lang
                base = base_langs[key]
                ln.lang = base if base in ("vi", "vi-ascii", "und") else "mixed"
        elif CREDIT_ONLY_RE.match(ln.text):
            ln.kind = "credit"
            # the credit's label says its language; the name after it is the photographer's
            word = fold(ln.tokens[0]) if ln.tokens else ""
            ln.lang = _CREDIT_LABEL_LANG.get(word, ln.lang)


def _mark_header(body: list[_Line]) -> None:
    """Banners (site branding with a domain) at the top, then the first line is the headline."""
    for ln in body:
        if ln.kind is not None:
            continue
        if (
            "." in ln.text
            and DOMAIN_RE.search(ln.text)
            and ln.n_words <= _MAX_BANNER_WORDS
            and not ln.text.endswith(".")
        ):
            ln.kind = "banner"
            continue
        if ln.n_words <= _MAX_HEADLINE_WORDS and not _credit_tail(ln.text):
            ln.kind = "headline"
        return


def _mark_bylines(lines: list[_Line]) -> None:
    """An outlet or author glued to a date, or a ``Par X`` / ``Theo X`` line."""
    for ln in lines:
        if ln.kind is not None or ln.n_words > _MAX_BYLINE_WORDS:
            continue
        if find_date(ln.text) is not None or AUTHOR_PREFIX_RE.match(ln.text):
            ln.kind = "byline"


def _mark_captions(lines: list[_Line], page_lang: Lang) -> None:
    pending = [ln for ln in lines if ln.kind is None]
    for ln in pending:
        if _credit_tail(ln.text):
            ln.kind = "paragraph" if ln.speech else "caption"

    # Layout: when most paragraphs sit in multi-line blocks, blank lines mark images, and a
    # line alone between two gaps, or a short line opening a block, is the image's caption.
    pending = [ln for ln in lines if ln.kind is None]
    by_block: dict[int, list[_Line]] = {}
    for ln in lines:
        if ln.kind in (None, "paragraph", "headline", "lead"):
            by_block.setdefault(ln.block, []).append(ln)
    in_company = sum(1 for ln in pending if len(by_block[ln.block]) > 1)
    dense = bool(pending) and in_company / len(pending) >= _DENSE_LAYOUT_SHARE
    if dense:
        for ln in pending:
            block = by_block[ln.block]
            alone = len(block) == 1
            short_opener = (
                block[0] is ln and len(block) > 1 and ln.n_words <= _MAX_SHORT_CAPTION_WORDS
            )
            if (alone or short_opener) and _can_be_caption(ln):
                ln.kind = "caption"
        return

    # Sparse layout (every paragraph its own block): the line after a numbered-photo caption
    # describes the photo when it is short and not reported speech.
    after_photo = False
    for ln in lines:
        if ln.kind == "caption" and ln.photo_no is not None:
            after_photo = True
            continue
        if (
            after_photo
            and ln.kind is None
            and ln.n_words <= _MAX_CAPTION_AFTER_IMAGE_WORDS
            and ln.guess.lang == page_lang
            and _can_be_caption(ln)
        ):
            ln.kind = "caption"
        after_photo = False


def _can_be_caption(ln: _Line) -> bool:
    """A caption opens with a capital or a digit (a line opening with ``»`` or a lower-case
    word continues a quotation or sentence) and describes, rather than reports speech."""
    first = ln.text[0]
    return (first.isupper() or first.isdigit()) and not ln.speech


def _reports_speech(text: str) -> bool:
    return (
        _SPEECH_END_RE.search(text) is not None
        and _REPORTED_SPEECH_FAST_RE.search(text) is not None
    )


def _credit_tail(text: str) -> bool:
    """``CREDIT_TAIL_RE.search(text) is not None``; the pattern needs a colon."""
    return ":" in text and CREDIT_TAIL_RE.search(text) is not None


def _has_domain(text: str) -> bool:
    """``DOMAIN_RE.search(text) is not None``, searched only where a domain's end is."""
    return _TLD_RE.search(text) is not None and DOMAIN_RE.search(text) is not None


def _ends_with_number(text: str) -> bool:
    """Whether ``text`` ends with a digit, but for spaces and one full stop: what a match of
    PHOTO_NO_RE (``... Ảnh 3.``) does, checked before the costlier match."""
    tail = text.rstrip()
    if tail.endswith("."):
        tail = tail[:-1].rstrip()
    return tail[-1:].isdigit()


def _mark_author(lines: list[_Line]) -> None:
    """A short line of capitalised words after the last paragraph is the author's name."""
    article = [ln for ln in lines if ln.kind not in ("source", "boilerplate", "related")]
    if len(article) < 2:
        return
    last = article[-1]
    tokens = words(last.text)
    if (
        last.kind == "paragraph"
        and 2 <= len(tokens) <= 4
        and all(t[0].isupper() for t in tokens)
        and not any(ch.isdigit() for ch in last.text)
        and not TERMINAL_RE.search(last.text)
    ):
        last.kind = "byline"


def _mark_lead(lines: list[_Line]) -> None:
    """The first paragraph after the headline is a lead when it opens with a dateline such as
    ``(Chinhphu.vn) -`` or ``HANOI -``, or when the byline follows it."""
    seen_headline = False
    for pos, ln in enumerate(lines):
        if ln.kind == "headline":
            seen_headline = True
            continue
        if not seen_headline or ln.kind != "paragraph":
            continue
        following = lines[pos + 1] if pos + 1 < len(lines) else None
        if DATELINE_RE.match(ln.text) or (following is not None and following.kind == "byline"):
            ln.kind = "lead"
        return


def _finish(lines: list[_Line]) -> tuple[tuple[Segment, ...], tuple[RepeatGroup, ...]]:
    key_of: dict[int, str] = {}
    for ln in lines:
        if ln.kind == "caption" and ln.base_text is None:
            credit = CREDIT_TAIL_RE.search(ln.text)
            if credit is not None and words(ln.text[: credit.start()]):
                ln.base_text = ln.text[: credit.start()].rstrip(" -–—(|")
        if ln.kind == "caption":
            key_of[ln.idx] = " ".join((ln.base_text or ln.text).split()).casefold()
    counts = Counter(key_of.values())
    group_ids: dict[str, int] = {}
    group_members: dict[int, list[int]] = {}
    segments: list[Segment] = []
    for ln in lines:
        lang = ln.lang or ln.guess.lang
        group = None
        key = key_of.get(ln.idx)
        if key is not None and counts[key] > 1:
            group = group_ids.setdefault(key, len(group_ids))
            group_members.setdefault(group, []).append(ln.idx)
        assert ln.kind is not None
        segments.append(
            Segment(
                idx=ln.idx,
                text=ln.text,
                start=ln.start,
                end=ln.end,
                line=ln.line_no,
                kind=ln.kind,
                lang=lang,
                base_text=ln.base_text,
                photo_no=ln.photo_no,
                repeat_group=group,
            )
        )
    repeats = []
    for gid, members in sorted(group_members.items()):
        first = segments[members[0]]
        repeats.append(
            RepeatGroup(
                idx=gid,
                text=first.base_text or first.text,
                lang=first.lang,
                segments=tuple(members),
            )
        )
    return tuple(segments), tuple(repeats)


def _meta(
    segments: tuple[Segment, ...],
    repeats: tuple[RepeatGroup, ...],
    page_lang: Lang,
    url_info: UrlInfo | None,
) -> PageMeta:
    titles: dict[str, str] = {}
    headline = next((s for s in segments if s.kind == "headline"), None)
    if headline is not None:
        titles[headline.lang] = headline.text
    slug_words = set(url_info.slug_words) if url_info else set()
    for candidate in [g.text for g in repeats if g.lang == "vi"] + [
        s.base_text or s.text for s in segments if s.kind == "caption" and s.lang == "vi"
    ]:
        folded = words(fold(candidate))
        if "vi" in titles or not folded:
            break
        overlap = sum(1 for w in folded if w in slug_words) / len(folded)
        repeated = candidate in {g.text for g in repeats}
        if overlap >= _TITLE_SLUG_OVERLAP or (not slug_words and repeated):
            titles["vi"] = candidate

    outlet = date = author = None
    for seg in segments:
        if seg.kind != "byline":
            continue
        found = find_date(seg.text)
        if found is not None:
            date = date or found[0]
            rest = NOT_OUTLET_RE.sub(" ", seg.text[: found[1]] + " " + seg.text[found[2] :])
            rest = " ".join(rest.split()).strip(" -–—|,")
            outlet = outlet or (_undouble(rest) if words(rest) else None)
        elif author is None:
            author = AUTHOR_PREFIX_RE.sub("", seg.text).strip()
    if url_info is not None:
        outlet = outlet or outlet_for_host(url_info.host)
        date = date or date_from_article_id(url_info.article_id)
    return PageMeta(
        lang=page_lang,
        source_url=url_info.url if url_info else None,
        host=url_info.host if url_info else None,
        slug=url_info.slug if url_info else None,
        slug_words=url_info.slug_words if url_info else (),
        article_id=url_info.article_id if url_info else None,
        outlet=outlet,
        date=date,
        author=author,
        titles=titles,
    )


def _undouble(text: str) -> str:
    """``Báo Chính PhủBáo Chính Phủ`` -> ``Báo Chính Phủ`` (a name printed twice, glued)."""
    text = text.strip()
    half = len(text) // 2
    if len(text) % 2 == 0 and text[:half] == text[half:]:
        return text[:half].strip()
    return text


# --- features for the labeller --------------------------------------------------------------

_TIME_RE = re.compile(r"\b\d{1,2}[:h]\d{2}\b|GMT\s*[+-]")
_NEIGHBOUR_KEYS = (
    "rule",
    "lang",
    "words",
    "end",
    "date",
    "label",
    "gap",
    "photo",
    "caps",
    "sentence",
)
_LONG_PARAGRAPH_WORDS = 20
_OWN_KEYS = (
    "rule",
    "lang",
    "lang_is_page",
    "evidence",
    "words",
    "chars",
    "end",
    "start",
    "start2",
    "caps",
    "sentence",
    "comma",
    "allcaps",
    "date",
    "time",
    "digits",
    "domain",
    "url",
    "photo",
    "credit_only",
    "credit_tail",
    "dateline",
    "author",
    "speech",
    "label",
    "label_prefix",
    "nav",
    "sep",
    "repeat",
    "slug",
    "gap",
    "block_pos",
    "glued",
)
"""Keys of :func:`_own_features`, in its order."""
_OWN_KEY_SET = frozenset(_OWN_KEYS)
_PLACE_KEYS = ("pos", "vs_first_long", "vs_first_long_dist", "vs_source")


def _page_places(lines: list[_Line]) -> tuple[Counter[int], int, int]:
    """What the place features compare each line with: the size of each block, the first
    long paragraph that ends a sentence and the ``Source:`` line (``len(lines)`` if none)."""
    n = len(lines)
    first_long = next(
        (
            ln.idx
            for ln in lines
            if ln.n_words >= _LONG_PARAGRAPH_WORDS and TERMINAL_RE.search(ln.text)
        ),
        n,
    )
    source_at = next((ln.idx for ln in lines if ln.kind == "source"), n)
    return Counter(ln.block for ln in lines), first_long, source_at


def line_features(draft: Draft) -> list[Features]:
    """Features of each line (piece) of ``draft`` for the kind labeller, in order.

    What a line is (rule kind, language, length, punctuation, case, dates, credits, interface
    labels), where it is (position, blank-line blocks, glued pieces, before the first long
    paragraph, after the ``Source:`` line), what it repeats (the same text elsewhere on the
    page, the URL slug), and the same few facts about its neighbours.
    """
    lines = draft.lines
    n = len(lines)
    slug_words = set(draft.url_info.slug_words) if draft.url_info else set()
    norms = [_norm(ln.base_text or ln.text) for ln in lines]
    counts = Counter(norms)
    block_sizes, first_long, source_at = _page_places(lines)
    own = [
        _own_features(ln, draft, slug_words, counts[norm], block_sizes)
        for ln, norm in zip(lines, norms, strict=True)
    ]
    out: list[Features] = []
    for ln, feats in zip(lines, own, strict=True):
        f: dict[str, str | float] = {"bias": 1.0, **feats}
        f["pos"] = _position(ln.idx, n)
        f["vs_first_long"] = (
            "before" if ln.idx < first_long else "at" if ln.idx == first_long else "after"
        )
        f["vs_first_long_dist"] = _bucket(abs(ln.idx - first_long), (0, 1, 2, 4, 8))
        f["vs_source"] = (
            "before" if ln.idx < source_at else "at" if ln.idx == source_at else "after"
        )
        for offset, names in _NEIGHBOUR_NAMES:
            j = ln.idx + offset
            if 0 <= j < n:
                theirs = own[j]
                for name, key in names:
                    f[name] = theirs[key]
                if offset in (-1, 1):
                    f[f"{offset}:rule|rule"] = f"{theirs['rule']}|{feats['rule']}"
            else:
                f[f"{offset}:none"] = 1.0
        out.append(f)
    return out


_NEIGHBOUR_NAMES = tuple(
    (offset, tuple((f"{offset}:{key}", key) for key in _NEIGHBOUR_KEYS))
    for offset in (-2, -1, 1, 2)
)


def line_attributes(draft: Draft, attributes: frozenset[str]) -> list[list[str]]:
    """What :func:`line_features` gives, as each line's attributes that are in ``attributes``
    (a model's dictionary, :meth:`Labeller.attributes`), in the same order: ``name:value``
    for a feature of string value, ``name`` for a number (every number there is 1.0).

    CRFsuite drops the attributes a model does not know, so the model tags these lists as it
    tags the features. Only what the model can use is computed: a pattern feature no known
    attribute names (of the line or of a neighbour) is not searched for.
    """
    plan = _attribute_plan(attributes)
    lines = draft.lines
    n = len(lines)
    slug_words = set(draft.url_info.slug_words) if draft.url_info else set()
    if "repeat" in plan.needed:
        norms = [_norm(ln.base_text or ln.text) for ln in lines]
        counts = Counter(norms)
        repeats = [counts[norm] for norm in norms]
    else:
        repeats = [0] * n
    block_sizes, first_long, source_at = _page_places(lines)
    char_counts = _char_counts_many([ln.text for ln in lines])
    own = [
        _own_features(ln, draft, slug_words, r, block_sizes, needed=plan.needed, counts=c)
        for ln, r, c in zip(lines, repeats, char_counts, strict=True)
    ]
    out: list[list[str]] = []
    for ln, feats in zip(lines, own, strict=True):
        item = [plan.bias] if plan.bias else []
        append = item.append
        for key, table in plan.own:
            if (found := table.get(feats[key])) is not None:  # type: ignore[arg-type]
                append(found)
        i = ln.idx
        place = (
            _position(i, n),
            "before" if i < first_long else "at" if i == first_long else "after",
            _bucket(abs(i - first_long), (0, 1, 2, 4, 8)),
            "before" if i < source_at else "at" if i == source_at else "after",
        )
        for table, value in zip(plan.place, place, strict=True):
            if (found := table.get(value)) is not None:
                append(found)
        for offset, names, pairs, none in plan.neighbours:
            j = i + offset
            if 0 <= j < n:
                theirs = own[j]
                for key, table in names:
                    if (found := table.get(theirs[key])) is not None:  # type: ignore[arg-type]
                        append(found)
                if pairs and (found := pairs.get(f"{theirs['rule']}|{feats['rule']}")):
                    append(found)
            elif none is not None:
                append(none)
        out.append(item)
    return out


_NeighbourPlan = tuple[int, tuple[tuple[str, dict[str, str]], ...], dict[str, str], str | None]
"""Offset, its known names (feature key and table), its ``rule|rule`` table, its ``none``."""


@dataclass(frozen=True, slots=True)
class _AttributePlan:
    """Which attributes of :func:`line_features` a model knows, by feature: for each name, a
    table from a string value to its attribute ``name:value`` (only the known ones)."""

    bias: str | None
    own: tuple[tuple[str, dict[str, str]], ...]
    place: tuple[dict[str, str], ...]
    neighbours: tuple[_NeighbourPlan, ...]
    needed: frozenset[str]


@lru_cache(maxsize=8)  # one per model in use
def _attribute_plan(attributes: frozenset[str]) -> _AttributePlan:
    def table(name: str) -> dict[str, str]:
        prefix = f"{name}:"
        return {a[len(prefix) :]: a for a in attributes if a.startswith(prefix)}

    own = tuple((key, t) for key in _OWN_KEYS if (t := table(key)))
    needed = {key for key, _ in own}
    neighbours = []
    for offset, names in _NEIGHBOUR_NAMES:
        known = tuple((key, t) for name, key in names if (t := table(name)))
        needed.update(key for key, _ in known)
        pairs = table(f"{offset}:rule|rule") if offset in (-1, 1) else {}
        if pairs:
            needed.add("rule")
        none = f"{offset}:none"
        neighbours.append((offset, known, pairs, none if none in attributes else None))
    return _AttributePlan(
        bias="bias" if "bias" in attributes else None,
        own=own,
        place=tuple(table(key) for key in _PLACE_KEYS),
        neighbours=tuple(neighbours),
        needed=frozenset(needed),
    )


def _own_features(
    ln: _Line,
    draft: Draft,
    slug_words: set[str],
    repeats: int,
    block_sizes: Counter[int],
    *,
    needed: Container[str] = _OWN_KEY_SET,
    counts: tuple[int, int, int] | None = None,
) -> dict[str, str | float]:
    """The line's own features (keys :data:`_OWN_KEYS`, in that order); a pattern feature
    whose key is not in ``needed`` is not searched for (its value is then ""). ``counts``:
    ``_char_counts(ln.text)`` where the caller has it."""
    text = ln.text
    tokens = ln.tokens
    lang = ln.lang or ln.guess.lang
    caps = sum(map(str.isupper, map(itemgetter(0), tokens))) / len(tokens) if tokens else 0.0
    n_letters, n_upper, n_digits = counts or _char_counts(text)
    upper_share = n_upper / n_letters if n_letters else 0.0
    label = match_label(text) if "label" in needed else None
    # The patterns below are searched only where a character they need is there (a digit
    # for dates and times, a full stop for domains): most lines have none of them.
    folded = folded_words(text, tokens) if slug_words and "slug" in needed else []
    slug_share = sum(map(slug_words.__contains__, folded)) / len(folded) if folded else 0.0
    block_size = block_sizes[ln.block]
    return {
        "rule": ln.rule_kind or "none",
        "lang": lang,
        "lang_is_page": str(lang == draft.page_lang),
        "evidence": ln.guess.evidence,
        "words": _bucket(len(tokens), (0, 1, 2, 3, 5, 8, 12, 20, 30, 45)),
        "chars": _bucket(len(text), (10, 25, 50, 100, 200, 400)),
        "end": _char_class(text[-1]),
        "start": _char_class(text[0]),
        "start2": text[:2] if text[:2] in (">>", "»»", "- ", "• ", "((", "+ ") else "-",
        "caps": _bucket(round(caps * 10), (0, 3, 6, 9, 10)),
        "sentence": str(len(tokens) >= 8 and TERMINAL_RE.search(text) is not None and caps < 0.5),
        "comma": str("," in text),
        "allcaps": str(upper_share > 0.8 and n_letters >= 4),
        "date": str(n_digits > 0 and find_date(text) is not None) if "date" in needed else "",
        "time": (
            str((n_digits > 0 or "GMT" in text) and _TIME_RE.search(text) is not None)
            if "time" in needed
            else ""
        ),
        "digits": _bucket(n_digits, (0, 2, 4, 8)),
        "domain": str(_has_domain(text)) if "domain" in needed else "",
        "url": str("http" in text or "www." in text),
        "photo": str(ln.photo_no is not None),
        "credit_only": (
            str(CREDIT_ONLY_RE.match(text) is not None) if "credit_only" in needed else ""
        ),
        "credit_tail": str(_credit_tail(text)) if "credit_tail" in needed else "",
        "dateline": str(DATELINE_RE.match(text) is not None) if "dateline" in needed else "",
        "author": str(AUTHOR_PREFIX_RE.match(text) is not None) if "author" in needed else "",
        "speech": str(ln.speech) if "speech" in needed else "",
        "label": f"{label.role}:{label.lang}" if label else "none",
        "label_prefix": _label_prefix(text) if "label_prefix" in needed else "",
        "nav": str(len(tokens) >= 4 and caps >= 0.8 and not TERMINAL_RE.search(text)),
        "sep": str("|" in text or " / " in text),
        "repeat": _bucket(repeats, (1, 2, 4)),
        "slug": _bucket(round(slug_share * 10), (0, 3, 6, 8, 10)),
        "gap": _bucket(block_size, (1, 2, 3, 5)),
        "block_pos": _block_position(ln, draft.lines) if "block_pos" in needed else "",
        "glued": "no" if ln.pieces == 1 else "first" if ln.piece == 0 else "later",
    }


class _CharClasses(dict[int, str]):
    """``str.translate`` table: a code point below U+3000 to ``@`` plus 1 if it is a letter
    (``isalpha``), 2 if upper-case (``isupper``), 4 if a digit (``isdigit``); filled on
    first sight of each (a page holds a few hundred distinct ones), looked up in C after."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = chr(64 + ch.isalpha() + 2 * ch.isupper() + 4 * ch.isdigit())
        self[code] = value
        return value


_CHAR_CLASSES = _CharClasses()
_PAST_CLASSES_RE = re.compile("[^\x00-\u2fff]")


def _char_counts(text: str) -> tuple[int, int, int]:
    """``sum(map(str.isalpha, text))``, the same of ``isupper`` and of ``isdigit``, from
    one translation of ``text`` to its characters' classes and a count of each class."""
    if _PAST_CLASSES_RE.search(text) is not None:  # the table stops at U+3000
        return (
            sum(map(str.isalpha, text)),
            sum(map(str.isupper, text)),
            sum(map(str.isdigit, text)),
        )
    classes = text.translate(_CHAR_CLASSES)
    count = classes.count
    letter, upper, upper_letter, digit = count("A"), count("B"), count("C"), count("D")
    if count("@") + letter + upper + upper_letter + digit == len(classes):
        return letter + upper_letter, upper + upper_letter, digit
    n = [count(chr(64 + bits)) for bits in range(8)]  # a digit that is a letter or upper
    return n[1] + n[3] + n[5] + n[7], n[2] + n[3] + n[6] + n[7], n[4] + n[5] + n[6] + n[7]


_COUNT_BATCH_CHARS = 1 << 20
"""Most characters classed at once by :func:`_char_counts_many` (numpy holds about 30 bytes
for each)."""


def _char_counts_many(texts: list[str]) -> list[tuple[int, int, int]]:
    """``[_char_counts(t) for t in texts]``: the characters of a batch of texts classed with
    one numpy lookup and counted per text from running sums (a text past U+2FFF, or longer
    than a batch, is counted on its own)."""
    out: list[tuple[int, int, int]] = []
    batch: list[str] = []
    size = 0
    for text in texts:
        if len(text) > _COUNT_BATCH_CHARS:
            out += _char_counts_batch(batch)
            out.append(_char_counts(text))
            batch, size = [], 0
            continue
        if size + len(text) > _COUNT_BATCH_CHARS:
            out += _char_counts_batch(batch)
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    return out + _char_counts_batch(batch)


def _char_counts_batch(texts: list[str]) -> list[tuple[int, int, int]]:
    import numpy as np  # noqa: PLC0415 (numpy: only pages need it)

    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    if not len(codes) or codes.max() >= _CLASS_TABLE_END:
        return [_char_counts(text) for text in texts]
    classes = _class_table()[codes]
    bits = np.stack([classes & 1, (classes >> 1) & 1, (classes >> 2) & 1], axis=1)
    sums = np.zeros((len(codes) + 1, 3), dtype=np.int64)
    np.cumsum(bits, axis=0, out=sums[1:])
    lengths = np.array([len(text) for text in texts])
    ends = np.cumsum(lengths)
    per_text = sums[ends] - sums[ends - lengths]
    return [(a, u, d) for a, u, d in per_text.tolist()]


_CLASS_TABLE_END = 0x3000


@lru_cache(maxsize=1)
def _class_table() -> NDArray[np.uint8]:
    """A numpy array: for each code point below U+3000, 1 if ``isalpha``, plus 2 if
    ``isupper``, plus 4 if ``isdigit``."""
    import numpy as np  # noqa: PLC0415

    return np.array(
        [ch.isalpha() + 2 * ch.isupper() + 4 * ch.isdigit() for ch in map(chr, range(0x3000))],
        dtype=np.uint8,
    )


def _label_prefix(text: str) -> str:
    """``Tags : riz, ...``, ``Xem thêm: ...``: an interface label opening the line."""
    head, colon, _ = text.partition(":")
    if not colon or len(head) > 30:
        return "none"
    label = match_label(head)
    return f"{label.role}:{label.lang}" if label else "none"


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@lru_cache(maxsize=4096)  # a few small numbers and edge tuples: looked up, not looped over
def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def _char_class(ch: str) -> str:
    if ch.isupper():
        return "upper"
    if ch.islower():
        return "lower"
    if ch.isdigit():
        return "digit"
    return ch if ch in '.:;!?…»«"“”)(-–—>|/' else "other"


def _position(idx: int, n: int) -> str:
    if idx < 4:
        return f"top{idx}"
    if n - idx <= 3:
        return f"end{n - idx}"
    return f"rel{min(4, idx * 5 // max(n, 1))}"


def _block_position(ln: _Line, lines: list[_Line]) -> str:
    before = ln.idx > 0 and lines[ln.idx - 1].block == ln.block
    after = ln.idx + 1 < len(lines) and lines[ln.idx + 1].block == ln.block
    return _BLOCK_POSITIONS.get((before, after), "last")


_BLOCK_POSITIONS = {(False, False): "alone", (False, True): "first", (True, True): "mid"}
