"""`triglot tm`: the translation memory (import TMX files, look a text up)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from service.cli.base import EXIT_DATAERR, EXIT_NOINPUT, app, fail, load_settings
from service.errors import ServiceError

tm_app = typer.Typer(
    help="Translation memory: the stored aligned corpus and imported TMX files, looked up "
    "before the engine by /translate and document translation.",
    no_args_is_help=True,
)
app.add_typer(tm_app, name="tm")


@tm_app.command("import")
def tm_import_cmd(
    files: Annotated[list[Path], typer.Argument(help="TMX files")],
) -> None:
    """Import TMX files (each whole or not at all; a file imported before is skipped)."""
    from service.api.deps import build_services  # noqa: PLC0415
    from service.tm.tmx_import import import_tmx  # noqa: PLC0415

    settings = load_settings()
    datas = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            fail(f"{path}: {exc.strerror}", EXIT_NOINPUT)
        if len(data) > settings.max_tmx_bytes:
            fail(
                f"{path}: {len(data)} bytes is over the TMX size limit of "
                f"{settings.max_tmx_bytes} bytes (setting TRIGLOT_MAX_TMX_BYTES)",
                EXIT_DATAERR,
            )
        datas.append((path, data))
    services = build_services(settings)
    try:
        for path, data in datas:
            try:
                done = import_tmx(services.alignments, data, name=path.name)
            except ServiceError as exc:
                fail(str(exc), EXIT_DATAERR)
            state = "imported" if done.created else "already imported"
            typer.echo(
                f"{path}\talignment {done.alignment.id}\t{done.alignment.n_units} units\t{state}"
                + (f"\t{done.skipped} skipped" if done.skipped else "")
            )
    finally:
        services.db.dispose()


@tm_app.command("lookup")
def tm_lookup_cmd(
    text: Annotated[str, typer.Argument(help="Text to look up")],
    source: Annotated[str, typer.Option(help="Source language: fr, vi or en")] = "fr",
    target: Annotated[str, typer.Option(help="Target language: fr, vi or en")] = "vi",
    threshold: Annotated[
        float | None, typer.Option(help="Lowest fuzzy similarity 0.5-1 (default: setting)")
    ] = None,
) -> None:
    """Print the memory's answer for TEXT as JSON (exit 1 when it has none)."""
    from service.api.deps import build_services  # noqa: PLC0415

    if threshold is not None and not 0.5 <= threshold <= 1.0:
        fail("--threshold: give a number from 0.5 to 1", 2)
    services = build_services(load_settings())
    try:
        memory = services.memory
        match = memory.index(source, target).lookup(text, threshold or memory.threshold)
    finally:
        services.db.dispose()
    if match is None:
        typer.echo(json.dumps({"q": text, "translatedText": None}, ensure_ascii=False))
        raise typer.Exit(1)
    out = {
        "q": text,
        "translatedText": match.entry.target,
        "origin": "tm-exact" if match.exact else "tm-fuzzy",
        "score": match.similarity,
        "source": match.entry.source,
        "from": match.entry.origin,
    }
    typer.echo(json.dumps(out, ensure_ascii=False))
