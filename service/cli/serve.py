"""`triglot serve`: the HTTP service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.base import app, load_settings


@app.command("serve")
def serve_cmd(
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (0: any free port)")] = None,
    seeds: Annotated[
        Path | None, typer.Option(help="Pages to ingest when the database is empty")
    ] = None,
) -> None:
    """Run the HTTP service; an empty database first receives the seed pages."""
    import uvicorn  # noqa: PLC0415

    from service.align.files import collect_pages  # noqa: PLC0415
    from service.align.ingest import ingest_files  # noqa: PLC0415
    from service.api.app import create_app  # noqa: PLC0415
    from service.api.deps import build_services  # noqa: PLC0415
    from service.api.server import bounded_protocol  # noqa: PLC0415

    settings = load_settings(host=host, port=port, seeds_dir=seeds)
    services = build_services(settings)
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
    app_ = create_app(settings, services=services)
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
