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
    return cache_dir / f"py3langid-{py3langid.__version__}-{size}-{langs}-{_FORMAT}.npz"


_FORMAT = "v2"
"""v2: the automaton's transition table (39 MB of the 40) in its own ``.npy`` beside the
``.npz``, memory-mapped rather than read and copied (30-40 ms of CPU at each start); a
page's walk touches a few thousand of its pages."""


def _moves_file(path: Path) -> Path:
    return path.with_suffix(".nextmove.npy")


def _write(path: Path, arr: Any, save: Any) -> None:
    """Write through a temporary file, so that readers see the whole file or none."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            save(handle, arr)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        _write(_moves_file(path), arrays["nextmove"], np.save)  # first: the .npz says "done"
        small = {k: v for k, v in arrays.items() if k != "nextmove"}
        _write(path, small, lambda handle, a: np.savez(handle, **a))
        for stale in path.parent.glob("py3langid-*"):  # other versions' and formats' copies
            if stale not in (path, _moves_file(path)) and not stale.name.endswith(".part"):
                stale.unlink(missing_ok=True)
    except OSError as exc:
        log.info("language model not cached in %s: %s", path.parent, exc)
    return arrays


def _load(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            arrays = {key: data[key] for key in _KEYS if key != "nextmove"}
        moves = np.load(_moves_file(path), mmap_mode="r", allow_pickle=False)
        rows = int(arrays["nextmove_row"].max()) + 1  # the states' rows of 256 moves
        if moves.ndim != 1 or moves.dtype.kind != "u" or len(moves) != 256 * rows:
            raise ValueError(f"{_moves_file(path).name} does not fit the model")
        arrays["nextmove"] = moves
        return arrays
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("rebuilding the cached language model %s: %s", path, exc)
        return None


def _as_array(values: Any) -> array[int]:
    arr = np.ascontiguousarray(values)
    out: array[int] = array({2: "H", 4: "I", 8: "L"}[arr.dtype.itemsize])
    out.frombytes(arr.data.cast("B"))
    return out


def _as_view(values: Any) -> memoryview | array[int]:
    """Integers indexed from Python as fast as an ``array`` gives them, without a copy of
    a memory-mapped table (a copy where the table is in memory anyway)."""
    if isinstance(values, np.memmap):
        return memoryview(values.data)  # the array's own buffer
    return _as_array(values)


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
        _as_view(arrays["nextmove"]),
        arrays["out_feat"].tolist(),
        norm_probs=True,
        tk_row=_as_array(arrays["nextmove_row"]),
    )
    use_identifier(ident)
    _done[path] = ident
