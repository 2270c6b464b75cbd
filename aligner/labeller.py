"""The learned sequence labeller for segment kinds: a linear-chain CRF over line features.

The model (``aligner/data/kinds.crfsuite``, CRFsuite's format) is trained by
``python -m train.labeller`` on the genre corpus (``corpus/``) and the seeds; the features are
:func:`aligner.page.line_features`. Loading is lazy and happens once per thread (a CRFsuite
tagger is not thread-safe); nothing is read at import time.
"""

from __future__ import annotations

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

    def _tagger(self) -> pycrfsuite.Tagger:
        tagger: pycrfsuite.Tagger | None = getattr(self._local, "tagger", None)
        if tagger is None:
            import pycrfsuite  # noqa: PLC0415 (lazy: only pages need it)

            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self._model)
            self._local.tagger = tagger
        return tagger

    def tag(self, items: Sequence[Features]) -> list[tuple[str, float]]:
        """The most likely kind of each item (Viterbi over the whole sequence) and its marginal
        probability."""
        if not items:
            return []
        tagger = self._tagger()
        tagger.set([f if type(f) is dict else dict(f) for f in items])  # no copy of a dict
        labels = tagger.tag()
        return [(label, tagger.marginal(label, i)) for i, label in enumerate(labels)]


_default: Labeller | None = None
_lock = threading.Lock()


def default_labeller() -> Labeller:
    """The shipped model (read on first use)."""
    global _default  # noqa: PLW0603 (one lazily loaded model per process)
    with _lock:
        if _default is None:
            _default = Labeller(files("aligner").joinpath(MODEL_RESOURCE).read_bytes())
        return _default
