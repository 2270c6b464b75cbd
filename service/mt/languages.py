"""Language tags and language detection at the service edge.

Tags: a client may name a language with any BCP 47 tag, in any case (``FR``, ``fr-FR``,
``en-US``, ``vi-VN``, ``zh-Hant-TW``, ``pt_BR``); :func:`resolve_tag` maps it to the code of an
installed language, in this order (``langcodes`` normalises and measures the distances):

1. the tag itself, normalised (``FR`` -> ``fr``; deprecated codes replaced: ``iw`` -> ``he``),
   when a package uses exactly that code;
2. its language subtag (``fr-FR`` -> ``fr``, ``en-US`` -> ``en``) when that is installed and no
   package is closer;
3. the closest installed language within a distance of 10 in CLDR's language matching
   (``zh-TW``/``zh-HK``/``zh-Hant`` -> ``zt``: Argos names Traditional Chinese ``zt``, and
   ``pb`` is Brazilian Portuguese; ``pt-PT`` never becomes ``pb`` while ``pt`` is installed).

Anything else is refused with the list of installed languages.

Detection: :func:`detect` runs py3langid over every language its model knows (97); the
French/Vietnamese/English decision itself stays :func:`aligner.langid.identify`'s (the one page
analysis uses: Vietnamese diacritics and syllable shapes, then the identifier restricted to the
three), and another language is answered only when the identifier gives it more weight than
French, Vietnamese and English together, and at least :data:`OTHER_MIN`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from aligner.langid import identify
from service.errors import ServiceError

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

ARGOS_CODES = {"zt": "zh-Hant", "pb": "pt-BR"}
"""Argos package codes that are not BCP 47 tags, and the tags they stand for."""

MAX_DISTANCE = 10
"""Largest CLDR match distance accepted (regional variants: 4-5; another script: 50+)."""

OTHER_MIN = 0.5
"""Least identifier probability for a language other than fr/vi/en (short strings such as
"Viet Nam" spread their weight over many languages and are left to the page rules)."""

_PAGE_LANGS = ("fr", "vi", "en")
_MAX_TAG = 64


class UnknownLanguageError(ServiceError):
    """A language tag that names no installed language (the message lists them)."""

    status = 400
    code = "unsupported_language"


def _installed_text(installed: Collection[str]) -> str:
    return ", ".join(sorted(installed)) or "none (install a package: `triglot models install`)"


def normalize_tag(tag: str) -> str:
    """``tag`` in BCP 47's canonical case and with current subtags (``FR`` -> ``fr``,
    ``zh-hant-tw`` -> ``zh-Hant-TW``, ``fr_FR`` -> ``fr-FR``); :class:`UnknownLanguageError`
    when it is not a well-formed tag."""
    import langcodes  # noqa: PLC0415 (0.1 s: only routes and commands that map tags)

    shown = tag if len(tag) <= 20 else tag[:20] + "…"
    if not tag or len(tag) > _MAX_TAG or not tag.replace("-", "").replace("_", "").isascii():
        raise UnknownLanguageError(f"{shown!r} is not a language tag (e.g. fr, vi-VN, en-US)")
    try:
        return str(langcodes.standardize_tag(tag.replace("_", "-")))
    except (ValueError, langcodes.tag_parser.LanguageTagError):
        raise UnknownLanguageError(
            f"{shown!r} is not a language tag (e.g. fr, vi-VN, en-US)"
        ) from None


def resolve_tag(tag: str, installed: Collection[str], *, role: str = "language") -> str:
    """The installed language code ``tag`` stands for (see the module docstring).

    ``installed``: the codes packages use (``fr``, ``en``, ``zt``...); ``role`` names the
    parameter in the error (``source``, ``target``)."""
    if tag in installed:
        return tag
    import langcodes  # noqa: PLC0415

    norm = normalize_tag(tag)
    by_tag = {ARGOS_CODES.get(code, code).lower(): code for code in installed}
    if norm.lower() in by_tag:
        return by_tag[norm.lower()]
    # bare codes first: on a tie (pt-PT between pt and pt-BR) the plain language wins
    supported = sorted(by_tag, key=lambda t: ("-" in t, t))
    best, distance = langcodes.closest_match(norm, supported, max_distance=MAX_DISTANCE)
    if best != "und" and distance <= MAX_DISTANCE:
        return by_tag[best.lower()]
    raise UnknownLanguageError(
        f"{role} {tag!r}{'' if norm == tag else f' ({norm})'} matches no installed "
        f"language; installed: "
        f"{_installed_text(installed)}"
    )


@dataclass(frozen=True, slots=True)
class Detected:
    """A detected language: its code and the confidence, 0-100."""

    lang: str
    confidence: float


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # noqa: PLC0415 (lazy: 1 s)

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def known_languages() -> list[str]:
    """Every language :func:`detect` can answer."""
    return sorted(str(c) for c in _identifier().nb_classes)


def detect(text: str) -> Detected:
    """The language of ``text`` among all the identifier knows (see the module docstring)."""
    guess = identify(text)
    if guess.evidence not in ("diacritics", "syllables") and text.strip():
        ranked = _identifier().rank(text)
        ours = sum(p for lang, p in ranked if lang in _PAGE_LANGS)
        top, prob = ranked[0]
        if top not in _PAGE_LANGS and prob > max(ours, OTHER_MIN):
            return Detected(str(top), round(float(prob) * 100, 2))
    lang = "vi" if guess.lang == "vi-ascii" else guess.lang
    if lang not in _PAGE_LANGS:  # mixed or und: the identifier's best of the three
        ranked = _identifier().rank(text) if text.strip() else [("en", 0.0)]
        lang, prob = next(((la, p) for la, p in ranked if la in _PAGE_LANGS), ("en", 0.0))
        return Detected(str(lang), round(float(prob) * 100, 2))
    return Detected(lang, round(guess.confidence * 100, 2))
