"""`triglot translate`: English (or another target) for stored documents."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from service.cli.base import EXIT_DATAERR, app, fail, load_settings
from service.errors import ServiceError


@app.command("translate")
def translate_cmd(
    document: Annotated[
        int | None, typer.Option(help="Document id (default: every stored document)")
    ] = None,
    target: Annotated[str, typer.Option(help="Target language")] = "en",
    glossary: Annotated[
        str | None,
        typer.Option(
            help="Glossary whose current version is enforced (default TRIGLOT_STORED_GLOSSARY; "
            "none: no glossary)"
        ),
    ] = None,
    stale: Annotated[
        bool,
        typer.Option(
            "--stale",
            help="Only the English made with an older version of the glossary (re-translated "
            "with its current version)",
        ),
    ] = False,
) -> None:
    """Translate the French and Vietnamese segments of stored documents; store the results,
    each with the glossary version that made it."""
    from tqdm import tqdm  # noqa: PLC0415

    from service.api.deps import build_services  # noqa: PLC0415
    from service.mt.translations import (  # noqa: PLC0415
        retranslate_stale,
        stored_glossary,
        translate_document,
    )

    settings = load_settings()
    services = build_services(settings)
    try:
        from service.mt.languages import resolve_tag  # noqa: PLC0415

        target = resolve_tag(target, services.translator.languages(), role="target")
        chosen = stored_glossary(services.glossaries, glossary, settings.stored_glossary)
        if stale:
            if chosen is None:
                fail("--stale needs a glossary (not none)", 2)
            with tqdm(unit="doc", desc="stale documents", file=sys.stderr, disable=None) as bar:

                def progress(done: int, total: int) -> None:
                    bar.total = total
                    bar.n = done
                    bar.refresh()

                counts = retranslate_stale(
                    services.documents,
                    services.translations,
                    services.translator,
                    services.glossaries,
                    chosen[0].name,
                    progress=progress,
                )
            typer.echo(
                f"{counts['documents']} documents ({counts['segments']} segments) re-translated "
                f"with {chosen[0].name}@{chosen[1]}"
            )
            return
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
                    glossary=chosen,
                    progress=bar.update,
                    memory=services.memory,
                )
            total_segments += len(done)
            used = f"{chosen[0].name}@{chosen[1]}" if chosen is not None else "no glossary"
            typer.echo(f"document {doc_id}\t{len(done)} segments translated to {target}\t{used}")
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()
