"""`triglot export-tmx`: aligned units as TMX 1.4b."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.base import EXIT_DATAERR, EXIT_NOINPUT, app, fail, load_settings
from service.errors import NotFoundError, ServiceError


@app.command("export-tmx")
def export_tmx_cmd(
    out: Annotated[Path, typer.Option(help="TMX file to write")],
    document: Annotated[list[int] | None, typer.Option(help="Document id (repeatable)")] = None,
    alignment: Annotated[
        list[int] | None, typer.Option(help="Stored alignment id (repeatable; default: all)")
    ] = None,
    min_score: Annotated[float, typer.Option(help="Lowest alignment score")] = 0.0,
    kinds: Annotated[str | None, typer.Option(help="Comma-separated segment kinds")] = None,
    langs: Annotated[str, typer.Option(help="Languages among fr,vi,en")] = "fr,vi,en",
    lang_tag: Annotated[
        list[str] | None, typer.Option(help="Tag written for a language: fr=fr-FR (repeatable)")
    ] = None,
    include_slugs: Annotated[
        bool, typer.Option(help="Also export URL slugs, tagged x-vi-slug (never as vi)")
    ] = False,
) -> None:
    """Write aligned fr/vi/en units as TMX 1.4b: residue pairs and stored alignments,
    deduplicated, conflicts ranked (English marked as MT). Exit 66 for an unknown id."""
    from service.api.deps import build_services  # noqa: PLC0415
    from service.export.tmx import TmxWriter  # noqa: PLC0415
    from service.export.units import (  # noqa: PLC0415
        build_export,
        check_known,
        tool_version,
        unit_filter,
    )

    services = build_services(load_settings())
    try:
        flt = unit_filter(
            min_score,
            kinds,
            langs,
            ",".join(map(str, document)) if document else None,
            include_slugs=include_slugs,
            lang_tags=lang_tag or (),
            alignments=",".join(map(str, alignment)) if alignment else None,
        )
        check_known(flt, services.documents, services.alignments)
        export = build_export(services.documents, services.translations, services.alignments, flt)
        writer = TmxWriter(tool_version(), srclang=export.srclang, segtype=export.segtype)
        tmp = out.with_name(out.name + ".part")
        with tmp.open("w", encoding="utf-8") as handle:
            for chunk in export.stream(writer):
                handle.write(chunk)
        tmp.replace(out)
    except NotFoundError as exc:
        fail(str(exc), EXIT_NOINPUT)
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    except OSError as exc:
        fail(f"{out}: {exc.strerror}", EXIT_NOINPUT)
    finally:
        services.db.dispose()
    for note in writer.replaced:
        typer.echo(f"triglot: replaced a character XML 1.0 cannot carry: {note}", err=True)
    typer.echo(f"wrote {export.count} units to {out}")
