"""Installing and removing Argos packages, safely.

A ``.argosmodel`` is a zip with one top-level folder holding ``metadata.json``, ``model/``
(CTranslate2) and ``sentencepiece.model`` (or ``bpe.model``). A file is checked whole before
anything is written: a broken or foreign zip is refused with the reason, and the installed
packages are untouched. Extraction goes to a temporary folder beside the packages folder, where
the package is verified (its CTranslate2 model loads and translates a probe sentence with its
own tokenizer), and is then renamed into place, so a package is either fully installed and
working or absent.

Every change bumps the generation marker (``.generation`` in the packages folder): running
engines check it at most every half second and reload (see :mod:`service.mt.argos`), so
installs and removals reach every worker and every replica sharing the folder without a
restart.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
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
MAX_METADATA_BYTES = 64 * 1024
GENERATION_FILE = ".generation"
_MAX_RATIO = 200
_LANG_CODE_MAX = 8
_MAX_TEXT = 200
_MAX_TOKENS = 8
_LANGUAGE_TOKEN = re.compile(r"^(?:[a-z]{3}_[A-Z][a-z]{3}|__[a-z]{2,3}__)$")
_SPECIAL = frozenset({"<s>", "</s>", "<pad>", "<unk>", "<mask>"})
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")
PROBES = {
    "fr": "Le ministre a reçu la délégation à Hanoï.",
    "vi": "Bộ trưởng tiếp đoàn đại biểu tại Hà Nội.",
    "en": "The minister received the delegation in Hanoi.",
}
"""Probe sentences a package must translate before it is activated (others: :data:`PROBE`)."""
PROBE = "Hanoi 2026."


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
            meta_info = zf.getinfo(f"{top}/metadata.json")
            if meta_info.file_size > MAX_METADATA_BYTES:
                raise PackageError(
                    f"{name}: metadata.json is {meta_info.file_size} bytes, over the limit of "
                    f"{MAX_METADATA_BYTES}"
                )
            metadata = parse_metadata(name, zf.read(meta_info))
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


def parse_metadata(name: str, raw: bytes) -> dict[str, Any]:
    """``metadata.json``'s object; :class:`PackageError` with a one-line reason when it is
    not UTF-8 JSON, nests too deeply, holds an over-long number or is not an object."""
    try:
        metadata = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PackageError(f"{name}: metadata.json is not UTF-8 ({exc.reason})") from None
    except RecursionError:
        raise PackageError(f"{name}: metadata.json nests too deeply to be metadata") from None
    except ValueError as exc:  # JSONDecodeError, and integers over 4300 digits
        reason = str(exc).split(";")[0].replace("\n", " ")[:200]
        raise PackageError(f"{name}: metadata.json is not valid JSON ({reason})") from None
    if not isinstance(metadata, dict):
        raise PackageError(f"{name}: metadata.json must hold a JSON object")
    return metadata


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _check_metadata(name: str, metadata: dict[str, Any]) -> None:
    """Types and sizes of every field Triglot or argostranslate reads."""
    for key in ("from_code", "to_code"):
        value = metadata.get(key)
        if not isinstance(value, str) or not value.isalpha() or len(value) > _LANG_CODE_MAX:
            raise PackageError(
                f"{name}: metadata.json {key} must be a language code, not {_short(value)}"
            )
    if metadata.get("type", "translate") != "translate":
        raise PackageError(
            f"{name}: metadata.json type is {_short(metadata.get('type'))}; only "
            "'translate' packages are used"
        )
    version = metadata.get("package_version", "")
    if isinstance(version, bool) or not isinstance(version, str | int | float):
        raise PackageError(
            f"{name}: metadata.json package_version must be a string, not {_short(version)}"
        )
    if len(str(version)) > 40:
        raise PackageError(f"{name}: metadata.json package_version is over 40 characters")
    for key in ("from_name", "to_name", "name", "code", "target_prefix", "argos_version"):
        value = metadata.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > _MAX_TEXT):
            raise PackageError(
                f"{name}: metadata.json {key} must be a string of at most {_MAX_TEXT} "
                f"characters, not {_short(value)}"
            )
    for key in ("source_prefix", "source_suffix"):
        value = metadata.get(key, [])
        if (
            not isinstance(value, list)
            or len(value) > _MAX_TOKENS
            or not all(isinstance(t, str) and 0 < len(t) <= 64 for t in value)
        ):
            raise PackageError(
                f"{name}: metadata.json {key} must be a list of at most {_MAX_TOKENS} tokens, "
                f"not {_short(value)}"
            )
    target_spm = metadata.get("target_sentencepiece")
    if target_spm is not None and (
        not isinstance(target_spm, str) or not _SAFE_NAME.match(target_spm)
    ):
        raise PackageError(
            f"{name}: metadata.json target_sentencepiece must be a file name in the package, "
            f"not {_short(target_spm)}"
        )


def folder_name(top: str, metadata: dict[str, Any]) -> str:
    """The installed folder's name: the archive's folder when it is a plain name (letters,
    digits, ``._+-``, not starting with a dot), else ``translate-SRC_TGT-VERSION``. Such a name
    never hides (no leading dot), never collides with staging folders, and is what
    ``models list`` shows and ``models remove`` takes."""
    if _SAFE_NAME.match(top):
        return top
    version = re.sub(r"[^A-Za-z0-9.+-]", "", str(metadata.get("package_version", "")))
    name = f"translate-{metadata['from_code']}_{metadata['to_code']}"
    return f"{name}-{version}" if version else name


@dataclass(frozen=True, slots=True)
class Codec:
    """How a package's text becomes model tokens and back (Argos packages: one SentencePiece
    model, no extra tokens; converted OPUS-MT and NLLB/M2M-100 models add some).

    ``source_prefix``/``source_suffix``: tokens around every source sentence (NLLB:
    ``["vie_Latn"]`` and ``["</s>"]``); ``target_prefix``: the token forced first in the
    output and removed from it (NLLB ``eng_Latn``, M2M-100 ``__en__``); ``target_model``: the
    SentencePiece model that decodes the output when it differs from the source's (OPUS-MT)."""

    source_prefix: tuple[str, ...] = ()
    source_suffix: tuple[str, ...] = ()
    target_prefix: str = ""
    target_model: Path | None = None

    @classmethod
    def of(cls, folder: Path, metadata: dict[str, Any]) -> Codec:
        target = metadata.get("target_sentencepiece")
        return cls(
            source_prefix=tuple(metadata.get("source_prefix", ())),
            source_suffix=tuple(metadata.get("source_suffix", ())),
            target_prefix=str(metadata.get("target_prefix", "") or ""),
            target_model=folder / target if target else None,
        )

    def wrap(self, tokens: list[str]) -> list[str]:
        """A piece of a source sentence as the model reads it."""
        return [*self.source_prefix, *tokens, *self.source_suffix]

    def unwrap(self, tokens: list[str]) -> list[str]:
        """A hypothesis without its forced target prefix and, for models with language
        tokens (NLLB, M2M-100), without any language or special token it produced (as
        Hugging Face's ``skip_special_tokens``)."""
        if self.target_prefix and tokens[:1] == [self.target_prefix]:
            tokens = tokens[1:]
        if _LANGUAGE_TOKEN.match(self.target_prefix):
            tokens = [t for t in tokens if not _LANGUAGE_TOKEN.match(t) and t not in _SPECIAL]
        return tokens


def verify_folder(folder: Path, metadata: dict[str, Any], *, name: str) -> None:
    """Load the package in ``folder`` with CTranslate2 and its tokenizer and translate a probe
    sentence; :class:`PackageError` with the reason when any step fails."""
    import ctranslate2  # noqa: PLC0415 (heavy: only when installing)
    import sentencepiece as spm  # noqa: PLC0415

    codec = Codec.of(folder, metadata)
    try:
        translator = ctranslate2.Translator(
            str(folder / "model"), device="cpu", inter_threads=1, intra_threads=1
        )
    except (RuntimeError, ValueError, OSError) as exc:
        raise PackageError(f"{name}: the CTranslate2 model does not load ({_line(exc)})") from None
    probe = PROBES.get(str(metadata["from_code"]), PROBE)
    target: Any = None
    try:
        if (folder / "sentencepiece.model").is_file():
            target = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
            tokens = target.encode(probe, out_type=str)
        else:
            from argostranslate.tokenizer import BPETokenizer  # noqa: PLC0415

            bpe = BPETokenizer(folder / "bpe.model", metadata["from_code"], metadata["to_code"])
            tokens = bpe.encode(probe)
        if codec.target_model is not None:
            target = spm.SentencePieceProcessor(model_file=str(codec.target_model))
    except (RuntimeError, ValueError, OSError, ImportError) as exc:
        raise PackageError(f"{name}: the tokenizer does not load ({_line(exc)})") from None
    vocabulary = _target_vocabulary(folder / "model")
    for token in (*codec.source_prefix, *codec.source_suffix, codec.target_prefix):
        if token and vocabulary is not None and token not in vocabulary:
            raise PackageError(f"{name}: token {token!r} is not in the model's vocabulary")
    try:
        [result] = translator.translate_batch(
            [codec.wrap(tokens)],
            target_prefix=[[codec.target_prefix]] if codec.target_prefix else None,
            beam_size=1,
            max_decoding_length=32,
        )
        output = codec.unwrap(list(result.hypotheses[0]))
        if target is not None:
            target.decode_pieces(output)
    except (RuntimeError, ValueError, IndexError) as exc:
        raise PackageError(f"{name}: the probe translation failed ({_line(exc)})") from None
    log.info("verified %s: %r -> %d tokens", name, probe, len(output))


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def _target_vocabulary(model_dir: Path) -> set[str] | None:
    """The model's target vocabulary, when saved as JSON or text beside the model."""
    for file in ("shared_vocabulary", "target_vocabulary"):
        if (model_dir / f"{file}.json").is_file():
            try:
                words = json.loads((model_dir / f"{file}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError, RecursionError):
                return None
            return {w for w in words if isinstance(w, str)} if isinstance(words, list) else None
        if (model_dir / f"{file}.txt").is_file():
            text = (model_dir / f"{file}.txt").read_text(encoding="utf-8", errors="replace")
            return set(text.splitlines())
    return None


def bump_generation(packages_dir: Path) -> None:
    """Tell running engines that the installed set changed (an atomic replace of the marker:
    a new inode and modification time, which :class:`~service.mt.argos.ArgosEngine` polls)."""
    marker = packages_dir / GENERATION_FILE
    fd, tmp = tempfile.mkstemp(prefix=".generation-", dir=packages_dir.parent)
    with os.fdopen(fd, "w") as out:
        out.write(f"{os.getpid()} {time.time_ns()}\n")
    os.replace(tmp, marker)


def install_file(path: Path, packages_dir: Path, *, verify: bool = True) -> Path:
    """Install a package file; returns its folder. The package is extracted and verified
    (:func:`verify_folder`) in a staging folder; an older copy of the same package is
    replaced only once the new one has passed."""
    check = check_package(path)
    packages_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".install-", dir=packages_dir.parent))
    try:
        with zipfile.ZipFile(path) as zf:
            zf.extractall(staging)
        unpacked = staging / check.top
        if (
            check.metadata.get("target_sentencepiece")
            and not (unpacked / str(check.metadata["target_sentencepiece"])).is_file()
        ):
            raise PackageError(
                f"{path.name}: metadata.json names target_sentencepiece "
                f"{check.metadata['target_sentencepiece']!r}, which the package lacks"
            )
        if verify:
            verify_folder(unpacked, check.metadata, name=path.name)
        target = packages_dir / folder_name(check.top, check.metadata)
        if target.exists():
            old = staging / ".old"
            target.rename(old)
        unpacked.rename(target)
        bump_generation(packages_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("installed %s", target)
    return target


def remove(packages_dir: Path, code: str) -> None:
    """Remove the installed package folder ``code`` (a name ``models list`` shows)."""
    target = packages_dir / code
    if (
        not code
        or "/" in code
        or "\\" in code
        or code in (".", "..")
        or not (target / "metadata.json").is_file()
    ):
        raise NotFoundError(f"no installed package {code!r}; `triglot models list` shows them")
    trash = Path(tempfile.mkdtemp(prefix=".remove-", dir=packages_dir.parent))
    target.rename(trash / "package")
    bump_generation(packages_dir)
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
