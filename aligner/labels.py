"""Interface labels of news sites in French, Vietnamese and English.

Widget and navigation text carries too few words for statistics ("Comment (0)" looks French to
an identifier; it is the English comment counter). These labels are genre knowledge: what the
CMS templates of Vietnamese outlets and their French/English editions print around an article.
A trailing count such as ``(0)`` or ``12`` is ignored when matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

LabelRole = Literal["widget", "section"]
"""``widget``: a control or counter; ``section``: a heading that opens a list of other articles."""


@dataclass(frozen=True, slots=True)
class UiLabel:
    lang: Literal["fr", "vi", "en"]
    role: LabelRole


_LABELS: dict[str, UiLabel] = {}


def _add(lang: Literal["fr", "vi", "en"], role: LabelRole, *labels: str) -> None:
    for label in labels:
        _LABELS[label.casefold()] = UiLabel(lang, role)


_add(
    "en",
    "widget",
    "comment",
    "comments",
    "no data",
    "share",
    "print",
    "like",
    "reply",
    "read more",
    "see more",
    "load more",
    "back to top",
    "tags",
    "tag",
    "follow us",
    "send",
    "copy link",
    "subscribe",
    "log in",
    "sign in",
    "no comments yet",
    "view more",
    "facebook",
    "twitter",
    "youtube",
    "zalo",
    "tiktok",
    "linkedin",
    "email",
    "rss",
    "leftcenterrightdel",
)
_add(
    "en",
    "section",
    "related",
    "related news",
    "related articles",
    "same category",
    "same author",
    "most read",
    "latest news",
    "read also",
    "you may also like",
    "more from this author",
    "other news",
)
_add(
    "fr",
    "widget",
    "commentaire",
    "commentaires",
    "aucune donnée",
    "partager",
    "imprimer",
    "lire la suite",
    "voir plus",
    "retour en haut",
    "mots-clés",
    "suivez-nous",
    "envoyer",
    "copier le lien",
    "s'abonner",
    "se connecter",
    "aucun commentaire",
    "j'aime",
    "répondre",
)
_add(
    "fr",
    "section",
    "même catégorie",
    "même auteur",
    "lire aussi",
    "à lire aussi",
    "articles liés",
    "sur le même sujet",
    "les plus lus",
    "dernières nouvelles",
    "à voir aussi",
    "autres actualités",
    "actualités",
)
_add(
    "vi",
    "widget",
    "bình luận",
    "không có dữ liệu",
    "chia sẻ",
    "in bài",
    "thích",
    "trả lời",
    "xem thêm",
    "đọc tiếp",
    "về đầu trang",
    "từ khóa",
    "theo dõi",
    "gửi",
    "sao chép liên kết",
    "đăng nhập",
    "chưa có bình luận",
)
_add(
    "vi",
    "section",
    "tin liên quan",
    "cùng chuyên mục",
    "cùng tác giả",
    "đọc nhiều",
    "tin mới nhất",
    "tin khác",
    "có thể bạn quan tâm",
    "bài viết liên quan",
)

_MAX_LABEL_CHARS = 60
_COUNT_RE = re.compile(r"[\s:]*[\(\[]?\s*\d+\s*[\)\]]?\s*$")


def match_label(text: str) -> UiLabel | None:
    """The interface label ``text`` is, if it is one (case-insensitive, counts ignored)."""
    if len(text) > _MAX_LABEL_CHARS:  # labels are short; a paragraph never is one
        return None
    key = _COUNT_RE.sub("", text).strip().rstrip(":").strip().casefold()
    return _LABELS.get(key)
