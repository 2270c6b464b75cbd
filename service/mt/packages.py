"""Installing and removing Argos packages, safely.

A ``.argosmodel`` is a zip with one top-level folder holding ``metadata.json``, ``model/``
(CTranslate2) and ``sentencepiece.model`` (or ``bpe.model``). A file is checked whole before
anything is written: a broken or foreign zip is refused with the reason, and the installed
packages are untouched. Extraction goes to a temporary folder beside the packages folder and is
renamed into place, so a package is either fully installed or absent.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from service.errors import BadInputError, NotFoundError, ServiceError

log = logging.getLogger(__name__)

MAX_UNCOMPRESSED = 4 * 1024**3
_MAX_RATIO = 200
_LANG_CODE_MAX = 8


class PackageError(BadInputError):
    """A package file that cannot be installed (the message says why)."""

    code = "bad_package"


class PackageIndexError(ServiceError):
    """A package index that cannot be read, or that lacks the asked package."""

    status = 502
    code = "package_index"


@dataclass(frozen=True, slots=True)
class PackageCheck:
    """What a valid package file holds."""

    top: str
    metadata: dict[str, Any]


def check_package(path: Path) -> PackageCheck:
    """Validate a ``.argosmodel`` file without extracting it."""
    name = path.name
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{name}: not a zip archive, so not an Argos package (.argosmodel)")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if not infos:
                raise PackageError(f"{name}: the archive is empty")
            tops = set()
            total = 0
            for info in infos:
                member = PurePosixPath(info.filename)
                if member.is_absolute() or ".." in member.parts or "\\" in info.filename:
                    raise PackageError(f"{name}: unsafe path in archive: {info.filename!r}")
                tops.add(member.parts[0])
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > _MAX_RATIO:
                    raise PackageError(
                        f"{name}: {info.filename} expands {_MAX_RATIO}x or "
                        "more: refused as a zip bomb"
                    )
            if total > MAX_UNCOMPRESSED:
                raise PackageError(
                    f"{name}: {total} bytes uncompressed, over the limit of {MAX_UNCOMPRESSED}"
                )
            if len(tops) != 1 or any(
                i.filename == next(iter(tops)) for i in infos if not i.is_dir()
            ):
                raise PackageError(
                    f"{name}: an Argos package holds exactly one top-level folder; found "
                    f"{sorted(tops)[:5]}"
                )
            top = next(iter(tops))
            names = {i.filename.rstrip("/") for i in infos}
            if f"{top}/metadata.json" not in names:
                raise PackageError(f"{name}: no {top}/metadata.json")
            try:
                metadata = json.loads(zf.read(f"{top}/metadata.json").decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise PackageError(f"{name}: metadata.json is not valid JSON ({exc})") from None
            if f"{top}/model/model.bin" not in names:
                raise PackageError(f"{name}: no CTranslate2 model ({top}/model/model.bin)")
            if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & names:
                raise PackageError(f"{name}: no tokenizer (sentencepiece.model or bpe.model)")
            bad = zf.testzip()
            if bad is not None:
                raise PackageError(f"{name}: {bad} is corrupt (CRC mismatch)")
    except zipfile.BadZipFile as exc:
        raise PackageError(f"{name}: broken zip archive ({exc})") from None
    _check_metadata(name, metadata)
    return PackageCheck(top=top, metadata=metadata)


def _check_metadata(name: str, metadata: Any) -> None:
    if not isinstance(metadata, dict):
        raise PackageError(f"{name}: metadata.json must hold a JSON object")
    for key in ("from_code", "to_code"):
        value = metadata.get(key)
        if not isinstance(value, str) or not value.isalpha() or len(value) > _LANG_CODE_MAX:
            raise PackageError(
                f"{name}: metadata.json {key} must be a language code, not {value!r}"
            )
    if metadata.get("type", "translate") != "translate":
        raise PackageError(
            f"{name}: metadata.json type is {metadata.get('type')!r}; only "
            "'translate' packages are used"
        )


def install_file(path: Path, packages_dir: Path) -> Path:
    """Install a package file; returns its folder. An older copy of the same package is
    replaced only once the new one is completely extracted."""
    check = check_package(path)
    packages_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=packages_dir.parent))
    try:
        with zipfile.ZipFile(path) as zf:
            zf.extractall(staging)
        target = packages_dir / check.top
        if target.exists():
            old = staging / ".old"
            target.rename(old)
        (staging / check.top).rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("installed %s", target)
    return target


def remove(packages_dir: Path, code: str) -> None:
    """Remove the installed package folder ``code``."""
    target = packages_dir / code
    if "/" in code or code.startswith(".") or not (target / "metadata.json").exists():
        raise NotFoundError(f"no installed package {code!r}; `triglot models list` shows them")
    trash = Path(tempfile.mkdtemp(prefix=".remove-", dir=packages_dir.parent))
    target.rename(trash / code)
    shutil.rmtree(trash, ignore_errors=True)


def install_from_index(
    index_url: str, src_lang: str, tgt_lang: str, packages_dir: Path, *, timeout: float = 60.0
) -> Path:
    """Download the ``src_lang``->``tgt_lang`` package listed in an Argos package index
    (``index.json``: a list of package metadata with ``links``) and install it."""
    url = index_url if index_url.endswith(".json") else index_url.rstrip("/") + "/index.json"
    if urllib.parse.urlsplit(url).scheme not in ("http", "https", "file"):
        raise BadInputError(f"index URL must be http(s) or file, not {index_url!r}")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as res:
            index = json.loads(res.read().decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PackageIndexError(f"package index {url} could not be read: {exc}") from None
    if not isinstance(index, list):
        raise PackageIndexError(f"package index {url} is not a JSON list of packages")
    matches = [
        p
        for p in index
        if isinstance(p, dict)
        and p.get("from_code") == src_lang
        and p.get("to_code") == tgt_lang
        and p.get("type", "translate") == "translate"
    ]
    if not matches:
        raise PackageIndexError(f"package index {url} has no {src_lang}->{tgt_lang} package")
    best = max(matches, key=lambda p: str(p.get("package_version", "")))
    links = best.get("links") or []
    if not links:
        raise PackageIndexError(f"package index entry for {src_lang}->{tgt_lang} has no links")
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "package.argosmodel"
        link = urllib.parse.urljoin(url, str(links[0]))
        try:
            with urllib.request.urlopen(link, timeout=timeout) as res, file.open("wb") as out:
                shutil.copyfileobj(res, out)
        except (urllib.error.URLError, OSError) as exc:
            raise PackageIndexError(f"package {link} could not be downloaded: {exc}") from None
        return install_file(file, packages_dir)
