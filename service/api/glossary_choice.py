"""Which glossary a /translate or /translate_file request gets: the one it names (``glossary=NAME``,
``NAME@VERSION``, or ``none`` for none), else its API key's, else the server's default
(TRIGLOT_DEFAULT_GLOSSARY). Unchanged LibreTranslate clients name none, so the key's or the
server's glossary is what reaches them.

A request that gets no glossary costs nothing here (no query, no thread). Otherwise, when
this process read the glossary's current version number within the last second
(``service.store.glossaries.HEAD_TTL``) and has that version parsed, the choice is made on
the event loop without the database (a version approved by another process is used within a
second; one approved here, at once); else the one small query runs in the thread pool,
never on the event loop, and the parsed version comes from the glossary store's cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from starlette.concurrency import run_in_threadpool

from glossary import Glossary
from service.api.deps import GuardDep, Services, ServicesDep, TranslateParams
from service.api.params import TranslateRequestError
from service.errors import NotFoundError, ServiceError
from service.store.db import MAX_ID
from service.store.glossaries import NONE, GlossaryStore
from service.store.keys import ApiKey


@dataclass(frozen=True, slots=True)
class ChosenGlossary:
    """A glossary version and who chose it: ``request``, ``key`` or ``default``."""

    glossary: Glossary
    version: int
    chosen_by: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.glossary.name, "version": self.version, "chosen_by": self.chosen_by}


async def choose_glossary(
    body: TranslateParams, key: GuardDep, svc: ServicesDep
) -> ChosenGlossary | None:
    return await glossary_for(body.glossary, key, svc)


async def glossary_for(
    requested: str | None, key: ApiKey | None, svc: Services
) -> ChosenGlossary | None:
    """The glossary for a request that names ``requested`` (None: names none), made with
    ``key``: the rule above, shared by /translate and /translate_file."""
    name, chosen_by = requested, "request"
    if name is None and key is not None and key.glossary:
        name, chosen_by = key.glossary, "key"
    if name is None and svc.settings.default_glossary:
        name, chosen_by = svc.settings.default_glossary, "default"
    if name is None or name == NONE:
        return None
    cached = svc.glossaries.current_cached(name)  # None for NAME@N, or when not read lately
    if cached is not None:
        return ChosenGlossary(cached[1], cached[0], chosen_by)
    return await run_in_threadpool(resolve_named, svc.glossaries, name, chosen_by)


def resolve_named(store: GlossaryStore, name: str, chosen_by: str) -> ChosenGlossary:
    """``name`` (``NAME`` or ``NAME@N``) as a glossary version; 400 if there is none."""
    base, _, pinned = name.partition("@")
    if not pinned:
        try:
            number, current = store.current(base)
        except NotFoundError:
            raise _unknown(store, name) from None
        return ChosenGlossary(current, number, chosen_by)
    if store.head(base) is None:
        raise _unknown(store, name)
    if not pinned.isdigit() or not 1 <= int(pinned) <= MAX_ID:
        raise TranslateRequestError(
            f"glossary version must be a number from 1 to {MAX_ID}: {name!r}"
        )
    try:
        return ChosenGlossary(store.version(base, int(pinned)), int(pinned), chosen_by)
    except ServiceError as exc:
        raise TranslateRequestError(str(exc)) from None


def _unknown(store: GlossaryStore, name: str) -> TranslateRequestError:
    known = store.names()
    return TranslateRequestError(
        f"unknown glossary {name!r}; available: {', '.join(known) or 'none'}"
    )


ChosenGlossaryDep = Annotated[ChosenGlossary | None, Depends(choose_glossary)]
