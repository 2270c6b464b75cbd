"""What page analysis and pairing answer on every page of ``corpus/`` and ``seeds/``, as
JSON: the reference that speed work must leave unchanged (tests/test_page_speed_invariance.py).

    .venv/bin/python -m tests.page_dump > /tmp/dump.json          # the whole answer
    .venv/bin/python -m tests.page_dump --digest > tests/data/page_analysis_digest.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from aligner import analyze
from aligner.pairs import page_pairs, residue_pairs

ROOT = Path(__file__).resolve().parent.parent


def page_files() -> list[Path]:
    """Every page text of the corpus and the seeds, in a stable order."""
    return sorted((ROOT / "corpus").rglob("*.txt")) + sorted((ROOT / "seeds").glob("*.txt"))


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def dump_page(text: str) -> dict[str, Any]:
    """The whole analysis of one page (segments, repeats, metadata) and its residue pairs."""
    page = analyze(text)
    return {
        "meta": asdict(page.meta),
        "segments": [asdict(s) for s in page.segments],
        "repeats": [asdict(r) for r in page.repeats],
        "pairs": [asdict(p) for p in residue_pairs(page)],
    }


def dump_all() -> dict[str, Any]:
    """Each page's dump, and the cross-page pairs of each Vietnamese page with its French one."""
    files = page_files()
    out: dict[str, Any] = {_name(p): dump_page(p.read_text(encoding="utf-8")) for p in files}
    for vi_path in (p for p in files if p.name.endswith(".vi.txt")):
        fr_path = vi_path.with_name(vi_path.name.replace(".vi.txt", ".fr.txt"))
        if not fr_path.exists():
            continue
        vi_page = analyze(vi_path.read_text(encoding="utf-8"))
        fr_page = analyze(fr_path.read_text(encoding="utf-8"))
        out[f"{_name(vi_path)} + {fr_path.name}"] = [
            asdict(p) for p in page_pairs(vi_page, fr_page)
        ]
    return out


def digest(value: Any) -> str:
    """sha256 of ``value`` as canonical JSON (sorted keys, floats as Python prints them)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--digest", action="store_true", help="one sha256 per entry")
    args = parser.parse_args()
    data = dump_all()
    if args.digest:
        data = {name: digest(value) for name, value in data.items()}
    print(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1))


if __name__ == "__main__":
    main()
