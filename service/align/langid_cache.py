"""A decompressed copy of the language identifier's model, kept on disk.

py3langid ships its model LZMA-compressed (4.6 MB); decompressing it costs most of a second at
every start of a command or a server, more than the rest of a page's analysis. The first use
writes the parts Triglot needs (the byte automaton and the fr/vi/en columns, about 40 MB) as an
uncompressed ``.npz`` under the cache folder; later starts map it in tens of milliseconds. A
missing, unwritable or damaged cache only costs the slow load, never a wrong answer: the file
name carries py3langid's version and the model file's size, and a file that does not load is
rebuilt.
"""

from __future__ import annotations

import logging
import os
import tempfile
import zipfile
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from aligner.langid import IDENTIFIER_LANGS, installed_identifier, use_identifier

log = logging.getLogger(__name__)
_done: dict[Path, object] = {}
_KEYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def _cache_file(cache_dir: Path) -> Path:
    import py3langid  # noqa: PLC0415
    from py3langid.langid import MODEL_DIR, MODEL_FILE  # noqa: PLC0415

    size = (Path(MODEL_DIR) / MODEL_FILE).stat().st_size
    langs = "-".join(IDENTIFIER_LANGS)
    return cache_dir / f"py3langid-{py3langid.__version__}-{size}-{langs}.npz"


def _build(path: Path) -> dict[str, Any]:
    from py3langid.langid import MODEL_DIR, MODEL_FILE  # noqa: PLC0415
    from py3langid.modelio import load_model  # noqa: PLC0415

    ptc, pc, classes, nextmove, row, output = load_model(Path(MODEL_DIR) / MODEL_FILE)
    keep = [i for i, c in enumerate(classes) if c in IDENTIFIER_LANGS]
    arrays: dict[str, Any] = {
        "ptc": np.ascontiguousarray(np.asarray(ptc)[:, keep]),
        "pc": np.asarray(pc)[keep],
        "classes": np.asarray([classes[i] for i in keep]),
        "nextmove": np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
        "nextmove_row": np.frombuffer(row, dtype=f"u{row.itemsize}"),
        "out_feat": np.asarray(output, dtype=np.int32),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(tmp, path)  # readers see the whole file or none
    except OSError as exc:
        log.info("language model not cached in %s: %s", path.parent, exc)
    return arrays


def _load(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            return {key: data[key] for key in _KEYS}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("rebuilding the cached language model %s: %s", path, exc)
        return None


def _as_array(values: Any) -> array[int]:
    arr = np.ascontiguousarray(values)
    out: array[int] = array({2: "H", 4: "I", 8: "L"}[arr.dtype.itemsize])
    out.frombytes(arr.data.cast("B"))
    return out


def install(cache_dir: Path) -> None:
    """Make page analysis use the cached model (building the cache first if needed)."""
    from py3langid.langid import LanguageIdentifier  # noqa: PLC0415

    path = _cache_file(cache_dir)
    if path in _done and _done[path] is installed_identifier():
        return  # this process already uses it (services are built more than once in tests)
    arrays = _load(path) if path.is_file() else None
    if arrays is None:
        arrays = _build(path)
    ident = LanguageIdentifier(
        arrays["ptc"],
        arrays["pc"],
        [str(c) for c in arrays["classes"]],
        _as_array(arrays["nextmove"]),
        arrays["out_feat"].tolist(),
        norm_probs=True,
        tk_row=_as_array(arrays["nextmove_row"]),
    )
    use_identifier(ident)
    _done[path] = ident
