"""API keys: created once, shown once, stored as SHA-256 digests, revoked but never deleted.

A key reads ``tgk_<8 characters>_<43 characters>``: the first part (the prefix) is stored in
clear to find the key and to name it in listings; the whole key is 256 bits from
:mod:`secrets`, so a fast digest is enough (a slow password hash protects guessable secrets,
and these are not guessable). Digests are compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from service.errors import BadInputError, NotFoundError, ServiceError
from service.store.db import ApiKeyRow, GlossaryRow, utc, writer

_KEY = re.compile(r"^(tgk_[A-Za-z0-9]{8})_[A-Za-z0-9_-]{43}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class KeyExistsError(ServiceError):
    status = 409
    code = "key_exists"


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: int
    name: str
    prefix: str
    rate_limit: int | None
    char_limit: int | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    glossary: str | None = None
    """Enforced on this key's /translate requests that name no glossary."""

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def _key(row: ApiKeyRow | Row[Any]) -> ApiKey:
    """An ORM row or a Core row of ``api_keys`` (same column names) as an :class:`ApiKey`."""
    return ApiKey(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        rate_limit=row.rate_limit,
        char_limit=row.char_limit,
        created_at=utc(row.created_at),
        revoked_at=utc(row.revoked_at) if row.revoked_at else None,
        glossary=row.glossary,
    )


class KeyStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writer(engine), expire_on_commit=False)
        self._by_prefix = select(ApiKeyRow.__table__).where(
            ApiKeyRow.__table__.c.prefix == bindparam("prefix")
        )

    def add(
        self,
        name: str,
        *,
        rate_limit: int | None = None,
        char_limit: int | None = None,
        glossary: str | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key named ``name``: returns it and the secret, which is not stored.
        ``rate_limit``: requests per minute; ``char_limit``: characters per /translate
        request (both default to the service's settings); ``glossary``: enforced on the key's
        /translate requests that name none (it must exist)."""
        if not _NAME.match(name):
            raise BadInputError(
                f"key name {name!r}: use 1-100 letters, digits and . _ @ - "
                "(starting with a letter or digit)"
            )
        if rate_limit is not None and not 0 <= rate_limit <= 1_000_000:
            raise BadInputError(f"rate limit {rate_limit}: use 0 (none) to 1000000 per minute")
        if char_limit is not None and not 1 <= char_limit <= 100_000_000:
            raise BadInputError(f"character limit {char_limit}: use 1 to 100000000")
        if glossary is not None:
            self._check_glossary(glossary)
        prefix = "tgk_" + "".join(secrets.choice(_ALNUM) for _ in range(8))
        secret = f"{prefix}_{secrets.token_urlsafe(32)}"
        row = ApiKeyRow(
            name=name,
            prefix=prefix,
            digest=_digest(secret),
            rate_limit=rate_limit,
            char_limit=char_limit,
            created_at=dt.datetime.now(dt.UTC),
            revoked_at=None,
            glossary=glossary,
        )
        try:
            with self._sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            raise KeyExistsError(f"a key named {name!r} exists already") from None
        return _key(row), secret

    def all(self) -> list[ApiKey]:
        with self._sessions() as session:
            return [_key(r) for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]

    def revoke(self, name: str) -> ApiKey:
        """Revoke the key named ``name`` (at once: keys are checked on every request)."""
        with self._writes.begin() as session:
            row = session.scalars(select(ApiKeyRow).where(ApiKeyRow.name == name)).one_or_none()
            if row is None:
                raise NotFoundError(f"no API key named {name!r}")
            if row.revoked_at is None:
                row.revoked_at = dt.datetime.now(dt.UTC)
            return _key(row)

    def set_glossary(self, name: str, glossary: str | None) -> ApiKey:
        """Give the key named ``name`` a glossary (None: none)."""
        if glossary is not None:
            self._check_glossary(glossary)
        with self._writes.begin() as session:
            row = session.scalars(select(ApiKeyRow).where(ApiKeyRow.name == name)).one_or_none()
            if row is None:
                raise NotFoundError(f"no API key named {name!r}")
            row.glossary = glossary
            return _key(row)

    def _check_glossary(self, glossary: str) -> None:
        with self._sessions() as session:
            known = list(session.scalars(select(GlossaryRow.name).order_by(GlossaryRow.name)))
        if glossary not in known:
            raise BadInputError(
                f"glossary {glossary!r}: no such glossary; available: {', '.join(known) or 'none'}"
            )

    def any_active(self) -> bool:
        with self._sessions() as session:
            return (
                session.scalars(
                    select(ApiKeyRow.id).where(ApiKeyRow.revoked_at.is_(None)).limit(1)
                ).first()
                is not None
            )

    def verify(self, secret: str) -> ApiKey | None:
        """The active key whose secret this is, or None (unknown, malformed or revoked).

        Runs on every request when keys are on, so it is one Core query on a pooled
        connection (about 0.1 ms on SQLite, a third of an ORM session's cost); no cache, so a
        revocation counts from the next request on, whichever process made it."""
        match = _KEY.match(secret)
        if match is None:
            return None
        with self._engine.connect() as conn:
            row = conn.execute(self._by_prefix, {"prefix": match.group(1)}).first()
        if row is None or not hmac.compare_digest(row.digest, _digest(secret)):
            return None
        key = _key(row)
        return key if key.active else None
