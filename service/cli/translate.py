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
) -> None:
    """Translate the French and Vietnamese segments of stored documents; store the results."""
    from tqdm import tqdm  # noqa: PLC0415

    from service.api.deps import build_services  # noqa: PLC0415
    from service.mt.translations import translate_document  # noqa: PLC0415

    settings = load_settings()
    services = build_services(settings)
    try:
        from service.mt.languages import resolve_tag  # noqa: PLC0415

        target = resolve_tag(target, services.translator.languages(), role="target")
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
                    memory=services.memory,
                )
            total_segments += len(done)
            typer.echo(f"document {doc_id}\t{len(done)} segments translated to {target}")
    except ServiceError as exc:
        fail(str(exc), EXIT_DATAERR)
    finally:
        services.db.dispose()
