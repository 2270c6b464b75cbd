"""Translating the texts of one request: each text's source language (given, or detected
with ``auto``), then per language one batch, plain, with a glossary enforced, or as HTML
(markup kept, text nodes translated, with the glossary enforced on them). With a glossary,
each alternative translation is enforced too, and reported."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from anyio import to_thread

from glossary import Glossary
from glossary.enforcement import Enforced, enforce
from service.mt.argos import ArgosEngine
from service.mt.engine import NoRouteError, Translated
from service.mt.languages import detect
from service.mt.markup import translate_html

_PLACEHOLDERS = re.compile(r"ZXT\s?(\d+)")
"""The placeholders of ``glossary.enforcement`` (protected terms) in a translation."""


@dataclass(frozen=True, slots=True)
class TextsTranslated:
    """``results[i]`` translates text ``i``; ``reports[i]``: its glossary check (None without
    a glossary; for HTML, all its text nodes' terms together); ``alternative_reports[i][k]``:
    the check of ``results[i].alternatives[k]``; ``detected[i]``: (language, confidence
    0-100), with ``auto``."""

    results: list[Translated]
    reports: list[Enforced | None]
    detected: list[tuple[str, float]]
    alternative_reports: list[list[Enforced]] = field(default_factory=list)


def detect_lang(text: str) -> tuple[str, float]:
    """The language of ``text`` among all the identifier knows, and a confidence 0-100
    (:func:`service.mt.languages.detect`)."""
    found = detect(text)
    return found.lang, found.confidence


async def translate_texts(
    engine: ArgosEngine,
    texts: list[str],
    *,
    src_lang: str,
    tgt_lang: str,
    text_format: Literal["text", "html"] = "text",
    alternatives: int = 0,
    glossary: Glossary | None = None,
) -> TextsTranslated:
    """``texts`` from ``src_lang`` (or ``auto``) into ``tgt_lang``. Plain text without a
    glossary is awaited on the event loop (no thread waits for the decode); glossary and
    HTML work runs in a worker thread."""
    detected = [detect_lang(t) for t in texts] if src_lang == "auto" else []
    groups: dict[str, list[int]] = {}
    for i, _text in enumerate(texts):
        groups.setdefault(detected[i][0] if detected else src_lang, []).append(i)
    if detected:  # a detected language without a route: say so, never translate from another
        pairs = engine.pairs()
        for lang, idxs in groups.items():
            if lang != tgt_lang and (lang, tgt_lang) not in pairs:
                installed = ", ".join(f"{a}->{b}" for a, b in sorted(pairs)) or "none"
                raise NoRouteError(
                    f"detected language {lang} (confidence {detected[idxs[0]][1]}%) in "
                    f"q[{idxs[0]}] has no installed route to {tgt_lang} (installed: "
                    f"{installed}); give source explicitly if the detection is wrong"
                )
    results: list[Translated | None] = [None] * len(texts)
    reports: list[Enforced | None] = [None] * len(texts)
    alt_reports: list[list[Enforced]] = [[] for _ in texts]
    for lang, idxs in groups.items():
        chunk = [texts[i] for i in idxs]
        if glossary is not None and text_format == "text":
            done, enforced, alts = await to_thread.run_sync(
                partial(
                    translate_with_glossary,
                    engine,
                    chunk,
                    glossary,
                    lang,
                    tgt_lang,
                    alternatives=alternatives,
                )
            )
            for i, rep, alt in zip(idxs, enforced, alts, strict=True):
                reports[i] = rep
                alt_reports[i] = alt
        elif glossary is not None:
            marked = [
                await to_thread.run_sync(translate_markup, engine, text, lang, tgt_lang, glossary)
                for text in chunk
            ]
            done = [m[0] for m in marked]
            for i, (_res, markup_rep) in zip(idxs, marked, strict=True):
                reports[i] = markup_rep
        elif text_format == "text":
            done = await engine.translate_async(
                chunk, src_lang=lang, tgt_lang=tgt_lang, alternatives=alternatives
            )
        else:
            done = [
                (await to_thread.run_sync(translate_markup, engine, text, lang, tgt_lang))[0]
                for text in chunk
            ]
        for i, res in zip(idxs, done, strict=True):
            results[i] = res
    return TextsTranslated([r for r in results if r is not None], reports, detected, alt_reports)


def translate_with_glossary(
    engine: ArgosEngine,
    texts: list[str],
    glossary: Glossary,
    src_lang: str,
    tgt_lang: str,
    *,
    alternatives: int = 0,
) -> tuple[list[Translated], list[Enforced], list[list[Enforced]]]:
    """``texts`` translated with ``glossary``'s terms enforced (forced decoding when the
    engine offers it), what was enforced in each, and ``alternatives`` extra translations of
    each with the terms enforced on them too (by placeholder and post-edit: forced decoding
    yields the best translation, not an alternative). Alternatives that come out equal to the
    translation or to an earlier alternative are dropped, as with no glossary."""
    decoded: dict[tuple[str, ...], list[Translated]] = {}

    def decode(batch: list[str]) -> list[Translated]:
        key = tuple(batch)
        if key not in decoded:  # one decode per batch serves the best and the alternatives
            decoded[key] = engine.translate(
                batch, src_lang=src_lang, tgt_lang=tgt_lang, alternatives=alternatives
            )
        return decoded[key]

    def candidate(k: int) -> Callable[[list[str]], list[str]]:
        def run(batch: list[str]) -> list[str]:
            out = []
            for d in decode(batch):
                alt = d.text if k == 0 or len(d.alternatives) < k else d.alternatives[k - 1]
                # An alternative that lost a protected term's placeholder would fall back to
                # an unprotected translation: use the best one instead (it is then dropped
                # as a duplicate), so that every alternative returned carries the terms.
                if set(_PLACEHOLDERS.findall(alt)) != set(_PLACEHOLDERS.findall(d.text)):
                    alt = d.text
                out.append(alt)
            return out

        return run

    def force(text: str, prefix: str) -> str | None:
        return engine.force(text, prefix, src_lang=src_lang, tgt_lang=tgt_lang)

    def run_enforce(k: int) -> list[Enforced]:
        return enforce(
            glossary,
            texts,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            translate=candidate(k),
            force=force if k == 0 else None,
        )

    enforced = run_enforce(0)
    extra = [run_enforce(k) for k in range(1, alternatives + 1)]
    provenance = next(iter(decoded.values()))[0].provenance
    results: list[Translated] = []
    alt_reports: list[list[Enforced]] = []
    for i, best in enumerate(enforced):
        seen, alts, reps = {best.text}, [], []
        for other in extra:
            if other[i].text in seen:  # also where the engine gave fewer alternatives
                continue
            seen.add(other[i].text)
            alts.append(other[i].text)
            reps.append(other[i])
        results.append(Translated(best.text, tuple(alts), provenance))
        alt_reports.append(reps)
    return results, enforced, alt_reports


def translate_markup(
    engine: ArgosEngine,
    text: str,
    src_lang: str,
    tgt_lang: str,
    glossary: Glossary | None = None,
) -> tuple[Translated, Enforced | None]:
    """One HTML document: its text nodes translated in one batch (with ``glossary``
    enforced on them), the markup kept; with a glossary, one report for all its nodes."""
    done: list[Translated] = []
    checks: list[Enforced] = []

    def run(nodes: list[str]) -> list[str]:
        if glossary is None:
            done.extend(engine.translate(nodes, src_lang=src_lang, tgt_lang=tgt_lang))
            return [d.text for d in done]
        results, enforced, _alts = translate_with_glossary(
            engine, nodes, glossary, src_lang, tgt_lang
        )
        done.extend(results)
        checks.extend(enforced)
        return [d.text for d in results]

    translated = translate_html(text, run)
    if not done:  # no text node: still report the route that would be used
        done = engine.translate([""], src_lang=src_lang, tgt_lang=tgt_lang)
    report = None
    if glossary is not None:
        report = Enforced(
            translated,
            tuple(t for c in checks for t in c.terms),
            tuple(f for c in checks for f in c.forbidden),
        )
    return Translated(translated, (), done[0].provenance), report
