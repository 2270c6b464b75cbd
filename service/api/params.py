"""Parameters of LibreTranslate-style requests: JSON, form or query string, read once."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from service.errors import ServiceError


class TranslateRequestError(ServiceError):
    """A /translate, /detect or /languages request LibreTranslate would answer with 400."""

    status = 400
    code = "bad_request"


async def request_params(request: Request) -> dict[str, Any]:
    """The request's parameters (cached on the request: the access guard reads ``api_key``
    before the endpoint reads the rest)."""
    cached: dict[str, Any] | None = getattr(request.state, "params", None)
    if cached is not None:
        return cached
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    params: dict[str, Any]
    if media == "application/json":
        try:
            body = json.loads(await request.body() or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise TranslateRequestError(f"Invalid request: body is not JSON ({exc})") from None
        if not isinstance(body, dict):
            raise TranslateRequestError("Invalid request: JSON body must be an object")
        params = body
    elif media == "application/x-www-form-urlencoded":
        try:  # strictly: a form that is not UTF-8 is an error, not U+FFFD characters
            body = (await request.body()).decode("utf-8")
            params = dict(parse_qsl(body, keep_blank_values=True, errors="strict"))
        except UnicodeDecodeError as exc:
            raise TranslateRequestError(
                f"Invalid request: form body is not UTF-8 ({exc.reason}: "
                f"{exc.object[exc.start : exc.end]!r})"
            ) from None
    elif media == "multipart/form-data":
        async with request.form() as form:  # closes any uploaded file
            params = {k: v for k, v in form.items() if isinstance(v, str)}
    else:
        params = dict(request.query_params)
    request.state.params = params
    return params
