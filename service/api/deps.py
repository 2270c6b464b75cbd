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
from service.api.access import RateLimitedError
from service.api.limits import Limiter, RateLimiter, RedisRateLimiter
from service.api.params import DetectIn, TranslateIn, TranslateLimits, request_params
from service.files.store import FileStore
from service.jobs.store import JobStore
from service.mt.argos import ArgosEngine
from service.settings import Settings
from service.store.alignments import AlignmentStore
from service.store.db import make_engine, migrate, private_dir
from service.store.documents import DocumentStore
from service.store.glossaries import GlossaryStore, Limits
from service.store.keys import ApiKey, KeyStore
from service.store.suggestions import SuggestionStore
from service.store.translations import TranslationStore
from service.tm.memory import TranslationMemory


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
    alignments: AlignmentStore
    memory: TranslationMemory
    jobs: JobStore


def build_services(settings: Settings) -> Services:
    """Create the data folder (private to the service's user), open and migrate the database,
    load the page models."""
    private_dir(settings.data_dir)
    install_cached_langid(settings.resolved_cache_dir())
    prepare_page_analysis()
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    glossaries = GlossaryStore(
        engine,
        limits=Limits(
            max_concepts=settings.glossary_max_concepts, max_changes=settings.proposal_max_changes
        ),
    )
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
    documents = DocumentStore(engine)
    alignments = AlignmentStore(engine)
    return Services(
        settings=settings,
        db=engine,
        documents=documents,
        translator=translator,
        translations=TranslationStore(engine),
        glossaries=glossaries,
        keys=KeyStore(engine),
        limiter=build_limiter(settings),
        suggestions=SuggestionStore(engine),
        files=files,
        alignments=alignments,
        memory=TranslationMemory(
            documents, alignments, threshold=settings.tm_fuzzy_threshold, enabled=settings.tm
        ),
        jobs=JobStore(engine, stale_after=settings.jobs_stale_after_s),
    )


def build_limiter(settings: Settings) -> Limiter:
    """Rate limits in Redis when ``TRIGLOT_REDIS_URL`` is set (checked now: start-up fails if
    it does not answer), in this process otherwise."""
    if settings.redis_url is None:
        return RateLimiter()
    limiter = RedisRateLimiter.from_url(settings.redis_url)
    limiter.check()
    return limiter


# Dependencies are ``async def``: a plain ``def`` one costs a thread-pool hop per request.


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(svc: ServicesDep) -> Settings:
    return svc.settings


async def get_documents(svc: ServicesDep) -> DocumentStore:
    return svc.documents


async def get_translations(svc: ServicesDep) -> TranslationStore:
    return svc.translations


async def get_glossaries(svc: ServicesDep) -> GlossaryStore:
    return svc.glossaries


async def get_engine(svc: ServicesDep) -> ArgosEngine:
    return svc.translator


async def get_alignments(svc: ServicesDep) -> AlignmentStore:
    return svc.alignments


SettingsDep = Annotated[Settings, Depends(get_settings)]
AlignmentsDep = Annotated[AlignmentStore, Depends(get_alignments)]


async def get_memory(svc: ServicesDep) -> TranslationMemory:
    return svc.memory


MemoryDep = Annotated[TranslationMemory, Depends(get_memory)]
DocumentsDep = Annotated[DocumentStore, Depends(get_documents)]
TranslationsDep = Annotated[TranslationStore, Depends(get_translations)]
GlossariesDep = Annotated[GlossaryStore, Depends(get_glossaries)]
EngineDep = Annotated[ArgosEngine, Depends(get_engine)]


def caller_key(request: Request) -> ApiKey | None:
    """The caller's API key, if any (checked by the edge middleware, ``service.api.edge``)."""
    key: ApiKey | None = request.scope.get("state", {}).get("triglot_key")
    return key


async def get_caller(request: Request) -> ApiKey | None:
    return caller_key(request)


GuardDep = Annotated[ApiKey | None, Depends(get_caller)]
"""The caller's key (None without one); the edge middleware has checked it already."""


async def translate_params(request: Request, svc: ServicesDep) -> TranslateIn:
    """``/translate``'s parameters from JSON, a form or a multipart form, within the batch,
    character and word limits (a key's own character limit replaces the setting, as
    LibreTranslate), then charged to the caller's character budget per minute."""
    settings = svc.settings
    key = caller_key(request)
    max_chars = settings.translate_max_chars
    if key is not None and key.char_limit is not None:
        max_chars = key.char_limit
    limits = TranslateLimits(
        max_batch=settings.translate_max_batch,
        max_chars=max_chars,
        max_word_chars=settings.translate_max_word_chars,
    )
    params = TranslateIn.parse(await request_params(request), limits)
    budget = settings.translate_chars_per_minute
    if budget:
        client = request.scope.get("state", {}).get("triglot_client", "unknown")
        cost = sum(len(t) for t in params.texts)
        decision = svc.limiter.hit(f"characters of {client}", budget, cost=cost)
        if not decision.allowed:
            raise RateLimitedError(
                f"Too many characters: {client} may translate {budget} characters per minute "
                f"(TRIGLOT_TRANSLATE_CHARS_PER_MINUTE); this request has {cost}; "
                f"retry after {decision.retry_after} s",
                decision.retry_after,
                budget,
            )
    return params


async def detect_params(request: Request) -> DetectIn:
    return DetectIn.parse(await request_params(request))


TranslateParams = Annotated[TranslateIn, Depends(translate_params)]
DetectParams = Annotated[DetectIn, Depends(detect_params)]
