"""What routes are handed: the services the lifespan builds, and one ``Annotated`` alias per
thing a route may ask for (``svc: ServicesDep``, ``store: GlossariesDep``, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from aligner.page import prepare as prepare_page_analysis
from glossary.tsv import shipped
from service.align.langid_cache import install as install_cached_langid
from service.api.access import guard
from service.api.limits import Limiter, RateLimiter, RedisRateLimiter
from service.api.params import DetectIn, TranslateIn, TranslateLimits, request_params
from service.files.store import FileStore
from service.mt.argos import ArgosEngine
from service.settings import Settings
from service.store.db import make_engine, migrate
from service.store.documents import DocumentStore
from service.store.glossaries import GlossaryStore
from service.store.keys import ApiKey, KeyStore
from service.store.suggestions import SuggestionStore
from service.store.translations import TranslationStore


@dataclass(frozen=True, slots=True)
class Services:
    """What the lifespan builds and the dependencies hand out."""

    settings: Settings
    db: Engine
    documents: DocumentStore
    translator: ArgosEngine
    translations: TranslationStore
    glossaries: GlossaryStore
    keys: KeyStore
    limiter: Limiter
    suggestions: SuggestionStore
    files: FileStore


def build_services(settings: Settings) -> Services:
    """Create the data folder, open and migrate the database, load the page models."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    install_cached_langid(settings.resolved_cache_dir())
    prepare_page_analysis()
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    glossaries = GlossaryStore(engine)
    glossaries.ensure(shipped(), note="shipped with Triglot")
    translator = ArgosEngine(
        settings.resolved_packages_dir(),
        settings.data_dir / "argos",
        compute_type=settings.compute_type,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
    )
    files = FileStore(
        settings.data_dir / "files",
        ttl_seconds=settings.file_ttl_seconds,
        max_files=settings.max_stored_files,
    )
    files.purge()
    return Services(
        settings=settings,
        db=engine,
        documents=DocumentStore(engine),
        translator=translator,
        translations=TranslationStore(engine),
        glossaries=glossaries,
        keys=KeyStore(engine),
        limiter=build_limiter(settings),
        suggestions=SuggestionStore(engine),
        files=files,
    )


def build_limiter(settings: Settings) -> Limiter:
    """Rate limits in Redis when ``TRIGLOT_REDIS_URL`` is set (checked now: start-up fails if
    it does not answer), in this process otherwise."""
    if settings.redis_url is None:
        return RateLimiter()
    limiter = RedisRateLimiter.from_url(settings.redis_url)
    limiter.check()
    return limiter


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(svc: ServicesDep) -> Settings:
    return svc.settings


def get_documents(svc: ServicesDep) -> DocumentStore:
    return svc.documents


def get_translations(svc: ServicesDep) -> TranslationStore:
    return svc.translations


def get_glossaries(svc: ServicesDep) -> GlossaryStore:
    return svc.glossaries


def get_engine(svc: ServicesDep) -> ArgosEngine:
    return svc.translator


SettingsDep = Annotated[Settings, Depends(get_settings)]
DocumentsDep = Annotated[DocumentStore, Depends(get_documents)]
TranslationsDep = Annotated[TranslationStore, Depends(get_translations)]
GlossariesDep = Annotated[GlossaryStore, Depends(get_glossaries)]
EngineDep = Annotated[ArgosEngine, Depends(get_engine)]
GuardDep = Annotated[ApiKey | None, Depends(guard)]
"""The caller's API key, if any (the access guard runs once per request, on every route)."""


async def translate_params(request: Request, settings: SettingsDep, key: GuardDep) -> TranslateIn:
    """``/translate``'s parameters from JSON, a form or a multipart form, within the batch and
    character limits (a key's own character limit replaces the setting, as LibreTranslate)."""
    max_chars = settings.translate_max_chars
    if key is not None and key.char_limit is not None:
        max_chars = key.char_limit
    limits = TranslateLimits(max_batch=settings.translate_max_batch, max_chars=max_chars)
    return TranslateIn.parse(await request_params(request), limits)


async def detect_params(request: Request) -> DetectIn:
    return DetectIn.parse(await request_params(request))


TranslateParams = Annotated[TranslateIn, Depends(translate_params)]
DetectParams = Annotated[DetectIn, Depends(detect_params)]
