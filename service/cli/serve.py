"""`triglot serve`: the HTTP service."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from fastapi import FastAPI

from service.cli.base import EXIT_CONFIG, EXIT_USAGE, app, fail, load_settings


@app.command("serve")
def serve_cmd(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (0: any free port)")] = None,
    seeds: Annotated[
        Path | None, typer.Option(help="Pages to ingest when the database is empty")
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes sharing the port (uvicorn's workers); with more than one, "
            "set TRIGLOT_REDIS_URL so that rate limits are shared",
        ),
    ] = 1,
) -> None:
    """Run the HTTP service; an empty database first receives the seed pages."""
    import uvicorn  # noqa: PLC0415

    from service.align.files import collect_pages  # noqa: PLC0415
    from service.align.ingest import ingest_files  # noqa: PLC0415
    from service.api.app import create_app  # noqa: PLC0415
    from service.api.deps import build_services  # noqa: PLC0415
    from service.api.server import EnvBoundedHttpProtocol, bounded_protocol  # noqa: PLC0415
    from service.errors import ServiceError  # noqa: PLC0415

    settings = load_settings(host=host, port=port, seeds_dir=seeds)
    logging.getLogger().setLevel(settings.log_level)
    if workers > 1 and settings.port == 0:
        fail("--workers needs a fixed --port (workers share one socket)", EXIT_USAGE)
    try:
        services = build_services(settings)
    except ServiceError as exc:
        fail(str(exc), EXIT_CONFIG)
    seeds_dir = settings.seeds_dir if settings.seeds_dir is not None else Path("seeds")
    if services.documents.count() == 0 and seeds_dir.is_dir():
        files = collect_pages([seeds_dir])
        for result in ingest_files(services.documents, files, max_bytes=settings.max_page_bytes):
            if result.error is not None:
                typer.echo(f"triglot: seed {result.error}", err=True)
        typer.echo(
            f"triglot: ingested {services.documents.count()} seed pages from {seeds_dir}", err=True
        )
    if settings.api_keys and not services.keys.any_active():
        typer.echo(
            "triglot: TRIGLOT_API_KEYS is on but no key is active: every change will be "
            "refused until one is made with `triglot keys add NAME`",
            err=True,
        )
    if workers > 1:
        if settings.redis_url is None and (settings.rate_limit or settings.key_rate_limit):
            typer.echo(
                f"triglot: {workers} workers without TRIGLOT_REDIS_URL: each counts rate "
                "limits on its own (a client gets up to the limit times the workers)",
                err=True,
            )
        services.db.dispose()
        # Each worker process builds its own services from the environment (settings are
        # read from TRIGLOT_*; the command's options are handed down the same way).
        os.environ.update(
            {"TRIGLOT_HOST": settings.host, "TRIGLOT_PORT": str(settings.port)}
            | ({"TRIGLOT_SEEDS_DIR": str(seeds)} if seeds is not None else {})
        )
        uvicorn.run(
            "service.cli.serve:worker_app",
            factory=True,
            workers=workers,
            host=settings.host,
            port=settings.port,
            log_level="info",
            access_log=settings.access_log,
            proxy_headers=bool(settings.forwarded_allow_ips),
            forwarded_allow_ips=settings.forwarded_allow_ips or None,
            http=EnvBoundedHttpProtocol,
            timeout_keep_alive=settings.keep_alive_timeout,
        )
        return
    app_ = create_app(settings, services=services, serving=True)
    uvicorn.run(
        app_,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=settings.access_log,
        # X-Forwarded-For only from the proxies named (none by default, not even loopback)
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        http=bounded_protocol(
            max_header_bytes=settings.max_header_bytes,
            header_timeout=settings.header_timeout,
            body_timeout=settings.body_timeout,
        ),
        timeout_keep_alive=settings.keep_alive_timeout,
    )


def worker_app() -> FastAPI:
    """The app of one `triglot serve --workers N` worker: settings from the environment, its
    own database pool, engine and limiter (uvicorn calls this in each worker process)."""
    from service.api.app import create_app  # noqa: PLC0415

    settings = load_settings()
    logging.getLogger().setLevel(settings.log_level)
    return create_app(settings, serving=True)
