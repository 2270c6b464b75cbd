"""Commands on page files: analyze, align, ingest."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from service.cli.base import (
    EXIT_DATAERR,
    EXIT_NOINPUT,
    EXIT_SOME_FAILED,
    EXIT_UNAVAILABLE,
    app,
    fail,
    load_file_settings,
    load_settings,
    read_page,
)
from service.errors import BadInputError, ServiceError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from aligner.beads import Bead


@app.command("analyze")
def analyze_cmd(
    files: Annotated[list[Path], typer.Argument(help="Page text files (UTF-8)")],
    url: Annotated[str | None, typer.Option(help="Source URL of the page (one file)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """Split pages into segments with kind, language, offsets and metadata."""
    from aligner import AlignerError, analyze  # noqa: PLC0415
    from aligner.pairs import page_pairs, residue_pairs  # noqa: PLC0415
    from service.align.shapes_plain import analysis_dict, pair_dict  # noqa: PLC0415

    if url is not None and len(files) != 1:
        fail("--url applies to one file; give one file with it", 2)
    settings = load_file_settings()
    _fast_langid(settings.resolved_cache_dir())
    pages = []
    for path in files:
        text = read_page(path, settings.max_page_bytes)
        try:
            pages.append((path, analyze(text, url=url)))
        except AlignerError as exc:
            fail(f"{path}: {exc}", EXIT_DATAERR)
    results = []
    pairs_out: list[Any] = []
    for path, page in pages:
        pairs = tuple(residue_pairs(page))
        data = analysis_dict(page, pairs)
        results.append((path, data))
        pairs_out.extend({**p, "vi_file": str(path), "fr_file": str(path)} for p in data["pairs"])
    langs = [page.meta.lang for _, page in pages]
    if len(pages) == 2 and sorted(langs) == ["fr", "vi"]:
        (vi_path, vi_page), (fr_path, fr_page) = sorted(
            pages, key=lambda p: p[1].meta.lang, reverse=True
        )
        pairs_out.extend(
            pair_dict(p, vi_file=str(vi_path), fr_file=str(fr_path))
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
    store: Annotated[
        bool, typer.Option(help="Store the beads as an alignment (printed id) for TMX and TM")
    ] = False,
    tmx: Annotated[
        Path | None, typer.Option(help="Also write the matched beads as TMX 1.4b to this file")
    ] = None,
    lang_tag: Annotated[
        list[str] | None, typer.Option(help="TMX tag for a language: fr=fr-FR (repeatable)")
    ] = None,
) -> None:
    """Align two documents sentence by sentence; print one bead per line, Vecalign style:
    [0,1]:[0]:0.873 (source lines 0 and 1 with target line 0; [5]:[] is unmatched)."""
    from service.align.alignment import align_sentences  # noqa: PLC0415

    settings = load_settings() if store else load_file_settings()
    _fast_langid(settings.resolved_cache_dir())
    src, tgt = (  # one sentence per line
        read_page(path, settings.max_document_bytes, allow_empty=True).splitlines()
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
        fail(str(exc), EXIT_DATAERR)
    for name, lines in ((src_file, src), (tgt_file, tgt)):
        if not lines:
            typer.echo(
                f"triglot: {name} is empty: every line of the other file is unmatched", err=True
            )
    if tmx is not None:
        _write_bead_tmx(tmx, beads, src, tgt, src_lang, tgt_lang, lang_tag or [])
    if store:
        from service.align.links import store_beads  # noqa: PLC0415
        from service.api.deps import build_services  # noqa: PLC0415

        services = build_services(load_settings())  # the same: read in full above
        try:
            stored = store_beads(
                services.alignments,
                beads,
                src,
                tgt,
                src_lang=src_lang,
                tgt_lang=tgt_lang,
                name=f"{src_file.name} / {tgt_file.name}",
                meta={"max_size": max_size},
            )
        finally:
            services.db.dispose()
        typer.echo(f"stored alignment {stored.id} ({stored.n_units} beads)", err=True)
    if as_json:
        out = [
            {"src_idx": list(b.src_idx), "tgt_idx": list(b.tgt_idx), "score": b.score}
            for b in beads
        ]
        typer.echo(json.dumps(out))
        return
    typer.echo("\n".join(str(b) for b in beads))


def _write_bead_tmx(
    out: Path,
    beads: Sequence[Bead],
    src: list[str],
    tgt: list[str],
    src_lang: str,
    tgt_lang: str,
    lang_tags: list[str],
) -> None:
    """The matched beads as TMX 1.4b (written whole to ``out``, via a ``.part`` file)."""
    from service.align.links import bead_units  # noqa: PLC0415
    from service.export.aggregate import Entry, aggregate  # noqa: PLC0415
    from service.export.tmx import TmxWriter  # noqa: PLC0415
    from service.export.units import parse_lang_tags, tool_version  # noqa: PLC0415

    try:
        tags = dict(parse_lang_tags(lang_tags))
    except ServiceError as exc:
        fail(str(exc), 2)
    entries = [
        Entry(
            f"b{i}",
            {u.src_lang: u.src_text, u.tgt_lang: u.tgt_text},
            u.score,
            u.segtype,
            [("x-alignment-score", f"{u.score:.4f}"), ("x-alignment-method", "bead")],
        )
        for i, u in enumerate(bead_units(beads, src, tgt, src_lang, tgt_lang))
    ]
    export = aggregate(entries, (src_lang, tgt_lang), tags=tags)
    writer = TmxWriter(tool_version(), srclang=export.srclang, segtype=export.segtype)
    tmp = out.with_name(out.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            for chunk in export.stream(writer):
                handle.write(chunk)
        tmp.replace(out)
    except OSError as exc:
        fail(f"{out}: {exc.strerror}", EXIT_NOINPUT)
    typer.echo(f"wrote {export.count} units to {out}", err=True)


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Page files (.txt, .html), or folders of them"),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="With one file: its source URL. Alone: the page to fetch and store"),
    ] = None,
    follow_source: Annotated[
        bool,
        typer.Option(
            help="With --url alone: also fetch the Vietnamese original a French page's "
            "Source: line names, and pair the two pages"
        ),
    ] = True,
) -> None:
    """Analyse pages and store them in the database (each page whole or not at all)."""
    from tqdm import tqdm  # noqa: PLC0415

    if not paths:
        if url is None:
            fail("give page files or folders, or --url URL to fetch a page", 2)
        _ingest_url(url, follow_source=follow_source)
        return

    from service.align.files import collect_pages  # noqa: PLC0415
    from service.align.ingest import ingest_files  # noqa: PLC0415
    from service.align.links import link_document  # noqa: PLC0415
    from service.api.deps import build_services  # noqa: PLC0415

    settings = load_settings()
    try:
        files = collect_pages(paths)
    except BadInputError as exc:
        fail(str(exc), EXIT_NOINPUT)
    if url is not None and len(files) != 1:
        fail("--url applies to one file; give one file with it", 2)
    services = build_services(settings)
    failed = created = 0
    try:
        bar = tqdm(files, unit="page", desc="ingest", file=sys.stderr, disable=len(files) < 2)
        for result in ingest_files(
            services.documents,
            bar,
            max_bytes=settings.max_page_bytes,
            url=url,
            html_max_bytes=settings.max_html_bytes,
        ):
            if result.error is not None:
                failed += 1
                tqdm.write(f"triglot: {result.error}", file=sys.stderr)
            elif result.document is not None:
                created += int(result.created)
                if result.created:
                    link_document(services.documents, services.alignments, result.document)
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


def _fast_langid(cache_dir: Path) -> None:
    """The language model from the cache (a second saved at every start after the first)."""
    from service.align.langid_cache import install  # noqa: PLC0415

    install(cache_dir)


def _ingest_url(url: str, *, follow_source: bool) -> None:
    """Fetch one page (and its Vietnamese original), store them, print ids and pairs."""
    from service.align.ingest import ingest_url  # noqa: PLC0415
    from service.align.links import link_document  # noqa: PLC0415
    from service.api.deps import build_services  # noqa: PLC0415
    from service.errors import FetchError  # noqa: PLC0415
    from service.fetch.web import fetcher_for  # noqa: PLC0415

    settings = load_settings()
    services = build_services(settings)
    try:
        result = ingest_url(
            services.documents,
            fetcher_for(settings),
            url,
            follow_source=follow_source,
            max_bytes=settings.max_html_bytes,
        )
        for doc in (result.document, result.original):
            if doc is not None:
                link_document(services.documents, services.alignments, doc)
    except FetchError as exc:
        fail(str(exc), EXIT_UNAVAILABLE)
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()
    state = "stored" if result.created else "already stored"
    typer.echo(f"{url}\tdocument {result.document.id}\t{state}")
    if result.original is not None:
        typer.echo(
            f"{result.original.page.meta.source_url}\tdocument {result.original.id}\t"
            "Vietnamese original"
        )
    for pair in result.cross_pairs:
        typer.echo(
            f"pair {pair.score:.2f} {pair.basis}: {pair.vi.text[:60]!r} -> {pair.fr.text[:60]!r}"
        )
    for warning in result.warnings:
        typer.echo(f"triglot: {warning}", err=True)
