"""Background jobs in the app: the worker the lifespan starts, the job store and the worker
as dependencies, and who a caller is (the name recorded as a job's, a proposal's or an
approval's author)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.api.deps import GuardDep, Services, ServicesDep
from service.errors import ServiceError
from service.jobs.corpus import corpus_handlers
from service.jobs.kinds import make_worker
from service.jobs.store import JobStore
from service.jobs.worker import JobWorker
from service.store.glossaries import NONE


class GlossarySettingError(ServiceError):
    status = 500
    code = "bad_setting"


def start_jobs(services: Services) -> JobWorker:
    """Check the glossary settings name existing glossaries, then start the job worker (it
    also resumes jobs left queued or running by a process that stopped)."""
    settings = services.settings
    known = services.glossaries.names()
    for var, value in (
        ("TRIGLOT_DEFAULT_GLOSSARY", settings.default_glossary),
        ("TRIGLOT_STORED_GLOSSARY", settings.stored_glossary),
    ):
        if value is not None and value != NONE and value not in known:
            raise GlossarySettingError(
                f"{var}={value}: no such glossary; available: {', '.join(known) or 'none'}"
            )
    worker = make_worker(
        services.jobs,
        documents=services.documents,
        translations=services.translations,
        glossaries=services.glossaries,
        engine=services.translator,
        more=corpus_handlers(
            settings,
            documents=services.documents,
            translations=services.translations,
            glossaries=services.glossaries,
            engine=services.translator,
            memory=services.memory,
        ),
    )
    worker.start()
    return worker


async def get_jobs(svc: ServicesDep) -> JobStore:
    return svc.jobs


async def get_worker(request: Request) -> JobWorker:
    worker: JobWorker = request.app.state.jobs_worker
    return worker


async def actor(key: GuardDep) -> str:
    """The caller's name: its API key's name, or ``anonymous`` without one."""
    return key.name if key is not None else "anonymous"


JobsDep = Annotated[JobStore, Depends(get_jobs)]
WorkerDep = Annotated[JobWorker, Depends(get_worker)]
ActorDep = Annotated[str, Depends(actor)]
