"""Calibrated scores: a logistic model turns a pair's or a bead's evidence into the probability
that it is right.

Models are fitted by ``python -m train.calibration`` (pairs on the genre corpus' gold, beads on
perturbed even FLORES articles) and shipped as JSON in ``aligner/data/``; :func:`fit` is the
fitting itself (L2-regularised logistic regression by Newton's method, numpy only). Loading is
lazy: nothing is read at import time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import numpy as np

PAIRS_MODEL = "data/calibration_pairs.json"
BEADS_MODEL = "data/calibration_beads.json"
RANKER_MODEL = "data/pairs_ranker.json"
RESIDUE_MODEL = "data/calibration_residue.json"


@dataclass(frozen=True, slots=True)
class Logistic:
    """``p = 1 / (1 + exp(-(bias + sum(weight[f] * value[f]))))``; unknown features weigh 0."""

    weights: Mapping[str, float]
    bias: float

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        if z < -50:
            return 0.0
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> str:
        return json.dumps({"bias": self.bias, "weights": dict(self.weights)}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> Logistic:
        data = json.loads(text)
        return cls({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]))


def fit(rows: Sequence[Mapping[str, float]], labels: Sequence[int], *, l2: float = 1.0) -> Logistic:
    """Logistic regression of ``labels`` (0/1) on ``rows`` (feature name -> value)."""
    names = sorted({k for row in rows for k in row})
    x = np.array([[row.get(n, 0.0) for n in names] + [1.0] for row in rows], dtype=float)
    y = np.array(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -50, 50)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x.T * (p * (1 - p))) @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Logistic(
        {n: round(float(v), 6) for n, v in zip(names, w[:-1], strict=True)}, float(w[-1])
    )


@lru_cache(maxsize=4)
def shipped(resource: str) -> Logistic | None:
    """A shipped model (``PAIRS_MODEL`` or ``BEADS_MODEL``); None when the file is absent
    (scores then stay the raw evidence strength)."""
    path = files("aligner").joinpath(resource)
    if not path.is_file():
        return None
    return Logistic.from_json(path.read_text(encoding="utf-8"))


def reliability(
    predicted: Sequence[float], labels: Sequence[int], *, bins: int = 5
) -> list[tuple[float, float, float, int]]:
    """(bin low, bin high, observed share right, count) per probability bin."""
    out = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [
            y
            for p, y in zip(predicted, labels, strict=True)
            if low <= p < high or (b == bins - 1 and p == 1.0)
        ]
        out.append((low, high, sum(inside) / len(inside) if inside else float("nan"), len(inside)))
    return out
