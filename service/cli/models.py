"""`triglot models`: install, list and remove translation packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.base import EXIT_DATAERR, EXIT_NOINPUT, app, fail, load_settings
from service.errors import ServiceError

models_app = typer.Typer(
    help="Install, list and remove Argos translation packages.", no_args_is_help=True
)
app.add_typer(models_app, name="models")


@models_app.command("install")
def models_install(
    source: Annotated[
        list[str], typer.Argument(help="FILE.argosmodel, or SRC TGT language codes with --index")
    ],
    index: Annotated[str | None, typer.Option(help="Argos package index URL")] = None,
) -> None:
    """Install a package file, or the SRC->TGT package of a package index."""
    from service.mt.packages import install_file, install_from_index  # noqa: PLC0415

    settings = load_settings()
    packages_dir = settings.resolved_packages_dir()
    try:
        if index is not None:
            if len(source) != 2:
                fail("with --index give two language codes: SRC TGT", 2)
            path = install_from_index(index, source[0], source[1], packages_dir)
        else:
            if len(source) != 1:
                fail("give one package file (or --index URL SRC TGT)", 2)
            file = Path(source[0])
            if not file.is_file():
                fail(f"{file}: no such file", EXIT_NOINPUT)
            path = install_file(file, packages_dir)
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    typer.echo(f"installed {path.name}")


@models_app.command("list")
def models_list() -> None:
    """Installed packages: code, language pair, version."""
    from service.mt.argos import ArgosEngine  # noqa: PLC0415

    settings = load_settings()
    engine = ArgosEngine(settings.resolved_packages_dir(), settings.data_dir / "argos")
    packages = engine.packages()
    if not packages:
        typer.echo("no packages installed", err=True)
    for p in packages:
        typer.echo(f"{p.code}\t{p.src_lang}->{p.tgt_lang}\t{p.version}\t{p.name}")


@models_app.command("remove")
def models_remove(code: Annotated[str, typer.Argument(help="Package code (see `list`)")]) -> None:
    """Remove an installed package."""
    from service.mt.packages import remove  # noqa: PLC0415

    settings = load_settings()
    try:
        remove(settings.resolved_packages_dir(), code)
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    typer.echo(f"removed {code}")
