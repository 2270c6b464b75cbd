"""`triglot bulk`: corpus jobs, in this process or on a Ray cluster (`--ray`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from service.cli.base import (
    EXIT_CONFIG,
    EXIT_DATAERR,
    EXIT_SOME_FAILED,
    EXIT_UNAVAILABLE,
    app,
    fail,
    load_settings,
)
from service.errors import ServiceError

bulk_app = typer.Typer(
    help="Corpus jobs (ingest, alignment, translation) on this machine or a Ray cluster.",
    no_args_is_help=True,
)
app.add_typer(bulk_app, name="bulk")


@bulk_app.command("ingest")
def bulk_ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Page files, or folders of pages")],
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            help="Ray cluster address (ray://head:10001, auto) or 'local' to start Ray here "
            "[default: TRIGLOT_RAY_ADDRESS; unset: run in this process]",
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=1024, help="Ray actors (one engine each)")] = 2,
    translate: Annotated[
        str | None, typer.Option("--translate", help="Also translate every page into LANG")
    ] = None,
    align: Annotated[
        bool, typer.Option(help="Pair French pages with their stored Vietnamese originals")
    ] = True,
    pairs_out: Annotated[
        Path | None,
        typer.Option(help="Write the cross-page pairs here, one JSON object a line"),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, max=1000, help="Pages (or documents) per batch")
    ] = 32,
) -> None:
    """Ingest pages (analysis and pairs), align French pages with their originals and
    translate them, writing everything to the database (TRIGLOT_DATABASE_URL)."""
    from tqdm import tqdm  # noqa: PLC0415

    from service.align.files import collect_pages  # noqa: PLC0415
    from service.bulk.pipeline import run_bulk, worker_settings  # noqa: PLC0415
    from service.bulk.runners import (  # noqa: PLC0415
        LocalRunner,
        RayMissingError,
        RayRunner,
        RayUnreachableError,
        Runner,
    )
    from service.bulk.worker import Aligned  # noqa: PLC0415
    from service.store.db import make_engine, migrate  # noqa: PLC0415

    settings = load_settings()
    address = ray or settings.ray_address
    if translate is not None and translate not in ("en", "fr", "vi"):
        fail(f"--translate {translate!r}: use en, fr or vi", 2)
    try:
        files = collect_pages(paths)
    except ServiceError as exc:
        fail(str(exc), 66)
    if (
        address is not None
        and address != "local"
        and settings.resolved_database_url().startswith("sqlite")
    ):
        typer.echo(
            "triglot: a SQLite database is reachable only from this machine: Ray workers "
            "elsewhere need TRIGLOT_DATABASE_URL=postgresql+psycopg://...",
            err=True,
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    migrate(engine)
    engine.dispose()
    shared = worker_settings(settings)
    runner: Runner
    try:
        if address is None:
            runner = LocalRunner(shared)
        else:
            runner = RayRunner(shared, address=address, workers=workers)
    except RayMissingError as exc:
        fail(str(exc), EXIT_CONFIG)
    except RayUnreachableError as exc:
        fail(str(exc), EXIT_UNAVAILABLE)

    out = pairs_out.open("w", encoding="utf-8") if pairs_out is not None else None

    def write(result: Aligned) -> None:
        if out is not None:
            for pair in result.pairs:
                row = {"fr_document": result.fr_id, "vi_document": result.vi_id, **pair}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")

    bars: dict[str, Any] = {}  # stage -> its tqdm bar

    def progress(stage: str, n: int) -> None:
        if stage not in bars:
            for bar in bars.values():
                bar.close()
            bars[stage] = tqdm(desc=stage, unit="item", file=sys.stderr, disable=None)
        bars[stage].update(n)

    try:
        report = run_bulk(
            files,
            runner,
            max_bytes=max(settings.max_page_bytes, settings.max_html_bytes),
            batch_size=batch_size,
            align=align,
            translate_to=translate,
            on_aligned=write,
            progress=progress,
        )
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    finally:
        for bar in bars.values():
            bar.close()
        if out is not None:
            out.close()
        runner.close()
    for name, reason in report.failed:
        typer.echo(f"triglot: {name}: {reason}", err=True)
    where = "this process" if address is None else f"Ray ({address}, {runner.workers} workers)"
    typer.echo(
        f"{report.stored} of {report.pages} pages stored ({report.created} new, "
        f"{report.segments} segments) on {where}"
    )
    if align:
        typer.echo(
            f"{report.aligned_documents} French pages aligned with their originals "
            f"({report.cross_pairs} pairs; {report.stored_alignments} cross-page alignments "
            "stored)"
        )
    if translate is not None:
        typer.echo(
            f"{report.translated_documents} documents translated to {translate} "
            f"({report.translated_segments} segments)"
        )
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    peaks = ", ".join(f"{p:.0f}" for p in report.peak_rss_mb)
    typer.echo(f"time: {stages}; peak memory per worker (MiB): {peaks}")
    if report.failed:
        raise typer.Exit(EXIT_SOME_FAILED)
