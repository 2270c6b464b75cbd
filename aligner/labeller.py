"""The learned sequence labeller for segment kinds: a linear-chain CRF over line features.

The model (``aligner/data/kinds.crfsuite``, CRFsuite's format) is trained by
``python -m train.labeller`` on the genre corpus (``corpus/``) and the seeds; the features are
:func:`aligner.page.line_features`. Loading is lazy and happens once per thread (a CRFsuite
tagger is not thread-safe); nothing is read at import time.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Mapping, Sequence
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pycrfsuite

Features = Mapping[str, str | float]
"""One item's features: a string value is one binary feature ``name:value``, a number is a
real-valued feature ``name`` with that weight."""

MODEL_RESOURCE = "data/kinds.crfsuite"


class Labeller:
    """Tags a sequence of feature dicts with kinds, using one CRFsuite model in memory."""

    def __init__(self, model: bytes) -> None:
        self._model = model
        self._local = threading.local()
        self._attributes: frozenset[str] | None = None

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger: pycrfsuite.Tagger | None = getattr(self._local, "tagger", None)
        if tagger is None:
            import pycrfsuite  # noqa: PLC0415 (lazy: only pages need it)

            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self._model)
            self._local.tagger = tagger
        return tagger

    def attributes(self) -> frozenset[str]:
        """The attributes the model knows (its dictionary). CRFsuite drops any other attribute
        of an item before scoring, so an item cut down to these tags the same."""
        if self._attributes is None:
            self._attributes = frozenset(model_attributes(self._model))
        return self._attributes

    def tag(self, items: Sequence[Features]) -> list[tuple[str, float]]:
        """The most likely kind of each item (Viterbi over the whole sequence) and its marginal
        probability."""
        if not items:
            return []
        return self._tag([f if type(f) is dict else dict(f) for f in items])  # no dict copied

    def tag_attributes(self, items: Sequence[list[str]]) -> list[tuple[str, float]]:
        """:meth:`tag` of items given as their attributes, each of weight 1.0 (``name:value``
        for a feature ``name`` of string value, ``name`` for a number 1.0)."""
        if not items:
            return []
        return self._tag(items)

    def _tag(self, items: Sequence[object]) -> list[tuple[str, float]]:
        tagger = self._tagger()
        tagger.set(items)
        labels = tagger.tag()
        return [(label, tagger.marginal(label, i)) for i, label in enumerate(labels)]


def model_attributes(model: bytes) -> list[str]:
    """The attribute dictionary of a CRFsuite model (``crf1d`` file), in id order.

    The file's header gives the offset of the attributes' CQDB chunk; the chunk's backward
    array holds, for each id, the offset of its record: id, key size, key (NUL-terminated).
    """
    magic, *_, attrs_at, _, _ = struct.unpack_from("<4s11I", model, 0)
    chunk, _, _, _, count, backward = struct.unpack_from("<4s5I", model, attrs_at)
    if magic != b"lCRF" or chunk != b"CQDB":
        raise ValueError("not a CRFsuite model")
    out = []
    for id_ in range(count):
        (record,) = struct.unpack_from("<I", model, attrs_at + backward + 4 * id_)
        _, size = struct.unpack_from("<2I", model, attrs_at + record)
        start = attrs_at + record + 8
        out.append(model[start : start + size - 1].decode("utf-8"))
    return out


_default: Labeller | None = None
_lock = threading.Lock()


def default_labeller() -> Labeller:
    """The shipped model (read on first use)."""
    global _default  # noqa: PLW0603 (one lazily loaded model per process)
    with _lock:
        if _default is None:
            _default = Labeller(files("aligner").joinpath(MODEL_RESOURCE).read_bytes())
        return _default
