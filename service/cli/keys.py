"""`triglot keys`: API keys, shown once when made, stored hashed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli.base import app, database

if TYPE_CHECKING:
    from service.store.keys import KeyStore

keys_app = typer.Typer(
    help="API keys: shown once when made, stored hashed (see TRIGLOT_API_KEYS).",
    no_args_is_help=True,
)
app.add_typer(keys_app, name="keys")


@contextmanager
def _key_store() -> Iterator[KeyStore]:
    from glossary.tsv import shipped  # noqa: PLC0415
    from service.store.glossaries import GlossaryStore  # noqa: PLC0415
    from service.store.keys import KeyStore  # noqa: PLC0415

    with database() as (_settings, engine):
        GlossaryStore(engine).ensure(shipped(), note="shipped with Triglot")
        yield KeyStore(engine)


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
    glossary: Annotated[
        str | None,
        typer.Option(
            help="Glossary enforced on this key's /translate requests that name none "
            "(LibreTranslate clients cannot name one)"
        ),
    ] = None,
) -> None:
    """Make a key and print it (the only time it is shown: keep it)."""
    with _key_store() as store:
        key, secret = store.add(
            name, rate_limit=rate_limit, char_limit=char_limit, glossary=glossary
        )
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
        glossary = f"glossary {k.glossary}" if k.glossary else "no glossary"
        typer.echo(f"{k.name}\t{k.prefix}\t{state}\t{limit}\t{chars}\t{glossary}\t{created}")


@keys_app.command("glossary")
def keys_glossary(
    name: Annotated[str, typer.Argument(help="The key's name")],
    glossary: Annotated[str, typer.Argument(help="A glossary's name, or none")],
) -> None:
    """Set the glossary enforced on a key's /translate requests that name none."""
    with _key_store() as store:
        key = store.set_glossary(name, None if glossary == "none" else glossary)
    typer.echo(f"{key.name}: {'glossary ' + key.glossary if key.glossary else 'no glossary'}")


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="The key's name")]) -> None:
    """Revoke a key: refused from the next request on."""
    with _key_store() as store:
        key = store.revoke(name)
    typer.echo(f"revoked {key.name} ({key.prefix}...)")
