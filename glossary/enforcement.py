"""Glossary enforcement around any translation function, with a report per term.

For each source segment:

1. *protect*: every source term found is replaced by a placeholder (``ZXT1``, ``ZXT2``: Latin
   capitals and digits, which MT models copy; no ``_``, which SentencePiece decoding turns into
   a space), the segment is translated, and each placeholder is *restored* as the concept's
   preferred target term;
2. a placeholder the engine lost is handled on the unprotected translation: the preferred term
   may already be there (``model``), or an admitted or forbidden variant of it is replaced by
   the preferred term (``post-edit``); otherwise, when the engine offers forced decoding, the
   translation up to the term's place (proportional to its place in the source) followed by
   the preferred term is imposed as a prefix and the engine continues from it (``forced``);
   a term still absent is reported ``missing``;
3. forbidden target terms left anywhere are replaced by their concept's preferred term;
4. every expected term is verified in the final text, and any leftover of the placeholder
   scheme (``ZXT3``, ``ZXT 3``, ``zxt``: a placeholder the engine mangled or invented) is
   reported, which makes the segment non-compliant.

Post-editing and forbidden-term replacement go longest match first on the target side too:
an admitted variant (``UN``) inside a longer glossary term of the output (``UN
Secretary-General``) is left alone.

The translation function takes a batch of texts and returns their translations, in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from glossary.matching import TermMatch, find_forbidden, find_terms
from glossary.model import Glossary

TranslateFn = Callable[[list[str]], list[str]]
ForceFn = Callable[[str, str], str | None]
"""(source text, target prefix) -> a translation that starts with the prefix, or None when
the engine cannot force this text."""

_PLACEHOLDER = "ZXT{}"
_PLACEHOLDER_RE = re.compile(r"ZXT\s?(\d+)")
_LEFTOVER_RE = re.compile(r"(?<![^\W\d_])Z\s?X\s?T(?:\s?\d+)?(?![^\W\d_])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TermReport:
    """What happened to one source term: ``method`` is placeholder, model, post-edit or
    missing; ``present`` says whether the expected rendering is in the final text."""

    concept_id: str
    source_term: str
    expected: str
    present: bool
    method: str


@dataclass(frozen=True, slots=True)
class ForbiddenReport:
    concept_id: str
    found: str
    replaced_by: str


@dataclass(frozen=True, slots=True)
class Enforced:
    """The final text and its report; ``leftovers`` lists the pieces of the placeholder
    scheme left in the text (that the source did not hold)."""

    text: str
    terms: tuple[TermReport, ...]
    forbidden: tuple[ForbiddenReport, ...]
    leftovers: tuple[str, ...] = ()

    @property
    def compliant(self) -> bool:
        return all(t.present for t in self.terms) and not self.leftovers


def protect(text: str, matches: Sequence[TermMatch]) -> str:
    """``text`` with each match replaced by its numbered placeholder."""
    out, last = [], 0
    for k, match in enumerate(matches, start=1):
        out += [text[last : match.start], _PLACEHOLDER.format(k)]
        last = match.end
    out.append(text[last:])
    return "".join(out)


def enforce(
    glossary: Glossary,
    texts: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    translate: TranslateFn,
    force: ForceFn | None = None,
) -> list[Enforced]:
    """Translate ``texts`` with ``translate``, enforcing ``glossary`` (see module docstring)."""
    matches = [
        [
            m
            for m in find_terms(glossary, text, src_lang)
            if glossary.concept(m.concept_id).preferred(tgt_lang) is not None
        ]
        for text in texts
    ]
    protected = translate([protect(t, ms) for t, ms in zip(texts, matches, strict=True)])
    need_plain = [
        i
        for i, (out, ms) in enumerate(zip(protected, matches, strict=True))
        if ms and {int(k) for k in _PLACEHOLDER_RE.findall(out)} != set(range(1, len(ms) + 1))
    ]
    plain = (
        dict(zip(need_plain, translate([texts[i] for i in need_plain]), strict=True))
        if need_plain
        else {}
    )
    return [
        _finish(
            glossary, matches[i], protected[i], plain.get(i), tgt_lang, source=texts[i], force=force
        )
        for i in range(len(texts))
    ]


def _finish(
    glossary: Glossary,
    matches: list[TermMatch],
    protected_out: str,
    plain_out: str | None,
    tgt_lang: str,
    *,
    source: str,
    force: ForceFn | None,
) -> Enforced:
    expected = {}
    for k, match in enumerate(matches, start=1):
        preferred = glossary.concept(match.concept_id).preferred(tgt_lang)
        assert preferred is not None  # filtered by enforce()
        expected[k] = preferred.text
    restored_ids = {int(k) for k in _PLACEHOLDER_RE.findall(protected_out)}
    if plain_out is None or restored_ids == set(expected):
        text = _PLACEHOLDER_RE.sub(
            lambda m: expected.get(int(m.group(1)), m.group(0)), protected_out
        )
        methods = dict.fromkeys(expected, "placeholder")
    else:
        text, methods = plain_out, {}
        for k, match in enumerate(matches, start=1):
            if _contains(text, expected[k]):
                methods[k] = "model"
                continue
            variant = min(
                (
                    m
                    for m in [
                        *find_terms(glossary, text, tgt_lang),
                        *find_forbidden(glossary, text, tgt_lang),
                    ]
                    if m.concept_id == match.concept_id and m.term.status != "preferred"
                ),
                key=lambda m: m.start,
                default=None,
            )
            if variant is not None:
                text = text[: variant.start] + expected[k] + text[variant.end :]
                methods[k] = "post-edit"
            else:
                methods[k] = "missing"
        if force is not None:
            for k, match in enumerate(matches, start=1):
                if methods[k] != "missing" or _contains(text, expected[k]):
                    continue
                forced = force(
                    source, _prefix(text, match.start / max(len(source), 1), expected[k])
                )
                if forced is not None and _contains(forced, expected[k]):
                    text, methods[k] = forced, "forced"
    forbidden = []
    for hit in reversed(find_forbidden(glossary, text, tgt_lang)):
        preferred = glossary.concept(hit.concept_id).preferred(tgt_lang)
        replacement = preferred.text if preferred is not None else ""
        text = text[: hit.start] + replacement + text[hit.end :]
        forbidden.append(ForbiddenReport(hit.concept_id, hit.surface, replacement))
    reports = tuple(
        TermReport(
            m.concept_id,
            m.surface,
            expected[k],
            _contains(text, expected[k]),
            methods[k] if _contains(text, expected[k]) or methods[k] == "missing" else "missing",
        )
        for k, m in enumerate(matches, start=1)
    )
    in_source = {_squash(m.group(0)) for m in _LEFTOVER_RE.finditer(source)}
    leftovers = tuple(
        m.group(0) for m in _LEFTOVER_RE.finditer(text) if _squash(m.group(0)) not in in_source
    )
    return Enforced(text, reports, tuple(reversed(forbidden)), leftovers)


def _squash(piece: str) -> str:
    return "".join(piece.split()).upper()


def _prefix(translation: str, ratio: float, term: str) -> str:
    """The words of ``translation`` before ``ratio`` of its length, then ``term``."""
    words = translation.split()
    cut = round(len(words) * min(max(ratio, 0.0), 1.0))
    return " ".join([*words[:cut], term])


def _contains(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE) is not None
