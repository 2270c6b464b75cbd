"""`triglot jobs`: background jobs (impact of proposals, re-translation of stale English,
corpus ingest from an archive and corpus translation)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli.base import EXIT_NOINPUT, app, database, fail, load_settings

if TYPE_CHECKING:
    from service.api.deps import Services
    from service.jobs.store import JobStore
    from service.jobs.worker import Handler

jobs_app = typer.Typer(
    help="Background jobs: impact of glossary proposals, re-translation of stale English, "
    "ingest of an archive of pages, translation of the stored corpus.",
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
    from service.jobs.kinds import make_worker  # noqa: PLC0415

    services = build_services(load_settings())
    try:
        worker = make_worker(
            services.jobs,
            documents=services.documents,
            translations=services.translations,
            glossaries=services.glossaries,
            engine=services.translator,
            more=_corpus_handlers(services),
        )
        ran = worker.run_pending()
    finally:
        services.db.dispose()
    for job in ran:
        typer.echo(f"job {job.id}\t{job.kind}\t{job.state}\t{job.error or ''}".rstrip("\t"))
    if not ran:
        typer.echo("no queued jobs", err=True)


def _corpus_handlers(services: Services) -> dict[str, Handler]:
    from service.jobs.corpus import corpus_handlers  # noqa: PLC0415

    return corpus_handlers(
        services.settings,
        documents=services.documents,
        translations=services.translations,
        glossaries=services.glossaries,
        engine=services.translator,
        memory=services.memory,
    )


@jobs_app.command("show")
def jobs_show(job_id: Annotated[int, typer.Argument(help="Job id")]) -> None:
    """A job as JSON: state, progress (done of total), result or error (as GET /jobs/{id})."""
    import json  # noqa: PLC0415

    with _job_store() as store:
        job = store.get(job_id)
    typer.echo(json.dumps(job.to_json(), ensure_ascii=False, indent=2))


@jobs_app.command("ingest")
def jobs_ingest(
    archive: Annotated[Path, typer.Argument(help="A .zip or .tar.gz of .txt/.html pages")],
) -> None:
    """Queue an archive of pages as an ingest job (checked first: size, entries, paths); the
    server's worker or `triglot jobs run` runs it. Prints the job id."""
    from service.jobs.corpus import submit_archive  # noqa: PLC0415

    try:
        data = archive.read_bytes()
    except OSError as exc:
        fail(f"{archive}: {exc.strerror or exc}", EXIT_NOINPUT)
    with database() as (settings, engine):
        from service.jobs.store import JobStore  # noqa: PLC0415

        job = submit_archive(JobStore(engine), settings, data, name=archive.name, created_by=_who())
    typer.echo(f"job {job.id}\t{job.kind}\t{job.state}\t{job.total} pages")


@jobs_app.command("translate")
def jobs_translate(
    target: Annotated[str, typer.Option(help="Target language")] = "en",
    all_documents: Annotated[
        bool,
        typer.Option("--all", help="Every document, not only those with no translation yet"),
    ] = False,
    glossary: Annotated[
        str | None,
        typer.Option(
            help="Glossary enforced (none: no glossary) [default: TRIGLOT_STORED_GLOSSARY]"
        ),
    ] = None,
) -> None:
    """Queue the translation of the stored corpus as a job; prints the job id."""
    from service.jobs.corpus import submit_translation  # noqa: PLC0415
    from service.store.glossaries import GlossaryStore  # noqa: PLC0415

    if target not in ("en", "fr", "vi"):
        fail(f"--target {target!r}: use en, fr or vi", 2)
    with database() as (settings, engine):
        from service.jobs.store import JobStore  # noqa: PLC0415

        job = submit_translation(
            JobStore(engine),
            GlossaryStore(engine),
            settings,
            target=target,
            scope="all" if all_documents else "missing",
            glossary=glossary,
            created_by=_who(),
        )
    typer.echo(f"job {job.id}\t{job.kind}\t{job.state}")


def _who() -> str:
    import getpass  # noqa: PLC0415

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
