"""What a translation engine is: the :class:`TranslationEngine` protocol and the values engines
return (translations with their provenance, installed packages), shared by every engine.

A new engine lives in its own module of ``service.mt`` (as ``argos.py``) and implements
:class:`TranslationEngine`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from service.errors import ServiceError

LANGUAGE_NAMES = {"fr": "French", "vi": "Vietnamese", "en": "English"}


class NoRouteError(ServiceError):
    """No installed package (or pair of packages through a middle language) links two
    languages."""

    status = 400
    code = "no_package"


class PackageUnavailableError(ServiceError):
    """An installed package whose model cannot be loaded now (removed or replaced while a
    request was starting on it)."""

    status = 503
    code = "package_unavailable"


@dataclass(frozen=True, slots=True)
class PackageInfo:
    """An installed translation package."""

    code: str
    src_lang: str
    tgt_lang: str
    src_name: str
    tgt_name: str
    version: str
    name: str
    path: Path
    serving: bool = True  # False: another package for the same pair, installed later, serves

    @property
    def label(self) -> str:
        return f"{self.code}@{self.version}"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Which engine and packages produced a translation (``pivot``: the middle language).
    ``origin``: ``mt``, or ``tm-exact``/``tm-fuzzy`` when the translation memory answered
    (``score``: the fuzzy match's similarity, 0-1)."""

    engine: str
    packages: tuple[str, ...]
    pivot: str | None = None
    origin: str = "mt"
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Translated:
    """One segment's translation, its alternatives and provenance."""

    text: str
    alternatives: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Forced:
    """Forced decoding for one sentence: the tokens of a target prefix to continue from."""

    prefix: tuple[str, ...] = ()


class TranslationEngine(Protocol):
    """What Triglot needs of a machine-translation engine."""

    def packages(self) -> list[PackageInfo]: ...

    def pairs(self) -> set[tuple[str, str]]:
        """Language pairs that can be translated (directly or through one middle language)."""
        ...

    def translate(
        self,
        texts: Sequence[str],
        *,
        src_lang: str,
        tgt_lang: str,
        alternatives: int = 0,
    ) -> list[Translated]: ...

    def reload(self) -> None:
        """Forget loaded packages (after an install or removal)."""
        ...
