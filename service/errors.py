"""Errors of the service edge. Each maps to one HTTP status and one CLI exit code."""

from __future__ import annotations


class ServiceError(Exception):
    """Base class of every error raised by :mod:`service`.

    ``status`` is the HTTP status the API answers with; ``code`` a stable machine-readable name.
    """

    status: int = 500
    code: str = "internal_error"


class BadInputError(ServiceError):
    """Input that cannot be used as it is (the message names the field and the problem)."""

    status = 422
    code = "bad_input"


class NotTextError(BadInputError):
    """Bytes that are not UTF-8 text."""

    status = 400
    code = "not_utf8"


class TooLargeError(BadInputError):
    """Input over a configured size limit."""

    status = 413
    code = "too_large"


class NotFoundError(ServiceError):
    """An id that names nothing stored."""

    status = 404
    code = "not_found"


class UnsupportedMediaError(ServiceError):
    """A request body in a content type the endpoint does not read."""

    status = 415
    code = "unsupported_media_type"


class FetchRefusedError(BadInputError):
    """A URL Triglot will not fetch: not http(s), a private or loopback address (unless
    allowed), or a path the site's robots.txt disallows."""

    status = 422
    code = "fetch_refused"


class FetchError(ServiceError):
    """A page could not be fetched: the site did not answer in time, answered an error, or
    sent something that is not a page."""

    status = 502
    code = "fetch_failed"
