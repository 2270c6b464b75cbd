"""The ``triglot`` command. Output goes to stdout; progress and errors go to stderr.

Exit codes: 0 success; 1 some inputs failed (the others were processed); 2 usage error;
65 bad input data (not UTF-8, empty, too large); 66 input file missing; 78 bad configuration.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

from aligner import AlignerError, analyze
from aligner.pairs import page_pairs, residue_pairs
from service.align.ingest import collect_pages, decode_page
from service.api.schemas import analysis_out, pair_out
from service.errors import BadInputError, ServiceError
from service.settings import Settings

if TYPE_CHECKING:
    from service.store.keys import KeyStore

EXIT_SOME_FAILED = 1
EXIT_DATAERR = 65
EXIT_NOINPUT = 66
EXIT_CONFIG = 78

app = typer.Typer(
    name="triglot",
    help="Analyse, align and translate French/Vietnamese news pages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("triglot")


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"triglot: {message}", err=True)
    raise typer.Exit(code)


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"TRIGLOT_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        _fail(f"invalid settings: {problems}", EXIT_CONFIG)


def _read_page(path: Path, max_bytes: int, *, allow_empty: bool = False) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        _fail(f"{path}: no such file", EXIT_NOINPUT)
    except OSError as exc:
        _fail(f"{path}: {exc.strerror}", EXIT_NOINPUT)
    try:
        return decode_page(data, name=str(path), max_bytes=max_bytes, allow_empty=allow_empty)
    except ServiceError as exc:
        _fail(str(exc), EXIT_DATAERR)


@app.command("analyze")
def analyze_cmd(
    files: Annotated[list[Path], typer.Argument(help="Page text files (UTF-8)")],
    url: Annotated[str | None, typer.Option(help="Source URL of the page (one file)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Split pages into segments with kind, language, offsets and metadata."""
    if url is not None and len(files) != 1:
        _fail("--url applies to one file; give one file with it", 2)
    settings = _settings()
    pages = []
    for path in files:
        text = _read_page(path, settings.max_page_bytes)
        try:
            pages.append((path, analyze(text, url=url)))
        except AlignerError as exc:
            _fail(f"{path}: {exc}", EXIT_DATAERR)
    results = []
    pairs_out: list[Any] = []
    for path, page in pages:
        pairs = tuple(residue_pairs(page))
        data = analysis_out(page, pairs).model_dump(mode="json")
        results.append((path, data))
        pairs_out.extend({**p, "vi_file": str(path), "fr_file": str(path)} for p in data["pairs"])
    langs = [page.meta.lang for _, page in pages]
    if len(pages) == 2 and sorted(langs) == ["fr", "vi"]:
        (vi_path, vi_page), (fr_path, fr_page) = sorted(
            pages, key=lambda p: p[1].meta.lang, reverse=True
        )
        pairs_out.extend(
            pair_out(p, vi_file=str(vi_path), fr_file=str(fr_path)).model_dump(mode="json")
            for p in page_pairs(vi_page, fr_page)
        )

    if as_json:
        if len(results) == 1:
            path, data = results[0]
            out: dict[str, Any] = {"file": str(path), **data}
        else:
            out = {
                "documents": [
                    {"file": str(p), **{k: v for k, v in d.items() if k != "pairs"}}
                    for p, d in results
                ],
                "pairs": pairs_out,
            }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    for path, data in results:
        meta = data["meta"]
        typer.echo(
            f"# {path}  lang={meta['lang']} outlet={meta['outlet']} date={meta['date']} "
            f"author={meta['author']}"
        )
        typer.echo(f"# source: {meta['source_url']}")
        for seg in data["segments"]:
            text = seg["text"] if len(seg["text"]) <= 70 else seg["text"][:69] + "…"
            typer.echo(f"{seg['line']:>4} {seg['kind']:<11} {seg['lang']:<8} {text}")
    for pair in pairs_out:
        typer.echo(
            f"pair {pair['score']:.2f} {pair['method']}: {pair['vi'][:60]!r} "
            f"-> {pair['fr_focus'][:60]!r}"
        )


@app.command("align")
def align_cmd(
    src_file: Annotated[Path, typer.Argument(help="Source text, one sentence per line")],
    tgt_file: Annotated[Path, typer.Argument(help="Target text, one sentence per line")],
    src_lang: Annotated[str, typer.Option(help="Source language: fr, vi or en")] = "fr",
    tgt_lang: Annotated[str, typer.Option(help="Target language: fr, vi or en")] = "vi",
    max_size: Annotated[int, typer.Option(help="Most sentences on one side of a bead")] = 3,
    lang_check: Annotated[
        bool, typer.Option(help="Refuse files whose text is not in the declared language")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Align two documents sentence by sentence; print one bead per line, Vecalign style:
    [0,1]:[0]:0.873 (source lines 0 and 1 with target line 0; [5]:[] is unmatched)."""
    from service.align.alignment import align_sentences  # noqa: PLC0415

    settings = _settings()
    src, tgt = (  # one sentence per line
        _read_page(path, settings.max_document_bytes, allow_empty=True).splitlines()
        for path in (src_file, tgt_file)
    )
    try:
        beads = align_sentences(
            src,
            tgt,
            src_lang=src_lang,
            tgt_lang=tgt_lang,
            max_size=max_size,
            check_langs=lang_check,
            src_name=str(src_file),
            tgt_name=str(tgt_file),
        )
    except ServiceError as exc:
        _fail(str(exc), EXIT_DATAERR)
    for name, lines in ((src_file, src), (tgt_file, tgt)):
        if not lines:
            typer.echo(
                f"triglot: {name} is empty: every line of the other file is unmatched", err=True
            )
    if as_json:
        out = [
            {"src_idx": list(b.src_idx), "tgt_idx": list(b.tgt_idx), "score": b.score}
            for b in beads
        ]
        typer.echo(json.dumps(out))
        return
    typer.echo("\n".join(str(b) for b in beads))


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Page files, or folders of *.txt pages")],
    url: Annotated[str | None, typer.Option(help="Source URL (one file)")] = None,
) -> None:
    """Analyse pages and store them in the database (each page whole or not at all)."""
    from tqdm import tqdm  # noqa: PLC0415

    from service.align.ingest import ingest_files  # noqa: PLC0415
    from service.api.deps import build_services  # noqa: PLC0415

    settings = _settings()
    try:
        files = collect_pages(paths)
    except BadInputError as exc:
        _fail(str(exc), EXIT_NOINPUT)
    if url is not None and len(files) != 1:
        _fail("--url applies to one file; give one file with it", 2)
    services = build_services(settings)
    failed = created = 0
    try:
        bar = tqdm(files, unit="page", desc="ingest", file=sys.stderr, disable=len(files) < 2)
        for result in ingest_files(
            services.documents, bar, max_bytes=settings.max_page_bytes, url=url
        ):
            if result.error is not None:
                failed += 1
                tqdm.write(f"triglot: {result.error}", file=sys.stderr)
            elif result.document is not None:
                created += int(result.created)
                state = "stored" if result.created else "already stored"
                typer.echo(f"{result.path}\tdocument {result.document.id}\t{state}")
    finally:
        services.db.dispose()
    typer.echo(
        f"{created} stored, {len(files) - created - failed} already stored, {failed} failed",
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_DATAERR if failed == len(files) else EXIT_SOME_FAILED)


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

    settings = _settings()
    packages_dir = settings.resolved_packages_dir()
    try:
        if index is not None:
            if len(source) != 2:
                _fail("with --index give two language codes: SRC TGT", 2)
            path = install_from_index(index, source[0], source[1], packages_dir)
        else:
            if len(source) != 1:
                _fail("give one package file (or --index URL SRC TGT)", 2)
            file = Path(source[0])
            if not file.is_file():
                _fail(f"{file}: no such file", EXIT_NOINPUT)
            path = install_file(file, packages_dir)
    except ServiceError as exc:
        _fail(str(exc), EXIT_DATAERR)
    typer.echo(f"installed {path.name}")


@models_app.command("list")
def models_list() -> None:
    """Installed packages: code, language pair, version."""
    from service.mt.argos import ArgosEngine  # noqa: PLC0415

    settings = _settings()
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

    settings = _settings()
    try:
        remove(settings.resolved_packages_dir(), code)
    except ServiceError as exc:
        _fail(str(exc), EXIT_DATAERR)
    typer.echo(f"removed {code}")


@app.command("translate")
def translate_cmd(
    document: Annotated[
        int | None, typer.Option(help="Document id (default: every stored document)")
    ] = None,
    target: Annotated[str, typer.Option(help="Target language")] = "en",
) -> None:
    """Translate the French and Vietnamese segments of stored documents; store the results."""
    from tqdm import tqdm  # noqa: PLC0415

    from service.api.deps import build_services  # noqa: PLC0415
    from service.mt.translations import translate_document  # noqa: PLC0415

    settings = _settings()
    services = build_services(settings)
    try:
        if document is not None:
            ids = [document]
        else:
            ids = []
            offset = 0
            while True:
                items, total = services.documents.list(offset=offset, limit=500)
                ids += [i.id for i in items]
                offset += len(items)
                if offset >= total or not items:
                    break
        total_segments = 0
        for doc_id in ids:
            doc = services.documents.get(doc_id)
            todo = sum(
                1
                for s in doc.page.segments
                if s.lang in ("fr", "vi") and s.lang != target and s.kind != "source"
            )
            with tqdm(
                total=todo, unit="seg", desc=f"document {doc_id}", file=sys.stderr, disable=None
            ) as bar:
                done = translate_document(
                    services.documents,
                    services.translations,
                    services.translator,
                    doc_id,
                    tgt_lang=target,
                    progress=bar.update,
                )
            total_segments += len(done)
            typer.echo(f"document {doc_id}\t{len(done)} segments translated to {target}")
    except ServiceError as exc:
        _fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()


glossary_app = typer.Typer(
    help="Glossaries: import (as a proposal), review, approve, export.", no_args_is_help=True
)
app.add_typer(glossary_app, name="glossary")
GLOSSARY = "vn-government-news"


@glossary_app.command("list")
def glossary_list() -> None:
    """Glossaries with their current version and open proposals."""
    from service.api.deps import build_services  # noqa: PLC0415

    services = build_services(_settings())
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
        _fail(f"{file}: format {fmt!r} is not csv, tsv or tbx (use --format)", 2)
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"{file}: {exc.strerror}", EXIT_NOINPUT)
    settings = _settings()
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
        _fail(f"{file}: {exc}", EXIT_DATAERR)
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
    from service.store.glossaries import etag  # noqa: PLC0415

    services = build_services(_settings())
    try:
        base = services.glossaries.proposal(name, proposal).base_version
        version = services.glossaries.approve(name, proposal, if_match=etag(base))
    except ServiceError as exc:
        _fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()
    typer.echo(f"{name} is now at version {version.number}")


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
        _fail(f"--format {fmt!r}: use csv, tsv or tbx", 2)
    services = build_services(_settings())
    try:
        number, glossary = (
            services.glossaries.current(name)
            if version is None
            else (version, services.glossaries.version(name, version))
        )
    except ServiceError as exc:
        _fail(str(exc), EXIT_DATAERR)
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


keys_app = typer.Typer(
    help="API keys: shown once when made, stored hashed (see TRIGLOT_API_KEYS).",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")


@contextmanager
def _key_store() -> Iterator[KeyStore]:
    from service.store.db import make_engine, migrate  # noqa: PLC0415
    from service.store.keys import KeyStore  # noqa: PLC0415

    settings = _settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    try:
        migrate(engine)
        yield KeyStore(engine)
    except ServiceError as exc:
        _fail(str(exc), EXIT_DATAERR)
    finally:
        engine.dispose()


@keys_app.command("add")
def keys_add(
    name: Annotated[str, typer.Argument(help="Who or what the key is for, e.g. cat-tool")],
    rate_limit: Annotated[
        int | None,
        typer.Option(help="Requests per minute for this key (default TRIGLOT_KEY_RATE_LIMIT)"),
    ] = None,
    char_limit: Annotated[
        int | None,
        typer.Option(
            help="Characters per /translate request (default TRIGLOT_TRANSLATE_MAX_CHARS)"
        ),
    ] = None,
) -> None:
    """Make a key and print it (the only time it is shown: keep it)."""
    with _key_store() as store:
        key, secret = store.add(name, rate_limit=rate_limit, char_limit=char_limit)
    typer.echo(secret)
    typer.echo(f"triglot: key {key.name} ({key.prefix}...) made; it is not shown again", err=True)


@keys_app.command("list")
def keys_list() -> None:
    """Keys: name, prefix, state, rate limit, creation time (never the key itself)."""
    with _key_store() as store:
        keys = store.all()
    if not keys:
        typer.echo("no API keys", err=True)
    for k in keys:
        state = "active" if k.active else f"revoked {k.revoked_at:%Y-%m-%dT%H:%M:%SZ}"
        limit = "default" if k.rate_limit is None else f"{k.rate_limit}/min"
        chars = "default" if k.char_limit is None else f"{k.char_limit} chars"
        created = f"{k.created_at:%Y-%m-%dT%H:%M:%SZ}"
        typer.echo(f"{k.name}\t{k.prefix}\t{state}\t{limit}\t{chars}\t{created}")


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name")]) -> None:
    """Revoke a key: refused from the next request on."""
    with _key_store() as store:
        key = store.revoke(name)
    typer.echo(f"revoked {key.name} ({key.prefix}...)")


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

    services = build_services(_settings())
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
        _fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()
    for note in writer.replaced:
        typer.echo(f"triglot: replaced a character XML 1.0 cannot carry: {note}", err=True)
    typer.echo(f"wrote {count} units to {out}")


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

    from service.align.ingest import ingest_files  # noqa: PLC0415
    from service.api.app import create_app  # noqa: PLC0415
    from service.api.deps import build_services  # noqa: PLC0415
    from service.api.server import bounded_protocol  # noqa: PLC0415

    settings = _settings(host=host, port=port, seeds_dir=seeds)
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


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
