"""Who may call what, and how often: the one access policy of the API.

Every route is one of four kinds, decided here from its method and path and nowhere else:

- ``open``: ``/health``: never needs a key, never limited (for monitors and load balancers);
- ``read``: GET routes and computations that store nothing (``/detect``, ``/align``);
- ``translate``: ``/translate``: needs a key when ``TRIGLOT_TRANSLATE_REQUIRES_KEY`` is set;
- ``write``: every other POST/PUT/PATCH/DELETE: needs a key when ``TRIGLOT_API_KEYS`` is set;
- ``private``: reads of what users sent (``/suggestions``) and of review work (glossary
  proposals, jobs): a key when ``TRIGLOT_API_KEYS`` is set.

A key is sent as ``Authorization: Bearer KEY``, ``X-API-Key: KEY``, or (LibreTranslate's way)
an ``api_key`` parameter of /translate and /detect. A valid key's requests count against the
key's limit, others against their address's limit. Missing key: 401; unknown, revoked or
malformed, even beside a valid one: 403; over the limit: 429 with ``Retry-After``.
The check runs in :mod:`service.api.edge` before any body is parsed (a request without a key
gets 401, not a complaint about its body).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from service.api.limits import RateLimiter
from service.api.schemas import ErrorOut
from service.errors import ServiceError
from service.settings import Settings
from service.store.keys import ApiKey, KeyStore


class Access(StrEnum):
    OPEN = "open"
    READ = "read"
    TRANSLATE = "translate"
    WRITE = "write"
    PRIVATE = "private"


_BY_ROUTE: dict[tuple[str, str], Access] = {
    ("GET", "/health"): Access.OPEN,
    ("POST", "/detect"): Access.READ,
    ("POST", "/align"): Access.READ,
    ("POST", "/translate"): Access.TRANSLATE,
    ("POST", "/ui/translate"): Access.TRANSLATE,  # the translate page: the same rule
    ("GET", "/frontend/settings"): Access.OPEN,
    ("POST", "/translate_file"): Access.TRANSLATE,
    ("POST", "/suggest"): Access.TRANSLATE,
    ("GET", "/suggestions"): Access.PRIVATE,
    # Proposals and jobs hold unpublished terms and stored text.
    ("GET", "/glossaries/{name}/proposals"): Access.PRIVATE,
    ("GET", "/glossaries/{name}/proposals/{pid}"): Access.PRIVATE,
    ("GET", "/glossaries/{name}/proposals/{pid}/impact"): Access.PRIVATE,
    ("GET", "/ui/review/list"): Access.PRIVATE,  # the review page's proposals: the same rule
    ("GET", "/ui/review/{name}/{pid}/diff"): Access.PRIVATE,
    ("GET", "/ui/review/{name}/{pid}/impact"): Access.PRIVATE,
    ("GET", "/jobs"): Access.PRIVATE,
    ("GET", "/jobs/{job_id}"): Access.PRIVATE,
}


def access_of(method: str, path: str) -> Access:
    """The kind of the route ``path`` (its template, e.g. ``/documents/{doc_id}``)."""
    found = _BY_ROUTE.get((method, path))
    if found is not None:
        return found
    return Access.READ if method in ("GET", "HEAD", "OPTIONS") else Access.WRITE


class KeyRequiredError(ServiceError):
    status = 401
    code = "key_required"


class InvalidKeyError(ServiceError):
    status = 403
    code = "invalid_key"


class RateLimitedError(ServiceError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int, limit: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.limit = limit


ACCESS_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Malformed body (bad Content-Length, multipart)"},
    401: {"model": ErrorOut, "description": "An API key is needed (see service.api.access)"},
    403: {"model": ErrorOut, "description": "Unknown or revoked API key"},
    413: {"model": ErrorOut, "description": "Request body over the size limit"},
    429: {
        "model": ErrorOut,
        "description": "Over the rate limit",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds"}},
    },
}
"""The answers every route may give, whatever it does (documented once, on the app)."""

SECURITY_SCHEMES: dict[str, Any] = {
    "HTTPBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from `triglot keys add`",
    },
    "APIKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "An API key",
    },
}
"""How a key is sent, for the OpenAPI document (the check itself is :func:`authorize`)."""


@dataclass(frozen=True, slots=True)
class Credentials:
    """Every credential a request carries: ``Authorization``, ``X-API-Key`` and (on /translate
    and /detect) an ``api_key`` parameter; None where absent."""

    authorization: str | None = None
    header: str | None = None
    param: object = None

    def secrets(self) -> list[tuple[str, str]]:
        """(where, secret) for each credential sent; a malformed one raises 401/403."""
        found: list[tuple[str, str]] = []
        if self.authorization is not None:
            scheme, _, secret = self.authorization.strip().partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise InvalidKeyError(
                    "Invalid credentials: Authorization must be `Bearer KEY` (an API key)"
                )
            found.append(("Authorization", secret.strip()))
        if self.header is not None:
            found.append(("X-API-Key", self.header.strip()))
        if self.param is not None and self.param != "":
            if not isinstance(self.param, str):
                raise InvalidKeyError("Invalid API key: api_key must be a string")
            found.append(("api_key", self.param))
        return found


@dataclass(frozen=True, slots=True)
class Grant:
    """The outcome of an access check: the key (if any), the client the limits count against,
    and the request limit's headers (limit 0: none)."""

    key: ApiKey | None
    client: str
    limit: int
    remaining: int


def authorize(
    settings: Settings,
    keys: KeyStore,
    limiter: RateLimiter,
    *,
    method: str,
    path: str,
    credentials: Credentials,
    address: str,
) -> Grant | None:
    """Check the credentials and the request limit of ``method path`` (``path`` is the route
    template); None for open routes. One rule for credentials: when keys are on, every
    credential sent must be a valid key, and all the same key (any invalid one: 403, a malformed
    Authorization: 403, none where one is needed: 401); when keys are off they are ignored, as
    LibreTranslate does."""
    kind = access_of(method, path)
    if kind is Access.OPEN:
        return None
    key: ApiKey | None = None
    if settings.api_keys:
        for where, secret in credentials.secrets():
            found = keys.verify(secret)
            if found is None:
                raise InvalidKeyError(f"Invalid API key in {where}: unknown or revoked")
            if key is not None and found.name != key.name:
                raise InvalidKeyError("Invalid credentials: two different API keys were sent")
            key = found
    needed = (kind in (Access.WRITE, Access.PRIVATE) and settings.api_keys) or (
        kind is Access.TRANSLATE and settings.translate_requires_key
    )
    if needed and key is None:
        raise KeyRequiredError(
            f"{method} {path} needs an API key: send Authorization: Bearer KEY "
            "or X-API-Key: KEY (keys are made with `triglot keys add NAME`)"
        )
    if key is not None:
        client = f"key {key.name}"
        limit = key.rate_limit if key.rate_limit is not None else settings.key_rate_limit
    else:
        client = f"address {address}"
        limit = settings.rate_limit
    decision = limiter.hit(client, limit)
    if not decision.allowed:
        raise RateLimitedError(
            f"Too many requests: {client} is limited to {decision.limit} per minute; "
            f"retry after {decision.retry_after} s",
            decision.retry_after,
            decision.limit,
        )
    return Grant(key, client, decision.limit, decision.remaining)
