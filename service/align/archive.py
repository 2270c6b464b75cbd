"""Archives of pages (``.zip``, ``.tar.gz``/``.tgz``) checked before anything is stored, then
read one page at a time.

:func:`check_archive` reads only the archive's index (zip) or headers (tar) and refuses, with
the reason: something that is not a zip or gzipped tar, an entry whose path climbs out of the
archive (``../x``, ``/etc/x``, ``C:\\x``), a link or device entry, an encrypted entry, more
page entries than ``max_entries``, a page over ``max_entry_bytes``, and more than
``max_unpacked_bytes`` unpacked in all. Pages are the ``.txt``, ``.html``, ``.htm`` and
``.xhtml`` entries; folders and other files are skipped (counted). :func:`read_pages` then
yields each page's name and bytes, reading at most ``max_entry_bytes`` + 1 bytes of any entry
whatever its header claims (a zip entry's declared size can lie).
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from service.errors import BadInputError, TooLargeError, UnsupportedMediaError

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")
ZIP, TAR = "zip", "tar"


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_entries: int
    max_entry_bytes: int
    max_unpacked_bytes: int


@dataclass(frozen=True, slots=True)
class ArchiveListing:
    """What an archive holds: its kind (``zip`` or ``tar``), its page entries (names inside
    the archive, in archive order), their unpacked bytes in all, and how many other entries
    (folders, other files) it has."""

    kind: str
    pages: tuple[str, ...]
    unpacked_bytes: int
    skipped: int


def archive_kind(head: bytes) -> str:
    """``zip`` or ``tar`` (gzipped) from an archive's first bytes; 415 for anything else."""
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return ZIP
    if head.startswith(b"\x1f\x8b"):
        return TAR
    raise UnsupportedMediaError(
        "archive: not a .zip or .tar.gz file (send a zip or gzipped tar of .txt/.html pages)"
    )


def _safe_name(name: str) -> str:
    """``name`` if it stays inside the archive; 422 naming it otherwise."""
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    if (
        not posix
        or posix.startswith("/")
        or ".." in parts
        or (len(posix) > 1 and posix[1] == ":")
        or "\x00" in posix
    ):
        raise BadInputError(f"archive: entry {name!r} points outside the archive; refused")
    return posix


def _is_page(name: str) -> bool:
    return name.lower().endswith(PAGE_SUFFIXES) and not PurePosixPath(name).name.startswith(".")


class _Tally:
    def __init__(self, limits: ArchiveLimits) -> None:
        self.limits = limits
        self.pages: list[str] = []
        self.unpacked = 0
        self.skipped = 0

    def add(self, name: str, size: int) -> None:
        lim = self.limits
        if len(self.pages) >= lim.max_entries:
            raise TooLargeError(
                f"archive: more than {lim.max_entries} pages (TRIGLOT_MAX_ARCHIVE_ENTRIES)"
            )
        if size > lim.max_entry_bytes:
            raise TooLargeError(
                f"archive: {name}: {size} bytes is over the page size limit of "
                f"{lim.max_entry_bytes} bytes"
            )
        self.unpacked += size
        if self.unpacked > lim.max_unpacked_bytes:
            raise TooLargeError(
                f"archive: more than {lim.max_unpacked_bytes} bytes unpacked "
                "(TRIGLOT_MAX_ARCHIVE_UNPACKED_BYTES)"
            )
        self.pages.append(name)


def check_archive(path: Path, limits: ArchiveLimits) -> ArchiveListing:
    """List ``path``'s pages, refusing a bad or oversized archive (see the module)."""
    with path.open("rb") as fh:
        kind = archive_kind(fh.read(4))
    tally = _Tally(limits)
    try:
        if kind == ZIP:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    name = _safe_name(info.filename)
                    if info.is_dir() or not _is_page(name):
                        tally.skipped += 1
                        continue
                    if info.flag_bits & 0x1:
                        raise BadInputError(f"archive: entry {name!r} is encrypted")
                    tally.add(name, info.file_size)
        else:
            with tarfile.open(path, mode="r:gz") as tf:
                for member in tf:
                    name = _safe_name(member.name)
                    if member.isdir():
                        tally.skipped += 1
                        continue
                    if not member.isfile():
                        raise BadInputError(
                            f"archive: entry {name!r} is a link or a device; only files and "
                            "folders are read"
                        )
                    if not _is_page(name):
                        tally.skipped += 1
                        continue
                    tally.add(name, member.size)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as exc:
        raise BadInputError(f"archive: cannot be read ({exc})") from None
    if not tally.pages:
        raise BadInputError(f"archive: no pages in it (.txt, .html); {tally.skipped} other entries")
    return ArchiveListing(kind, tuple(tally.pages), tally.unpacked, tally.skipped)


def read_pages(
    path: Path, kind: str, *, max_entry_bytes: int, skip: int = 0
) -> Iterator[tuple[str, bytes]]:
    """Each page entry's name and bytes (at most ``max_entry_bytes`` + 1 of them: an
    oversized page is then refused by the ingest that reads it), in archive order, after the
    first ``skip`` pages (a resumed job's pages already done)."""
    seen = 0
    if kind == ZIP:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = _safe_name(info.filename)
                if info.is_dir() or not _is_page(name):
                    continue
                seen += 1
                if seen <= skip:
                    continue
                with zf.open(info) as fh:
                    yield name, fh.read(max_entry_bytes + 1)
        return
    with tarfile.open(path, mode="r:gz") as tf:
        for member in tf:
            name = _safe_name(member.name)
            if not member.isfile() or not _is_page(name):
                continue
            seen += 1
            if seen <= skip:
                continue
            member_fh = tf.extractfile(member)
            if member_fh is not None:
                yield name, member_fh.read(max_entry_bytes + 1)
