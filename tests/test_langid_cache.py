"""The decompressed copy of the language model answers as the packaged model does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aligner import langid
from service.align import langid_cache

LINES = [
    "Le Premier ministre a reçu l'ambassadeur du Japon à Hanoï.",
    "The Prime Minister received the Japanese ambassador in Hanoi.",
    "Thủ tướng tiếp Đại sứ Nhật Bản tại Hà Nội.",
    "Hanoi Tokyo",
    "Photo : VNA",
]


@pytest.fixture
def packaged_answers() -> Iterator[list[tuple[str, float]]]:
    langid._installed.clear()
    langid._identifier.cache_clear()
    yield [langid.classify_statistical(text) for text in LINES]
    langid._installed.clear()
    langid._identifier.cache_clear()


def test_cached_model_gives_the_same_answers(
    tmp_path: Path, packaged_answers: list[tuple[str, float]]
) -> None:
    langid_cache.install(tmp_path)
    (cached,) = tmp_path.glob("py3langid-*.npz")
    assert [langid.classify_statistical(t) for t in LINES] == packaged_answers
    langid_cache._done.clear()  # as a new process: read from the file
    langid_cache.install(tmp_path)
    assert [langid.classify_statistical(t) for t in LINES] == packaged_answers
    assert cached.stat().st_size > 1_000_000


def test_damaged_cache_is_rebuilt(
    tmp_path: Path, packaged_answers: list[tuple[str, float]]
) -> None:
    langid_cache.install(tmp_path)
    (cached,) = tmp_path.glob("py3langid-*.npz")
    cached.write_bytes(b"PK\x03\x04 not a whole file")
    langid_cache._done.clear()  # as a new process
    langid_cache.install(tmp_path)
    assert [langid.classify_statistical(t) for t in LINES] == packaged_answers
    assert cached.stat().st_size > 1_000_000


def test_unwritable_cache_still_works(
    tmp_path: Path, packaged_answers: list[tuple[str, float]]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    langid_cache.install(blocker / "cache")
    assert [langid.classify_statistical(t) for t in LINES] == packaged_answers


def test_transition_table_is_memory_mapped_and_rebuilt_when_damaged(
    tmp_path: Path, packaged_answers: list[tuple[str, float]]
) -> None:
    stale = tmp_path / "py3langid-0.3.0-4586720-fr-vi-en.npz"  # an older format's copy
    stale.write_bytes(b"old")
    langid_cache.install(tmp_path)
    assert not stale.exists()
    (moves,) = tmp_path.glob("py3langid-*.nextmove.npy")
    langid_cache._done.clear()  # as a new process: read from the files
    langid_cache.install(tmp_path)
    ident = langid.installed_identifier()
    assert ident is not None
    assert isinstance(ident.tk_nextmove, memoryview)
    assert [langid.classify_statistical(t) for t in LINES] == packaged_answers
    assert langid.classify_statistical_many(LINES) == packaged_answers
    moves.write_bytes(moves.read_bytes()[:1000])  # cut short
    langid_cache._done.clear()
    langid_cache.install(tmp_path)
    assert [langid.classify_statistical(t) for t in LINES] == packaged_answers
    assert moves.stat().st_size > 30_000_000
