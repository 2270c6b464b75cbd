"""`triglot models`: install, list, remove and build translation packages.

Installs and removals reach running servers within about half a second (no restart); a
package is verified (loaded and run on a probe sentence) before it is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.base import EXIT_DATAERR, EXIT_NOINPUT, app, fail, load_settings
from service.errors import ServiceError

models_app = typer.Typer(
    help="Install, list, remove and build Argos translation packages.", no_args_is_help=True
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
    from service.mt.languages import normalize_tag  # noqa: PLC0415
    from service.mt.packages import install_file, install_from_index  # noqa: PLC0415

    settings = load_settings()
    packages_dir = settings.resolved_packages_dir()
    try:
        if index is not None:
            if len(source) != 2:
                fail("with --index give two language codes: SRC TGT", 2)
            src_lang, tgt_lang = (normalize_tag(code).split("-")[0] for code in source)
            path = install_from_index(index, src_lang, tgt_lang, packages_dir)
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
        note = "" if p.serving else "\t(not serving: a later package of this pair serves)"
        typer.echo(f"{p.code}\t{p.src_lang}->{p.tgt_lang}\t{p.version}\t{p.name}{note}")


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


@models_app.command("build")
def models_build(
    model_dir: Annotated[
        Path, typer.Argument(help="Folder written by ct2-transformers-converter (with tokenizer)")
    ],
    src_lang: Annotated[str, typer.Argument(help="Source language code, e.g. vi")],
    tgt_lang: Annotated[str, typer.Argument(help="Target language code, e.g. en")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Package file to write")
    ] = None,
    family: Annotated[
        str | None, typer.Option(help="marian, nllb or m2m100 (default: from the files)")
    ] = None,
    src_token: Annotated[
        str | None, typer.Option(help="NLLB/M2M-100 source language token (e.g. vie_Latn)")
    ] = None,
    tgt_token: Annotated[
        str | None, typer.Option(help="NLLB/M2M-100 target language token (e.g. eng_Latn)")
    ] = None,
    version: Annotated[str, typer.Option(help="Package version")] = "1.0",
    install: Annotated[bool, typer.Option(help="Also install the package")] = False,
) -> None:
    """Package a CTranslate2 conversion of an OPUS-MT or NLLB/M2M-100 model as .argosmodel."""
    from service.mt.build import build_package  # noqa: PLC0415
    from service.mt.packages import install_file  # noqa: PLC0415

    if not model_dir.is_dir():
        fail(f"{model_dir}: no such folder", EXIT_NOINPUT)
    if family not in (None, "marian", "nllb", "m2m100"):
        fail(f"--family {family!r}: use marian, nllb or m2m100", 2)
    out = output or Path(f"translate-{src_lang}_{tgt_lang}.argosmodel")
    try:
        build_package(
            model_dir,
            out,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            version=version,
            family=family,  # type: ignore[arg-type]
            src_token=src_token,
            tgt_token=tgt_token,
        )
        typer.echo(f"built {out}")
        if install:
            path = install_file(out, load_settings().resolved_packages_dir())
            typer.echo(f"installed {path.name}")
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
