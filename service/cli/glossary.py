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
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="The file becomes the whole glossary (concepts it lacks are removed); "
            "by default it is merged: concepts are added and updated, none removed",
        ),
    ] = False,
) -> None:
    """Propose the file merged into the glossary (or replacing it) as its next version; the
    proposal's created / updated / unchanged / removed counts are printed before review."""
    from service.api.deps import build_services  # noqa: PLC0415
    from service.api.imports import describe, parse_import, plan_import  # noqa: PLC0415
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
        incoming = parse_import(
            data, name=name, fmt=fmt, pair=pair, max_bytes=settings.max_glossary_bytes
        )
        version, current = services.glossaries.current(name)
        plan = plan_import(current, incoming, replace=replace)
        proposal = services.glossaries.propose(
            name,
            plan.glossary,
            if_match=etag(version),
            note=note or f"import {file.name}",
            author="cli",
        )
    except ServiceError as exc:
        fail(f"{file}: {exc}", EXIT_DATAERR)
    finally:
        services.db.dispose()
    typer.echo(describe(plan, warning_share=settings.import_removal_warning_share))
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
    pair: Annotated[
        str | None,
        typer.Option(help="csv/tsv: two columns of preferred terms for one pair, e.g. fr,en"),
    ] = None,
) -> None:
    """Write a glossary version as CSV, TSV (every term, status, case and note) or TBX-Basic."""
    from glossary.errors import GlossaryError  # noqa: PLC0415
    from glossary.tables import write_table  # noqa: PLC0415
    from glossary.tbx import write_tbx  # noqa: PLC0415
    from service.api.deps import build_services  # noqa: PLC0415

    if fmt not in ("csv", "tsv", "tbx"):
        fail(f"--format {fmt!r}: use csv, tsv or tbx", 2)
    langs = [lang.strip() for lang in pair.split(",")] if pair else None
    if langs is not None and (len(langs) != 2 or fmt == "tbx"):
        fail("--pair: give two language codes, e.g. fr,en, with --format csv or tsv", 2)
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
    try:
        data = (
            write_tbx(glossary)
            if fmt == "tbx"
            else write_table(
                glossary,
                delimiter="," if fmt == "csv" else "\t",
                pair=(langs[0], langs[1]) if langs else None,
            ).encode("utf-8")
        )
    except GlossaryError as exc:
        fail(f"{name} version {number}: {exc}", EXIT_DATAERR)
    tmp = out.with_name(out.name + ".part")  # a reader never sees half a file
    tmp.write_bytes(data)
    tmp.replace(out)
    typer.echo(f"wrote {name} version {number} to {out}")
