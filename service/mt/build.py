"""Building an Argos package from a CTranslate2 conversion of an OPUS-MT or NLLB/M2M-100 model.

Input: the folder ``ct2-transformers-converter`` writes (``model.bin``, ``config.json``, the
vocabulary) with the tokenizer files copied in (``--copy_files``):

- OPUS-MT (Marian): ``source.spm`` and ``target.spm``, one SentencePiece model per side. The
  package keeps ``source.spm`` as ``sentencepiece.model`` (what argostranslate encodes with)
  and ``target.spm`` as ``target.spm`` (``target_sentencepiece`` in metadata.json); every
  source sentence ends with ``</s>``, as the Hugging Face tokenizer adds it.
- NLLB-200: ``sentencepiece.bpe.model`` and language tokens ``vie_Latn``, ``eng_Latn``; M2M-100:
  ``sentencepiece.bpe.model`` or ``spm.model`` and tokens ``__vi__``, ``__en__``. The source
  sentence is ``[src token] pieces </s>`` (``source_prefix``/``source_suffix``) and the target
  token is forced first (``target_prefix``, the one decoding option argostranslate reads).

Output: a ``.argosmodel`` zip with one folder (``metadata.json``, ``model/``,
``sentencepiece.model``...) that was verified (:func:`service.mt.packages.verify_folder`)
before it was written.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from service.errors import BadInputError
from service.mt.packages import PackageError, folder_name, verify_folder

Family = Literal["marian", "nllb", "m2m100"]

_TOKENIZER_FILES = ("source.spm", "target.spm", "sentencepiece.bpe.model", "spm.model")
_NLLB_TOKEN = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
_M2M_TOKEN = re.compile(r"^__[a-z]{2,3}__$")


@dataclass(frozen=True, slots=True)
class BuildPlan:
    """What will be packaged: the family and the tokens around sentences."""

    family: Family
    source_prefix: tuple[str, ...]
    source_suffix: tuple[str, ...]
    target_prefix: str


def _vocabulary(model_dir: Path) -> list[str]:
    for name in ("shared_vocabulary", "source_vocabulary"):
        if (model_dir / f"{name}.json").is_file():
            words = json.loads((model_dir / f"{name}.json").read_text(encoding="utf-8"))
            return [w for w in words if isinstance(w, str)]
        if (model_dir / f"{name}.txt").is_file():
            return (model_dir / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    raise BadInputError(
        f"{model_dir}: no vocabulary (shared_vocabulary.json or source_vocabulary.json): "
        "is this a CTranslate2 conversion?"
    )


def detect_family(model_dir: Path) -> Family:
    """OPUS-MT when both ``source.spm`` and ``target.spm`` are there, else NLLB or M2M-100
    from the language tokens of the vocabulary."""
    if (model_dir / "source.spm").is_file() and (model_dir / "target.spm").is_file():
        return "marian"
    words = _vocabulary(model_dir)
    if any(_NLLB_TOKEN.match(w) for w in words):
        return "nllb"
    if any(_M2M_TOKEN.match(w) for w in words):
        return "m2m100"
    raise BadInputError(
        f"{model_dir}: neither an OPUS-MT conversion (source.spm and target.spm copied with "
        "--copy_files) nor an NLLB/M2M-100 one (language tokens in the vocabulary)"
    )


def language_token(family: Family, lang: str) -> str:
    """NLLB's ``vie_Latn`` or M2M-100's ``__vi__`` for an ISO 639-1 code (NLLB: the ISO 639-3
    code and the language's usual script, from CLDR's likely subtags via ``langcodes``)."""
    import langcodes  # noqa: PLC0415

    if family == "m2m100":
        return f"__{lang}__"
    language = langcodes.Language.get(lang).maximize()
    return f"{language.to_alpha3()}_{language.script}"


def plan(
    model_dir: Path,
    *,
    src_lang: str,
    tgt_lang: str,
    family: Family | None = None,
    src_token: str | None = None,
    tgt_token: str | None = None,
) -> BuildPlan:
    """The tokens to use for ``model_dir``; :class:`BadInputError` names a missing one."""
    family = family or detect_family(model_dir)
    if family == "marian":
        return BuildPlan("marian", (), ("</s>",), "")
    src = src_token or language_token(family, src_lang)
    tgt = tgt_token or language_token(family, tgt_lang)
    words = set(_vocabulary(model_dir))
    for token, option, lang in ((src, "--src-token", src_lang), (tgt, "--tgt-token", tgt_lang)):
        if token not in words:
            raise BadInputError(
                f"{model_dir}: the vocabulary has no {token!r} token for {lang}; give the "
                f"model's token for it with {option}"
            )
    return BuildPlan(family, (src,), ("</s>",), tgt)


def build_package(
    model_dir: Path,
    out: Path,
    *,
    src_lang: str,
    tgt_lang: str,
    version: str = "1.0",
    name: str | None = None,
    family: Family | None = None,
    src_token: str | None = None,
    tgt_token: str | None = None,
) -> Path:
    """Write ``out`` (a ``.argosmodel``) from the conversion in ``model_dir``; returns
    ``out``. The package is verified before the file is written."""
    from service.mt.languages import normalize_tag  # noqa: PLC0415

    if not (model_dir / "model.bin").is_file():
        raise BadInputError(f"{model_dir}: no model.bin: not a CTranslate2 model folder")
    for lang in (src_lang, tgt_lang):
        if normalize_tag(lang) != lang or not lang.isalpha():
            raise BadInputError(f"{lang!r}: give a plain language code such as vi, fr or en")
    chosen = plan(
        model_dir,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        family=family,
        src_token=src_token,
        tgt_token=tgt_token,
    )
    if chosen.family == "marian":
        source_spm = model_dir / "source.spm"
    else:
        found = [model_dir / f for f in ("sentencepiece.bpe.model", "spm.model")]
        source_spm = next((f for f in found if f.is_file()), model_dir / "missing")
        if not source_spm.is_file():
            raise BadInputError(
                f"{model_dir}: no sentencepiece.bpe.model or spm.model (copy it with "
                "ct2-transformers-converter --copy_files sentencepiece.bpe.model)"
            )
    metadata: dict[str, object] = {
        "package_version": version,
        "argos_version": "1.9",
        "from_code": src_lang,
        "to_code": tgt_lang,
        "from_name": _name(src_lang),
        "to_name": _name(tgt_lang),
        "type": "translate",
        "name": name or f"{_name(src_lang)} - {_name(tgt_lang)} ({chosen.family})",
        "source_suffix": list(chosen.source_suffix),
    }
    if chosen.source_prefix:
        metadata["source_prefix"] = list(chosen.source_prefix)
    if chosen.target_prefix:
        metadata["target_prefix"] = chosen.target_prefix
    if chosen.family == "marian":
        metadata["target_sentencepiece"] = "target.spm"
    top = folder_name(f"translate-{src_lang}_{tgt_lang}-{chosen.family}-{version}", metadata)
    with tempfile.TemporaryDirectory(prefix="triglot-build-") as tmp:
        folder = Path(tmp) / top
        (folder / "model").mkdir(parents=True)
        for item in model_dir.iterdir():
            if item.is_file() and item.name not in _TOKENIZER_FILES:
                shutil.copy2(item, folder / "model" / item.name)
        shutil.copy2(source_spm, folder / "sentencepiece.model")
        if chosen.family == "marian":
            shutil.copy2(model_dir / "target.spm", folder / "target.spm")
        (folder / "metadata.json").write_text(
            json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        verify_folder(folder, metadata, name=str(model_dir))
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        try:
            with zipfile.ZipFile(partial, "w") as zf:
                for file in sorted(folder.rglob("*")):
                    arcname = str(file.relative_to(Path(tmp)))
                    if file.is_dir():
                        zf.write(file, arcname + "/")
                    else:  # model weights barely compress: store them, deflate the rest
                        method = (
                            zipfile.ZIP_STORED if file.suffix == ".bin" else zipfile.ZIP_DEFLATED
                        )
                        zf.write(file, arcname, compress_type=method)
            partial.replace(out)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise PackageError(f"{out}: could not be written ({exc.strerror})") from None
    return out


def _name(lang: str) -> str:
    from service.mt.engine import LANGUAGE_NAMES  # noqa: PLC0415

    return LANGUAGE_NAMES.get(lang, lang)
