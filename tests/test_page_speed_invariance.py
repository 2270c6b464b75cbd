"""Speed work leaves page analysis and pairing unchanged, to the byte.

``tests/data/page_analysis_digest.json`` holds one sha256 per page of ``corpus/`` and
``seeds/`` (and per Vietnamese/French page pair) of everything :func:`aligner.analyze`,
:func:`aligner.pairs.residue_pairs` and :func:`aligner.pairs.page_pairs` answer, taken before
the speed work (``python -m tests.page_dump --digest``). A change that means to alter the
answers regenerates it, and says so in its commit.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.page_dump import digest, dump_all

DIGEST = Path(__file__).resolve().parent / "data" / "page_analysis_digest.json"


def test_every_page_is_analysed_and_paired_as_before() -> None:
    expected = json.loads(DIGEST.read_text(encoding="utf-8"))
    actual = {name: digest(value) for name, value in dump_all().items()}
    assert sorted(actual) == sorted(expected)
    changed = [name for name in expected if actual[name] != expected[name]]
    assert not changed, f"{len(changed)} pages analysed differently: {changed[:10]}"
