"""`triglot jobs`: background jobs (impact of proposals, re-translation of stale English)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli.base import app, database, fail, load_settings

if TYPE_CHECKING:
    from service.jobs.store import JobStore

jobs_app = typer.Typer(
    help="Background jobs: impact of glossary proposals, re-translation of stale English.",
    no_args_is_help=True,
)
app.add_typer(jobs_app, name="jobs")


@contextmanager
def _job_store() -> Iterator[JobStore]:
    from service.jobs.store import JobStore  # noqa: PLC0415

    with database() as (settings, engine):
        yield JobStore(engine, stale_after=settings.jobs_stale_after_s)


@jobs_app.command("list")
def jobs_list(
    state: Annotated[str | None, typer.Option(help="Only jobs in this state")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Most jobs shown")] = 50,
) -> None:
    """Jobs, newest first: id, kind, state, progress, who made it, when."""
    from service.jobs.store import STATES  # noqa: PLC0415

    if state is not None and state not in STATES:
        fail(f"--state {state!r}: use one of {', '.join(STATES)}", 2)
    with _job_store() as store:
        jobs, total = store.list(state=state, limit=limit)
    if not jobs:
        typer.echo("no jobs", err=True)
    for j in jobs:
        progress = f"{j.done}/{j.total if j.total is not None else '?'}"
        flag = " (cancel asked)" if j.cancel_requested and not j.finished else ""
        typer.echo(
            f"{j.id}\t{j.kind}\t{j.state}{flag}\t{progress}\t{j.created_by}\t"
            f"{j.created_at:%Y-%m-%dT%H:%M:%SZ}\t{j.error or ''}".rstrip("\t")
        )
    if total > len(jobs):
        typer.echo(f"{total - len(jobs)} more (--limit)", err=True)


@jobs_app.command("cancel")
def jobs_cancel(job_id: Annotated[int, typer.Argument(help="Job id")]) -> None:
    """Cancel a job: a queued one at once, a running one at its next progress report."""
    with _job_store() as store:
        job = store.cancel(job_id)
    typer.echo(f"job {job.id}: {job.state}{' (cancel asked)' if not job.finished else ''}")


@jobs_app.command("run")
def jobs_run() -> None:
    """Run the queued jobs in this process until none is left (no server needed)."""
    from service.api.deps import build_services  # noqa: PLC0415
    from service.jobs.kinds import handlers  # noqa: PLC0415
    from service.jobs.worker import JobWorker  # noqa: PLC0415

    services = build_services(load_settings())
    try:
        worker = JobWorker(
            services.jobs,
            handlers(
                documents=services.documents,
                translations=services.translations,
                glossaries=services.glossaries,
                engine=services.translator,
            ),
        )
        ran = worker.run_pending()
    finally:
        services.db.dispose()
    for job in ran:
        typer.echo(f"job {job.id}\t{job.kind}\t{job.state}\t{job.error or ''}".rstrip("\t"))
    if not ran:
        typer.echo("no queued jobs", err=True)
