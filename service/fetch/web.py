"""Fetch one page over HTTP(S) with the limits a server that fetches for others needs.

- Only ``http``/``https`` URLs without credentials; every address the host resolves to must be
  public unless private addresses are allowed (a setting, for tests and intranets); each
  redirect is checked again, and there are at most ``max_redirects`` of them.
- ``robots.txt`` is honoured for Triglot's User-Agent (read once per host; a site without one,
  or whose robots.txt cannot be read, is open); the User-Agent names Triglot.
- At most one request per ``host_interval`` seconds to the same host (requests wait).
- Time limits on connecting and on each read, and a deadline on the whole body; a body over
  ``max_bytes`` is refused without being read further; only HTML (or plain text) is accepted.

The address check happens before connecting, by resolving the host name; a DNS answer that
changes between the check and the connection (rebinding) is not caught: deployments that fetch
for untrusted users should also block private ranges in the network (see the README).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import httpx

from service.errors import FetchError, FetchRefusedError, TooLargeError

if TYPE_CHECKING:
    from service.settings import Settings

USER_AGENT = "Triglot/0.1 (+https://github.com/triglot; page fetcher for alignment)"
_ACCEPTED = ("text/html", "application/xhtml+xml", "text/plain")
_ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page: the URL asked for, where it ended after redirects, its media type,
    declared charset (or None) and body."""

    url: str
    final_url: str
    media_type: str
    charset: str | None
    body: bytes


@dataclass(frozen=True, slots=True)
class FetchLimits:
    timeout_s: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    host_interval_s: float = 1.0
    allow_loopback: bool = False
    allow_private: bool = False
    respect_robots: bool = True


def check_url(url: str, *, allow_loopback: bool = False, allow_private: bool = False) -> str:
    """The host of ``url`` after checking scheme, credentials and addresses.

    Raises :class:`FetchRefusedError` naming the problem.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchRefusedError(f"url: {url!r} is not an http or https URL")
    if not parts.hostname:
        raise FetchRefusedError(f"url: {url!r} names no host")
    if parts.username or parts.password:
        raise FetchRefusedError("url: URLs with credentials are not fetched")
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{host}: the host name does not resolve ({exc})") from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        address = getattr(address, "ipv4_mapped", None) or address
        if address.is_loopback:
            if not allow_loopback:
                raise FetchRefusedError(
                    f"url: {host} resolves to {address}, a loopback address: not fetched "
                    "(setting TRIGLOT_FETCH_ALLOW_LOOPBACK)"
                )
        elif (
            address.is_multicast
            or address.is_unspecified
            or (not address.is_global and not allow_private)
        ):
            raise FetchRefusedError(
                f"url: {host} resolves to {address}, a private, link-local or reserved "
                "address: not fetched (setting TRIGLOT_FETCH_ALLOW_PRIVATE)"
            )
    return host


class Fetcher:
    """Fetches pages within :class:`FetchLimits`; safe to share between threads."""

    def __init__(self, limits: FetchLimits, *, user_agent: str = USER_AGENT) -> None:
        self.limits = limits
        self.user_agent = user_agent
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def fetch(self, url: str) -> Fetched:
        """Fetch ``url`` (following checked redirects). Raises :class:`FetchRefusedError`,
        :class:`FetchError` or :class:`TooLargeError`."""
        current = url
        with httpx.Client(
            timeout=httpx.Timeout(self.limits.timeout_s),
            follow_redirects=False,
            headers={"User-Agent": self.user_agent, "Accept": "text/html,*/*;q=0.5"},
            trust_env=False,
        ) as client:
            for _ in range(self.limits.max_redirects + 1):
                host = check_url(
                    current,
                    allow_loopback=self.limits.allow_loopback,
                    allow_private=self.limits.allow_private,
                )
                if self.limits.respect_robots and not self._robots_allow(client, current):
                    raise FetchRefusedError(f"url: {current} is disallowed by {host}'s robots.txt")
                self._wait_for(host)
                response = self._get(client, current)
                if response is None:
                    continue
                if response[0] in (301, 302, 303, 307, 308):
                    location = response[1]
                    if not location:
                        raise FetchError(f"{current}: a redirect without a Location")
                    current = urljoin(current, location)
                    continue
                status, _, media, charset, body = response
                if status != 200:
                    raise FetchError(f"{current}: the site answered HTTP {status}")
                if media not in _ACCEPTED:
                    raise FetchError(
                        f"{current}: the site sent {media or 'no content type'}, not an HTML page"
                    )
                return Fetched(url, current, media, charset, body)
        raise FetchError(f"{url}: more than {self.limits.max_redirects} redirects")

    def _get(
        self, client: httpx.Client, url: str
    ) -> tuple[int, str | None, str, str | None, bytes] | None:
        deadline = time.monotonic() + self.limits.timeout_s * 3
        try:
            with client.stream("GET", url) as response:
                if response.is_redirect:
                    return response.status_code, response.headers.get("location"), "", None, b""
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
                    raise TooLargeError(
                        f"{url}: {declared} bytes is over the page size limit of "
                        f"{self.limits.max_bytes} bytes"
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.limits.max_bytes:
                        raise TooLargeError(
                            f"{url}: over the page size limit of {self.limits.max_bytes} bytes"
                        )
                    if time.monotonic() > deadline:
                        raise FetchError(f"{url}: the page took too long to arrive")
                    chunks.append(chunk)
                media_header = response.headers.get("content-type", "")
                media = media_header.split(";")[0].strip().lower()
                charset = response.charset_encoding
                return response.status_code, None, media, charset, b"".join(chunks)
        except httpx.TimeoutException:
            raise FetchError(f"{url}: no answer within {self.limits.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None

    def _wait_for(self, host: str) -> None:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self.limits.host_interval_s
        if slot > now:
            time.sleep(slot - now)

    def _robots_allow(self, client: httpx.Client, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            known = origin in self._robots
            parser = self._robots.get(origin)
        if not known:
            parser = self._read_robots(client, origin)
            with self._lock:
                self._robots[origin] = parser
        return parser is None or parser.can_fetch(self.user_agent, url)

    def _read_robots(
        self, client: httpx.Client, origin: str
    ) -> urllib.robotparser.RobotFileParser | None:
        """The site's rules; None (open) when it has no robots.txt or it cannot be read."""
        try:
            response = client.get(f"{origin}/robots.txt")
        except httpx.HTTPError:
            return None
        if response.status_code != 200 or len(response.content) > _ROBOTS_MAX_BYTES:
            return None
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(response.text.splitlines())
        return parser


@lru_cache(maxsize=8)
def fetcher_for(settings: Settings) -> Fetcher:
    """One fetcher per configuration, so that the per-host pacing and the robots.txt rules
    are shared by every request of a process."""
    return Fetcher(
        FetchLimits(
            timeout_s=settings.fetch_timeout_s,
            max_bytes=settings.max_html_bytes,
            host_interval_s=settings.fetch_host_interval_s,
            allow_loopback=settings.fetch_allow_loopback,
            allow_private=settings.fetch_allow_private,
            respect_robots=settings.fetch_respect_robots,
        )
    )
