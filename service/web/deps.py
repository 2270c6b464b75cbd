"""What the pages are handed: the stores and engine the app's lifespan built.

The web room sits beside ``service.api`` (neither imports the other), so pages read the
services from ``app.state`` here instead of ``service.api.deps``; the objects are the same.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.mt.argos import ArgosEngine
from service.settings import Settings
from service.store.alignments import AlignmentStore
from service.store.documents import DocumentStore
from service.store.glossaries import GlossaryStore
from service.store.translations import TranslationStore


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.services.settings
    return settings


async def _documents(request: Request) -> DocumentStore:
    store: DocumentStore = request.app.state.services.documents
    return store


async def _translations(request: Request) -> TranslationStore:
    store: TranslationStore = request.app.state.services.translations
    return store


async def _alignments(request: Request) -> AlignmentStore:
    store: AlignmentStore = request.app.state.services.alignments
    return store


async def _glossaries(request: Request) -> GlossaryStore:
    store: GlossaryStore = request.app.state.services.glossaries
    return store


async def _engine(request: Request) -> ArgosEngine:
    engine: ArgosEngine = request.app.state.services.translator
    return engine


SettingsDep = Annotated[Settings, Depends(_settings)]
DocumentsDep = Annotated[DocumentStore, Depends(_documents)]
TranslationsDep = Annotated[TranslationStore, Depends(_translations)]
GlossariesDep = Annotated[GlossaryStore, Depends(_glossaries)]
AlignmentsDep = Annotated[AlignmentStore, Depends(_alignments)]
EngineDep = Annotated[ArgosEngine, Depends(_engine)]


async def _who(request: Request) -> str:
    """The caller's API key name (set by the access guard), or ``anonymous``."""
    key = getattr(request.state, "api_key", None)
    return str(key.name) if key is not None else "anonymous"


WhoDep = Annotated[str, Depends(_who)]
