"""`triglot export-tmx`: aligned units as TMX 1.4b."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from service.cli.base import EXIT_DATAERR, app, fail, load_settings
from service.errors import ServiceError


@app.command("export-tmx")
def export_tmx_cmd(
    out: Annotated[Path, typer.Option(help="TMX file to write")],
    document: Annotated[list[int] | None, typer.Option(help="Document id (repeatable)")] = None,
    min_score: Annotated[float, typer.Option(help="Lowest alignment score")] = 0.0,
    kinds: Annotated[str | None, typer.Option(help="Comma-separated segment kinds")] = None,
    langs: Annotated[str, typer.Option(help="Languages among fr,vi,en")] = "fr,vi,en",
) -> None:
    """Write aligned fr/vi/en units as TMX 1.4b (streamed; English marked as MT)."""
    from service.api.deps import build_services  # noqa: PLC0415
    from service.export.tmx import TmxUnit, TmxWriter  # noqa: PLC0415
    from service.export.units import (  # noqa: PLC0415
        iter_units,
        to_tmx,
        tool_version,
        unit_filter,
    )

    services = build_services(load_settings())
    try:
        flt = unit_filter(
            min_score, kinds, langs, ",".join(map(str, document)) if document else None
        )
        writer = TmxWriter(tool_version())
        count = 0
        tmp = out.with_name(out.name + ".part")
        with tmp.open("w", encoding="utf-8") as handle:

            def counted() -> Iterator[TmxUnit]:
                nonlocal count
                for unit in iter_units(services.documents, services.translations, flt):
                    count += 1
                    yield to_tmx(unit, flt.langs)

            for chunk in writer.stream(counted()):
                handle.write(chunk)
        tmp.replace(out)
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()
    for note in writer.replaced:
        typer.echo(f"triglot: replaced a character XML 1.0 cannot carry: {note}", err=True)
    typer.echo(f"wrote {count} units to {out}")
