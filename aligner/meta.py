"""Page metadata read from URLs, bylines and the text: slug, outlet, date.

Vietnamese news URLs end in the headline without diacritics followed by an article id, e.g.
``/tong-thu-ky-lhq-cong-uoc-ha-noi-...-100251025124908738.htm``. The id of the common CMS
(VTV, Báo Chính Phủ, VietnamPlus...) is 18 digits: a 3-digit site prefix, then the publication
time as ``yymmddHHMMSS``, then 3 digits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SLUG_ID_RE = re.compile(r"-(?:post|article|news|tin|bai|a|d|i|p|c|n)?(\d{5,})$")
_EXT_RE = re.compile(r"\.(?:s?html?|php|aspx?|vnp|ldo|tpo|vov|tld|chn|epi|amp)$", re.IGNORECASE)
# Trailing path segments that are not the article: AMP and print views, language folders.
_NOT_SLUG = {"amp", "print", "index.html", "index.htm"}
_CMS_ID_RE = re.compile(r"^\d{3}(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\d{3}$")
_DMY_RE = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")

# Outlets whose name is not their domain spelled out. Unknown domains fall back to the domain.
OUTLETS: dict[str, str] = {
    "vtv.vn": "VTV",
    "baochinhphu.vn": "Báo Chính Phủ",
    "chinhphu.vn": "Cổng Thông tin điện tử Chính phủ",
    "vietnamplus.vn": "VietnamPlus",
    "nhandan.vn": "Nhân Dân",
    "qdnd.vn": "Quân đội nhân dân",
    "vnexpress.net": "VnExpress",
    "tuoitre.vn": "Tuổi Trẻ",
    "thanhnien.vn": "Thanh Niên",
    "vov.vn": "VOV",
    "vietnam.vn": "Vietnam.vn",
    "baoquocte.vn": "Báo Quốc tế",
    "dangcongsan.vn": "Báo Điện tử Đảng Cộng sản Việt Nam",
    "cand.com.vn": "Công an nhân dân",
    "laodong.vn": "Lao Động",
    "tienphong.vn": "Tiền Phong",
    "hanoimoi.vn": "Hà Nội Mới",
    "lecourrier.vn": "Le Courrier du Vietnam",
    "vnanet.vn": "VNA",
}


@dataclass(frozen=True, slots=True)
class UrlInfo:
    """What a source URL tells: host, slug (article id removed), slug words, article id."""

    url: str
    host: str
    slug: str | None
    slug_words: tuple[str, ...]
    article_id: str | None


def parse_url(url: str) -> UrlInfo:
    """Split ``url`` into host, slug words and article id (no network, no validation of host)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = [unquote(p) for p in parts.path.split("/") if p and p.lower() not in _NOT_SLUG]
    last = _EXT_RE.sub("", path[-1]) if path else ""
    article_id = None
    if last.isdigit() and len(path) >= 2:  # /slug/115794.vnp: the id is its own segment
        article_id, last = last, _EXT_RE.sub("", path[-2])
    match = SLUG_ID_RE.search(last)
    if match:
        article_id = article_id or match.group(1)
        last = last[: match.start()]
    tokens = tuple(t for t in re.split(r"[-_+]+", last.lower()) if t)
    if len(tokens) < 2:  # "index", "123": not a headline slug
        return UrlInfo(url.strip(), host, None, (), article_id)
    return UrlInfo(url.strip(), host, "-".join(tokens), tokens, article_id)


def outlet_for_host(host: str) -> str | None:
    """The outlet's name for a host (``vtv.vn`` -> ``VTV``); None for an empty host."""
    if not host:
        return None
    for domain, name in OUTLETS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host


def date_from_article_id(article_id: str | None) -> str | None:
    """ISO date encoded in an 18-digit CMS article id, if it holds a valid one."""
    if article_id is None:
        return None
    match = _CMS_ID_RE.match(article_id)
    if not match:
        return None
    yy, mm, dd, hh, mi, ss = (int(g) for g in match.groups())
    try:
        dt.datetime(2000 + yy, mm, dd, hh, mi, ss)
    except ValueError:
        return None
    return f"{2000 + yy:04d}-{mm:02d}-{dd:02d}"


def find_date(text: str) -> tuple[str, int, int] | None:
    """First valid ``dd/mm/yyyy`` date in ``text``: (ISO date, start, end)."""
    for match in _DMY_RE.finditer(text):
        day, month, year = (int(g) for g in match.groups())
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        return date.isoformat(), match.start(), match.end()
    return None
