"""The kinds of background job and what each does.

- ``impact``: params ``glossary``, ``proposal_id``, ``cap``: the stored segments whose English
  the proposal would change (``service.mt.impact``), stored as the job's result, which the API
  pages through;
- ``retranslate``: params ``glossary``: stored English made with an older version of the
  glossary, translated again with the current one, document by document (what is done stays
  done if the job is cancelled or the server stops; a resumed job continues with the rest).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.jobs.store import Job, JobStore
from service.jobs.worker import Handler, JobContext, JobWorker
from service.mt.engine import TranslationEngine
from service.mt.impact import impact
from service.mt.translations import retranslate_stale
from service.store.documents import DocumentStore
from service.store.glossaries import GlossaryStore, quietly
from service.store.translations import TranslationStore

IMPACT = "impact"
RETRANSLATE = "retranslate"


def handlers(
    *,
    documents: DocumentStore,
    translations: TranslationStore,
    glossaries: GlossaryStore,
    engine: TranslationEngine,
) -> dict[str, Handler]:
    def run_impact(ctx: JobContext) -> dict[str, Any]:
        params = ctx.job.params
        proposal = glossaries.proposal(params["glossary"], int(params["proposal_id"]))
        base = glossaries.version(proposal.glossary, proposal.base_version)
        content = glossaries.proposal_content(proposal)
        # The diff of two large versions makes a million short-lived objects: with the
        # collector paused, no full collection holds the interpreter (and /health) meanwhile.
        return quietly(
            lambda: impact(
                documents, engine, base, content, cap=int(params["cap"]), progress=ctx.progress
            )
        )

    def run_retranslate(ctx: JobContext) -> dict[str, Any]:
        counts: dict[str, int] = {}

        def progress(done: int, total: int) -> None:
            ctx.partial = {"documents": done}
            ctx.progress(done, total)

        counts = retranslate_stale(
            documents,
            translations,
            engine,
            glossaries,
            ctx.job.params["glossary"],
            progress=progress,
        )
        return dict(counts)

    return {IMPACT: run_impact, RETRANSLATE: run_retranslate}


def submit_retranslation(
    jobs: JobStore, translations: TranslationStore, glossary: str, *, created_by: str
) -> Job | None:
    """Queue the re-translation of ``glossary``'s stale English, if there is any."""
    total = translations.count_stale(glossary)
    if total == 0:
        return None
    return jobs.submit(RETRANSLATE, {"glossary": glossary}, created_by=created_by, total=total)


def impact_job(
    store: GlossaryStore, jobs: JobStore, name: str, pid: int, *, cap: int, who: str, fresh: bool
) -> tuple[Job, bool]:
    """The proposal's impact job, submitted if it has none (or ``fresh``); (job, new)."""
    proposal = store.proposal(name, pid)
    if proposal.impact_job_id is not None and not fresh:
        return jobs.get(proposal.impact_job_id), False
    if fresh and proposal.impact_job_id is not None:
        old = jobs.get(proposal.impact_job_id)
        if not old.finished:
            return old, False
    job = jobs.submit(IMPACT, {"glossary": name, "proposal_id": pid, "cap": cap}, created_by=who)
    if fresh:
        store.replace_impact_job(name, pid, job.id)
        return job, True
    winner = store.set_impact_job(name, pid, job.id)
    if winner != job.id:  # another request submitted one first
        jobs.cancel(job.id)
        return jobs.get(winner), False
    return job, True


def make_worker(
    jobs: JobStore,
    *,
    documents: DocumentStore,
    translations: TranslationStore,
    glossaries: GlossaryStore,
    engine: TranslationEngine,
    poll_s: float = 1.0,
    more: Mapping[str, Handler] | None = None,
) -> JobWorker:
    """The worker for every kind here, and ``more`` (the corpus jobs, ``service.jobs.corpus``)."""
    return JobWorker(
        jobs,
        {
            **handlers(
                documents=documents,
                translations=translations,
                glossaries=glossaries,
                engine=engine,
            ),
            **(more or {}),
        },
        poll_s=poll_s,
    )
