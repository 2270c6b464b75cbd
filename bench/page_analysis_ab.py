"""Page analysis of this checkout against another revision, in one process.

Rates on a shared machine move by half from one run to the next; two versions measured in
one process, in interleaved rounds, move together. The other revision's ``aligner`` package
is taken with ``git archive`` and imported under another name (``aligner_ref``); both analyse
the same seed-page variants, and the peer of ``bench/page_analysis.py`` (py3langid on every
line) runs in the same rounds. Best round of each, in pages per CPU second.

    .venv/bin/python bench/page_analysis_ab.py [--ref main] [--rounds 6]
"""

from __future__ import annotations

import argparse
import importlib
import io
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
_IMPORT_RE = re.compile(r"\b(from|import) aligner\b")


def _import_ref(ref: str, into: Path) -> Any:
    """The ``aligner`` package of ``ref``, imported as ``aligner_ref``."""
    archive = subprocess.run(
        ["git", "archive", ref, "aligner"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / "aligner_ref"
    (into / "aligner").rename(package)
    for source in package.glob("*.py"):
        text = _IMPORT_RE.sub(r"\1 aligner_ref", source.read_text(encoding="utf-8"))
        text = text.replace('files("aligner")', 'files("aligner_ref")')
        source.write_text(text, encoding="utf-8")
    sys.path.insert(0, str(into))
    return importlib.import_module("aligner_ref")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ref", default="main", help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--copies", type=int, default=10, help="variants of each seed page")
    args = parser.parse_args()

    import aligner  # noqa: PLC0415
    import aligner.pairs  # noqa: PLC0415
    from aligner.langid import classify_statistical  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        ref = _import_ref(args.ref, Path(tmp))
        ref_pairs = importlib.import_module("aligner_ref.pairs")

        def peer(text: str) -> None:
            for line in text.splitlines():
                if line.strip():
                    classify_statistical(line)

        measures: dict[str, Callable[[str], object]] = {
            f"analyze ({args.ref})": ref.analyze,
            "analyze (this checkout)": aligner.analyze,
            "py3langid on every line (peer)": peer,
            f"analyze + residue_pairs ({args.ref})": lambda t: ref_pairs.residue_pairs(
                ref.analyze(t)
            ),
            "analyze + residue_pairs (this checkout)": lambda t: aligner.pairs.residue_pairs(
                aligner.analyze(t)
            ),
        }
        pages = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
        variants = [f"{t}\nVariante {i}." for i in range(args.copies) for t in pages]
        for fn in measures.values():  # models loaded, patterns compiled
            for text in pages:
                fn(text)
        best = dict.fromkeys(measures, 0.0)
        for _ in range(args.rounds):
            for name, fn in measures.items():
                start = time.process_time()
                for text in variants:
                    fn(text)
                best[name] = max(best[name], len(variants) / (time.process_time() - start))
    peer_rate = best["py3langid on every line (peer)"]
    print(f"{'':42}{'pages/cpu-s':>12}{'x peer time':>13}")
    for name, rate in best.items():
        print(f"{name:<42}{rate:>12.1f}{peer_rate / rate:>12.2f}x")


if __name__ == "__main__":
    main()
