"""Translated files waiting to be downloaded: one folder, names nobody can guess, a lifetime.

A stored file is named ``<32 random URL-safe characters>.<download name>`` (192 bits from
:mod:`secrets`), as LibreTranslate names them with a UUID: the name is the only way to reach
it, and it is checked against that shape before any path is built. Files older than the
lifetime are refused and deleted (on every save and at start-up).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from service.errors import NotFoundError, ServiceError

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.([A-Za-z0-9][A-Za-z0-9._-]{0,119})$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class StoreFullError(ServiceError):
    """As many translated files wait to be downloaded as the store keeps."""

    status = 503
    code = "files_full"


@dataclass(frozen=True, slots=True)
class StoredFile:
    path: Path
    download_name: str


def download_name(filename: str, tgt_lang: str) -> str:
    """``report.docx`` translated into English -> ``report_en.docx`` (LibreTranslate's
    naming), reduced to letters, digits and ``._-``."""
    path = Path(filename.replace("\\", "/")).name
    stem, suffix = Path(path).stem, Path(path).suffix.lower()
    safe = _UNSAFE.sub("_", stem).strip("._-")[:100] or "file"
    return f"{safe}_{tgt_lang}{suffix}"


class FileStore:
    """Translated files under ``root``, each downloadable for ``ttl_seconds``; at most
    ``max_files`` at once (a new one is refused until old ones expire)."""

    def __init__(self, root: Path, *, ttl_seconds: int, max_files: int) -> None:
        self.root = root
        self.ttl_seconds = ttl_seconds
        self.max_files = max_files

    def save(self, data: bytes, name: str) -> str:
        """Store ``data`` to be downloaded as ``name``; returns the stored file's name."""
        self.purge()
        self.root.mkdir(parents=True, exist_ok=True)
        held = sum(1 for _ in self.root.iterdir())
        if held >= self.max_files:
            raise StoreFullError(
                f"{held} translated files wait to be downloaded (TRIGLOT_MAX_STORED_FILES="
                f"{self.max_files}); try again once some expire (TRIGLOT_FILE_TTL_SECONDS)"
            )
        stored = f"{secrets.token_urlsafe(24)}.{name}"
        if not _NAME.match(stored):
            raise ValueError(f"not a storable download name: {name!r}")
        partial = self.root / f".{stored}.part"
        partial.write_bytes(data)
        os.replace(partial, self.root / stored)  # whole or absent, never half written
        return stored

    def get(self, stored: str) -> StoredFile:
        """The file stored as ``stored``, unless the name is malformed, unknown or expired."""
        match = _NAME.match(stored)
        path = self.root / stored if match else None
        if match is None or path is None or not path.is_file() or self._expired(path):
            raise NotFoundError(
                f"no translated file {stored[:60]!r}: unknown, or deleted after "
                f"{self.ttl_seconds} s (TRIGLOT_FILE_TTL_SECONDS)"
            )
        return StoredFile(path, match.group(1))

    def purge(self) -> int:
        """Delete expired files (and parts left by a crash); returns how many."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for path in self.root.iterdir():
            if path.is_file() and self._expired(path):
                path.unlink(missing_ok=True)
                removed += 1
        if removed:
            log.info("deleted %d expired translated files", removed)
        return removed

    def _expired(self, path: Path) -> bool:
        try:
            return time.time() - path.stat().st_mtime > self.ttl_seconds
        except FileNotFoundError:
            return True
