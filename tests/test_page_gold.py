"""Page analysis against the human gold annotation of the two seed pages."""

from __future__ import annotations

from typing import Any

import pytest

from aligner import analyze
from tests.conftest import SEEDS


def _docs(gold: dict[str, Any]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = gold["documents"]
    assert len(docs) == 2
    return docs


@pytest.mark.parametrize("file_idx", [0, 1])
def test_every_line_kind_and_lang_agree_with_gold(gold: dict[str, Any], file_idx: int) -> None:
    doc = _docs(gold)[file_idx]
    page = analyze((SEEDS / doc["file"]).read_text(encoding="utf-8"))
    by_line = {s.line: s for s in page.segments}
    assert sorted(by_line) == sorted(g["line"] for g in doc["segments"]), "one segment per line"
    wrong = [
        (g["line"], (g["lang"], g["kind"]), (by_line[g["line"]].lang, by_line[g["line"]].kind))
        for g in doc["segments"]
        if (by_line[g["line"]].lang, by_line[g["line"]].kind) != (g["lang"], g["kind"])
    ]
    assert wrong == [], f"(line, gold, ours): {wrong}"
    for g in doc["segments"]:
        assert by_line[g["line"]].text == g["text"].strip()


@pytest.mark.parametrize("file_idx", [0, 1])
def test_metadata_agrees_with_gold(gold: dict[str, Any], file_idx: int) -> None:
    doc = _docs(gold)[file_idx]
    meta = analyze((SEEDS / doc["file"]).read_text(encoding="utf-8")).meta
    want = doc["meta"]
    assert meta.source_url == want["source_url"]
    assert meta.outlet == want["outlet"]
    assert meta.date == want["date"]
    assert meta.author == want.get("author")
    assert meta.titles.get("fr") == want["title_fr"]
    assert meta.titles.get("vi") == want.get("title_vi")


def test_repeated_captions_are_one_text_with_their_occurrences(gold: dict[str, Any]) -> None:
    doc = next(d for d in _docs(gold) if d["file"].startswith("004"))
    page = analyze((SEEDS / doc["file"]).read_text(encoding="utf-8"))
    gold_pair = next(p for p in doc["pairs"] if len(p["vi_lines"]) > 1)
    assert len(page.repeats) == 1
    group = page.repeats[0]
    assert group.text == gold_pair["vi"]
    assert [page.segments[i].line for i in group.segments] == gold_pair["vi_lines"]
    assert [page.segments[i].photo_no for i in group.segments] == list(range(1, 12))


def test_slug_words_exclude_the_article_id(gold: dict[str, Any]) -> None:
    for doc in _docs(gold):
        meta = analyze((SEEDS / doc["file"]).read_text(encoding="utf-8")).meta
        slug_pair = next(p for p in doc["pairs"] if p["vi"].islower() and "-" in p["vi"])
        assert meta.slug == slug_pair["vi"]
        assert "-".join(meta.slug_words) == slug_pair["vi"]
