"""Whole-process times of the commands people run on files, against a bare interpreter.

Each command runs as its own process (as a user or a script runs it), ``--runs`` times; the
median wall time (and CPU time, steadier on a busy machine) is printed beside that of
``python -c pass`` started the same way (the peer: what no command can go below) and the
issue's targets. The first run of a command fills the language-model cache; it is not counted.

    .venv/bin/python bench/cli_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLORES_DEV = ROOT.parent / "shared" / "eval" / "flores200-dev"
SEED = ROOT / "seeds" / "004_606bed8f58cb9dd9.txt"
TRIGLOT = Path(sys.executable).parent / "triglot"


def _median_ms(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of ``cmd``, in ms. CPU time
    says the same on a busy machine; wall time is what a person waits."""
    wall, cpu = [], []
    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)  # warm the caches
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
        wall.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        cpu.append(used * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src, tgt = Path(tmp) / "fr.txt", Path(tmp) / "vi.txt"
        for name, out in (("dev.fra", src), ("dev.vie", tgt)):
            lines = (FLORES_DEV / name).read_text(encoding="utf-8").splitlines()[:40]
            out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        rows = [
            ("python -c pass (peer)", [sys.executable, "-c", "pass"], None),
            ("triglot --help", [str(TRIGLOT), "--help"], 300),
            ("triglot analyze PAGE", [str(TRIGLOT), "analyze", str(SEED)], 600),
            ("triglot align 40+40 lines", [str(TRIGLOT), "align", str(src), str(tgt)], 800),
        ]
        peer = None
        print(f"{'command':<28}{'wall ms':>9}{'cpu ms':>8}{'x peer':>8}{'target ms':>11}")
        for label, cmd, target in rows:
            ms, cpu = _median_ms(cmd, args.runs)
            peer = peer or ms
            goal = f"{target:>11}" if target else f"{'':>11}"
            print(f"{label:<28}{ms:>9.0f}{cpu:>8.0f}{ms / peer:>8.1f}{goal}")


if __name__ == "__main__":
    main()
