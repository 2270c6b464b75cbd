"""Who may call what, and how often: the one access policy of the API.

Every route is one of four kinds, decided here from its method and path and nowhere else:

- ``open``: ``/health``: never needs a key, never limited (for monitors and load balancers);
- ``read``: GET routes and computations that store nothing (``/detect``, ``/align``);
- ``translate``: ``/translate``: needs a key when ``TRIGLOT_TRANSLATE_REQUIRES_KEY`` is set;
- ``write``: every other POST/PUT/PATCH/DELETE: needs a key when ``TRIGLOT_API_KEYS`` is set;
- ``private``: reads of what users sent (``/suggestions``) and of review work (glossary
  proposals, jobs): a key when ``TRIGLOT_API_KEYS`` is set.

A key is sent as ``Authorization: Bearer KEY``, ``X-API-Key: KEY``, or (LibreTranslate's way)
an ``api_key`` parameter of /translate, /detect, /translate_file and /suggest. A valid key's
requests count against the key's limit, others against their address's limit. Missing key:
401; unknown or revoked: 403; over the limit: 429 with ``Retry-After``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from service.api.params import request_params
from service.api.schemas import ErrorOut
from service.errors import ServiceError
from service.store.keys import ApiKey


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
    ("GET", "/jobs"): Access.PRIVATE,
    ("GET", "/jobs/{job_id}"): Access.PRIVATE,
}
# LibreTranslate clients send api_key there
_PARAM_KEY_ROUTES = {"/translate", "/detect", "/translate_file", "/suggest"}


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

_bearer = HTTPBearer(auto_error=False, description="An API key from `triglot keys add`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key")


async def guard(
    request: Request,
    response: Response,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> ApiKey | None:
    """Check the caller's key and rate limit for this route; returns the key, if any."""
    services = request.app.state.services
    settings = services.settings
    route = request.scope.get("route")
    path = getattr(route, "path", request.url.path)
    kind = access_of(request.method, path)
    if kind is Access.OPEN:
        return None
    key: ApiKey | None = None
    if settings.api_keys:  # keys off: any key sent is ignored, as LibreTranslate does
        secret = bearer.credentials if bearer is not None else header
        if secret is None and path in _PARAM_KEY_ROUTES and request.method == "POST":
            value = (await request_params(request)).get("api_key")
            secret = value if isinstance(value, str) and value else None
        if secret is not None:
            key = services.keys.verify(secret)
            if key is None:
                raise InvalidKeyError("Invalid API key: unknown or revoked")
    needed = (kind in (Access.WRITE, Access.PRIVATE) and settings.api_keys) or (
        kind is Access.TRANSLATE and settings.translate_requires_key
    )
    if needed and key is None:
        raise KeyRequiredError(
            f"{request.method} {path} needs an API key: send Authorization: Bearer KEY "
            "or X-API-Key: KEY (keys are made with `triglot keys add NAME`)"
        )
    if key is not None:
        client = f"key {key.name}"
        limit = key.rate_limit if key.rate_limit is not None else settings.key_rate_limit
    else:
        client = f"address {request.client.host if request.client else 'unknown'}"
        limit = settings.rate_limit
    decision = services.limiter.hit(client, limit)
    if decision.limit:
        response.headers["X-RateLimit-Limit"] = str(decision.limit)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
    if not decision.allowed:
        raise RateLimitedError(
            f"Too many requests: {client} is limited to {decision.limit} per minute; "
            f"retry after {decision.retry_after} s",
            decision.retry_after,
            decision.limit,
        )
    request.state.api_key = key  # who the caller is, for the pages (service.web.deps)
    return key
