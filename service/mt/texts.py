"""Translating the texts of one request: each text's source language (given, or detected
with ``auto``), then per language one batch, plain, with a glossary enforced, or as HTML
(markup kept, text nodes translated)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from anyio import to_thread

from glossary import Glossary
from glossary.enforcement import Enforced, enforce
from service.mt.argos import ArgosEngine
from service.mt.engine import NoRouteError, Translated
from service.mt.languages import detect
from service.mt.markup import translate_html


@dataclass(frozen=True, slots=True)
class TextsTranslated:
    """``results[i]`` translates text ``i``; ``reports[i]``: its glossary check (None without
    a glossary or for HTML); ``detected[i]``: (language, confidence 0-100), with ``auto``."""

    results: list[Translated]
    reports: list[Enforced | None]
    detected: list[tuple[str, float]]


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
    for lang, idxs in groups.items():
        chunk = [texts[i] for i in idxs]
        if glossary is not None and text_format == "text":
            done, enforced = await to_thread.run_sync(
                translate_with_glossary, engine, chunk, glossary, lang, tgt_lang
            )
            for i, rep in zip(idxs, enforced, strict=True):
                reports[i] = rep
        elif text_format == "text":
            done = await engine.translate_async(
                chunk, src_lang=lang, tgt_lang=tgt_lang, alternatives=alternatives
            )
        else:
            done = [
                await to_thread.run_sync(translate_markup, engine, text, lang, tgt_lang)
                for text in chunk
            ]
        for i, res in zip(idxs, done, strict=True):
            results[i] = res
    return TextsTranslated([r for r in results if r is not None], reports, detected)


def translate_with_glossary(
    engine: ArgosEngine, texts: list[str], glossary: Glossary, src_lang: str, tgt_lang: str
) -> tuple[list[Translated], list[Enforced]]:
    """``texts`` translated with ``glossary``'s terms enforced (forced decoding when the
    engine offers it), and what was enforced in each."""
    seen: list[Translated] = []

    def run(batch: list[str]) -> list[str]:
        done = engine.translate(batch, src_lang=src_lang, tgt_lang=tgt_lang)
        seen.extend(done)
        return [d.text for d in done]

    def force(text: str, prefix: str) -> str | None:
        return engine.force(text, prefix, src_lang=src_lang, tgt_lang=tgt_lang)

    enforced = enforce(
        glossary, texts, src_lang=src_lang, tgt_lang=tgt_lang, translate=run, force=force
    )
    provenance = seen[0].provenance
    return [Translated(e.text, (), provenance) for e in enforced], enforced


def translate_markup(engine: ArgosEngine, text: str, src_lang: str, tgt_lang: str) -> Translated:
    """One HTML document: its text nodes translated in one batch, the markup kept."""
    done: list[Translated] = []

    def run(nodes: list[str]) -> list[str]:
        done.extend(engine.translate(nodes, src_lang=src_lang, tgt_lang=tgt_lang))
        return [d.text for d in done]

    translated = translate_html(text, run)
    if not done:  # no text node: still report the route that would be used
        done = engine.translate([""], src_lang=src_lang, tgt_lang=tgt_lang)
    return Translated(translated, (), done[0].provenance)
