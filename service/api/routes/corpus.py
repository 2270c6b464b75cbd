"""Corpus work as background jobs: ingest an archive of pages, translate the stored corpus.

Both answer 202 with the job (``GET /jobs/{id}`` for its progress and result,
``POST /jobs/{id}/cancel`` to stop it); the job survives a restart and resumes where its last
progress report left it (``service.jobs.corpus``). Writing routes: a key when
``TRIGLOT_API_KEYS`` is set.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from service.api.deps import EngineDep, GlossariesDep, SettingsDep
from service.api.jobs import ActorDep, JobsDep, WorkerDep
from service.api.schemas import INPUT_ERRORS, ErrorOut
from service.errors import BadInputError
from service.jobs.corpus import submit_archive, submit_translation
from service.mt.languages import resolve_tag
from service.textcheck import text_problem

router = APIRouter(tags=["jobs"])


class CorpusTranslateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str = Field(default="en", min_length=2, max_length=20, description="Target language")
    scope: Literal["missing", "all"] = Field(
        default="missing",
        description="`missing`: documents with no translation into `target` yet; `all`: every "
        "stored document (replacing what is there)",
    )
    glossary: str | None = Field(
        default=None,
        max_length=200,
        description="Glossary enforced (its current version), `none` for none; default: "
        "TRIGLOT_STORED_GLOSSARY",
    )


def _accepted(response: Response, job: dict[str, Any]) -> dict[str, Any]:
    response.headers["Location"] = f"/jobs/{job['id']}"
    return job


@router.post(
    "/corpus/ingest",
    status_code=202,
    responses={**INPUT_ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/zip": {"schema": {"type": "string", "format": "binary"}},
                "application/gzip": {"schema": {"type": "string", "format": "binary"}},
                # The archive is recognised by its bytes, whatever the type says; generic
                # clients (and schemathesis, which has no zip serializer) send octet-stream.
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
async def post_corpus_ingest(
    request: Request,
    response: Response,
    *,
    settings: SettingsDep,
    jobs: JobsDep,
    worker: WorkerDep,
    who: ActorDep,
    name: Annotated[str, Query(min_length=1, max_length=500)] = "upload.zip",
) -> dict[str, Any]:
    """Ingest an archive (the request body: a `.zip` or `.tar.gz` of `.txt` and `.html`
    pages) as a job: each page analysed, paired and stored. The archive is checked first
    (size, number of pages, unpacked size, paths that leave it): a bad one is refused here
    and nothing is queued."""
    problem = text_problem(name, "name")
    if problem:
        raise BadInputError(problem)
    body = await request.body()
    if not body:
        raise BadInputError("body: empty; send a .zip or .tar.gz of .txt/.html pages")
    job = await run_in_threadpool(submit_archive, jobs, settings, body, name=name, created_by=who)
    worker.wake()
    return _accepted(response, job.to_json())


@router.post(
    "/corpus/translate",
    status_code=202,
    responses={**INPUT_ERRORS, 404: {"model": ErrorOut, "description": "No such glossary"}},
)
async def post_corpus_translate(
    body: CorpusTranslateIn,
    response: Response,
    *,
    settings: SettingsDep,
    engine: EngineDep,
    glossaries: GlossariesDep,
    jobs: JobsDep,
    worker: WorkerDep,
    who: ActorDep,
) -> dict[str, Any]:
    """Translate the stored corpus as a job (each document's French and Vietnamese
    segments, stored with provenance, one document at a time)."""
    target = resolve_tag(body.target, engine.languages(), role="target")
    job = await run_in_threadpool(
        submit_translation,
        jobs,
        glossaries,
        settings,
        target=target,
        scope=body.scope,
        glossary=body.glossary,
        created_by=who,
    )
    worker.wake()
    return _accepted(response, job.to_json())
