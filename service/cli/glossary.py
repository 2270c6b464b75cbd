"""`triglot glossary`: import (as a proposal), approve, list, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.base import EXIT_DATAERR, EXIT_NOINPUT, app, fail, load_settings
from service.errors import ServiceError

glossary_app = typer.Typer(
    help="Glossaries: import (as a proposal), review, approve, export.", no_args_is_help=True
)
app.add_typer(glossary_app, name="glossary")
GLOSSARY = "vn-government-news"


@glossary_app.command("list")
def glossary_list() -> None:
    """Glossaries with their current version and open proposals."""
    from service.api.deps import build_services  # noqa: PLC0415

    services = build_services(load_settings())
    try:
        for g in services.glossaries.all():
            typer.echo(
                f"{g.name}\tversion {g.current_version}\t{g.n_concepts} concepts\t"
                f"{g.open_proposals} open proposals"
            )
    finally:
        services.db.dispose()


@glossary_app.command("import")
def glossary_import(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or TBX glossary file")],
    name: Annotated[str, typer.Option(help="Glossary to propose the change to")] = GLOSSARY,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, tsv or tbx (default: the extension)")
    ] = None,
    pair: Annotated[
        str | None, typer.Option(help="Two-column file: its languages, e.g. fr,en")
    ] = None,
    note: Annotated[str, typer.Option(help="Why the change")] = "",
) -> None:
    """Propose the file's content as the glossary's next version (review before it is live)."""
    from service.api.deps import build_services  # noqa: PLC0415
    from service.api.routes.glossaries import parse_upload  # noqa: PLC0415
    from service.store.glossaries import etag  # noqa: PLC0415

    fmt = fmt or file.suffix.lstrip(".").lower()
    if fmt not in ("csv", "tsv", "tbx"):
        fail(f"{file}: format {fmt!r} is not csv, tsv or tbx (use --format)", 2)
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"{file}: {exc.strerror}", EXIT_NOINPUT)
    settings = load_settings()
    services = build_services(settings)
    try:
        content = parse_upload(
            data, name=name, fmt=fmt, pair=pair, max_bytes=settings.max_glossary_bytes
        )
        version, _current = services.glossaries.current(name)
        proposal = services.glossaries.propose(
            name, content, if_match=etag(version), note=note or f"import {file.name}", author="cli"
        )
    except ServiceError as exc:
        fail(f"{file}: {exc}", EXIT_DATAERR)
    finally:
        services.db.dispose()
    typer.echo(
        f"proposal {proposal.id} for {name} (from version {version}): review it at "
        f"/review or approve with `triglot glossary approve {proposal.id}`"
    )


@glossary_app.command("approve")
def glossary_approve(
    proposal: Annotated[int, typer.Argument(help="Proposal id")],
    name: Annotated[str, typer.Option(help="Glossary")] = GLOSSARY,
) -> None:
    """Approve a proposal: it becomes the glossary's next version."""
    from service.api.deps import build_services  # noqa: PLC0415
    from service.jobs.kinds import submit_retranslation  # noqa: PLC0415
    from service.store.glossaries import etag  # noqa: PLC0415

    services = build_services(load_settings())
    try:
        base = services.glossaries.proposal(name, proposal).base_version
        decision = services.glossaries.approve(name, proposal, if_match=etag(base), approver="cli")
        job = submit_retranslation(services.jobs, services.translations, name, created_by="cli")
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()
    typer.echo(f"{name} is now at version {decision.version.number}")
    if job is not None:
        typer.echo(
            f"{decision.stale_translations} stored translations made with an older version are "
            f"stale: job {job.id} re-translates them (a running `triglot serve` picks it up; "
            "or `triglot jobs run`)",
            err=True,
        )


@glossary_app.command("export")
def glossary_export(
    out: Annotated[Path, typer.Option(help="File to write")],
    fmt: Annotated[str, typer.Option("--format", help="csv, tsv or tbx")] = "tbx",
    name: Annotated[str, typer.Option(help="Glossary")] = GLOSSARY,
    version: Annotated[int | None, typer.Option(help="Version (default: current)")] = None,
) -> None:
    """Write a glossary version as CSV, TSV or TBX-Basic."""
    from glossary.tables import write_table  # noqa: PLC0415
    from glossary.tbx import write_tbx  # noqa: PLC0415
    from service.api.deps import build_services  # noqa: PLC0415

    if fmt not in ("csv", "tsv", "tbx"):
        fail(f"--format {fmt!r}: use csv, tsv or tbx", 2)
    services = build_services(load_settings())
    try:
        number, glossary = (
            services.glossaries.current(name)
            if version is None
            else (version, services.glossaries.version(name, version))
        )
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()
    data = (
        write_tbx(glossary)
        if fmt == "tbx"
        else write_table(glossary, delimiter="," if fmt == "csv" else "\t").encode("utf-8")
    )
    tmp = out.with_name(out.name + ".part")  # a reader never sees half a file
    tmp.write_bytes(data)
    tmp.replace(out)
    typer.echo(f"wrote {name} version {number} to {out}")
