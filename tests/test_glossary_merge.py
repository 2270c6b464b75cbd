"""Imports as proposals: merging by default, replacing on request, counts and warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from glossary import Concept, Glossary, InvalidGlossaryError, Term
from glossary.merge import Incoming, merge
from glossary.tables import read_table_import, write_table
from glossary.tbx import read_tbx_import, write_tbx
from glossary.tsv import shipped
from glossary.versions import diff
from tests.glossary_strategies import canonical, glossaries
from tests.test_cli import run

CURRENT = Glossary(
    "g",
    (
        Concept(
            "un",
            (
                Term("Nations Unies", "fr"),
                Term("ONU", "fr", "admitted", case_sensitive=True),
                Term("Liên Hợp Quốc", "vi"),
                Term("United Nations", "en"),
                Term("Unified Nations", "en", "forbidden"),
            ),
            "the organisation",
        ),
        Concept("pm", (Term("Premier ministre", "fr"), Term("Thủ tướng", "vi"))),
        Concept("na", (Term("Assemblée nationale", "fr"), Term("National Assembly", "en"))),
    ),
)


def _pair(text: str) -> Incoming:
    return read_table_import(text, name="g", pair=("fr", "en"))


def _table(text: str) -> Incoming:
    return read_table_import(text, name="g")


# (file, replace, expected counts, what the concept "un" becomes, why)
CASES = [
    (
        _pair("Nations Unies,United Nations\n"),
        False,
        {"created": 0, "updated": 0, "unchanged": 1, "removed": 0, "untouched": 2},
        CURRENT.concept("un"),
        "a pair row equal to the glossary changes nothing and removes nothing",
    ),
    (
        _pair("Nations Unies,UN\n"),
        False,
        {"created": 0, "updated": 1, "unchanged": 0, "removed": 0, "untouched": 2},
        Concept(
            "un",
            (
                Term("Nations Unies", "fr"),
                Term("ONU", "fr", "admitted", case_sensitive=True),
                Term("Liên Hợp Quốc", "vi"),
                Term("United Nations", "en", "admitted"),
                Term("Unified Nations", "en", "forbidden"),
                Term("UN", "en"),
            ),
            "the organisation",
        ),
        "a pair sets the English preferred term: the old one stays admitted, Vietnamese and "
        "the forbidden term are kept, no duplicate concept",
    ),
    (
        _pair("ONU,United Nations\n"),
        False,
        {"created": 0, "updated": 1, "unchanged": 0, "removed": 0, "untouched": 2},
        Concept(
            "un",
            (
                Term("Nations Unies", "fr", "admitted"),
                Term("ONU", "fr", "preferred", case_sensitive=True),
                Term("Liên Hợp Quốc", "vi"),
                Term("United Nations", "en"),
                Term("Unified Nations", "en", "forbidden"),
            ),
            "the organisation",
        ),
        "matched by a shared admitted term when no preferred term is shared; promoted terms "
        "keep their case sensitivity",
    ),
    (
        _table("fr,en\nCour suprême,Supreme Court\n"),
        False,
        {"created": 1, "updated": 0, "unchanged": 0, "removed": 0, "untouched": 3},
        CURRENT.concept("un"),
        "a new concept is created and nothing is removed",
    ),
    (
        _table("id,en\nun,UN\n"),
        False,
        {"created": 0, "updated": 1, "unchanged": 0, "removed": 0, "untouched": 2},
        Concept(
            "un",
            (
                Term("Nations Unies", "fr"),
                Term("ONU", "fr", "admitted", case_sensitive=True),
                Term("Liên Hợp Quốc", "vi"),
                Term("United Nations", "en", "admitted"),
                Term("Unified Nations", "en", "forbidden"),
                Term("UN", "en"),
            ),
            "the organisation",
        ),
        "matched by id; a file without a note column keeps the note",
    ),
    (
        _table("id,en,en_admitted,note\nun,UN,,new note\n"),
        False,
        {"created": 0, "updated": 1, "unchanged": 0, "removed": 0, "untouched": 2},
        Concept(
            "un",
            (
                Term("Nations Unies", "fr"),
                Term("ONU", "fr", "admitted", case_sensitive=True),
                Term("Liên Hợp Quốc", "vi"),
                Term("UN", "en"),
                Term("Unified Nations", "en", "forbidden"),
            ),
            "new note",
        ),
        "a status-aware file speaks for the columns it has: an empty en_admitted drops the "
        "admitted terms (the former preferred one too), forbidden terms (no column) stay",
    ),
    (
        _table("id,fr,fr_admitted,en,en_admitted\nun,,,UN,\n"),
        False,
        {"created": 0, "updated": 1, "unchanged": 0, "removed": 0, "untouched": 2},
        Concept(
            "un",
            (
                Term("Nations Unies", "fr"),
                Term("ONU", "fr", "admitted", case_sensitive=True),
                Term("Liên Hợp Quốc", "vi"),
                Term("UN", "en"),
                Term("Unified Nations", "en", "forbidden"),
            ),
            "the organisation",
        ),
        "a language the file leaves empty for the concept is kept: merging removes nothing",
    ),
    (
        _pair("Nations Unies,United Nations\n"),
        True,
        {"created": 0, "updated": 1, "unchanged": 0, "removed": 2, "untouched": 0},
        Concept(
            "un", (Term("Nations Unies", "fr"), Term("United Nations", "en")), "the organisation"
        ),
        "--replace makes the file the glossary: other concepts and languages go",
    ),
]


@pytest.mark.parametrize(
    ("incoming", "replace", "counts", "un", "why"), CASES, ids=[c[-1][:40] for c in CASES]
)
def test_merge_table(
    incoming: Incoming, replace: bool, counts: dict[str, int], un: Concept, why: str
) -> None:
    plan = merge(CURRENT, incoming, replace=replace)
    assert plan.counts() == counts, why
    assert canonical(Glossary("g", (plan.glossary.concept("un"),))) == canonical(
        Glossary("g", (un,))
    ), why
    d = diff(CURRENT, plan.glossary)
    assert len(d.added) == counts["created"], why
    assert len(d.removed) == counts["removed"], why
    assert len(d.changed) == counts["updated"], why


def test_a_full_export_with_a_new_note_updates_only_that_concept() -> None:
    un = CURRENT.concept("un")
    edited = Glossary("g", (Concept("un", un.terms, "renamed note"), *CURRENT.concepts[1:]))
    for incoming in (
        read_table_import(write_table(edited), name="g"),
        read_tbx_import(write_tbx(edited), name="g"),
    ):
        plan = merge(CURRENT, incoming)
        assert plan.counts()["updated"] == 1
        assert plan.counts()["unchanged"] == 2
        assert plan.glossary.concept("un").note == "renamed note"


def test_the_two_row_file_of_the_issue_no_longer_removes_51_concepts() -> None:
    g = shipped()
    incoming = _table("fr,en\nNations Unies,United Nations\nPremier ministre,Prime Minister\n")
    plan = merge(g, incoming)
    assert plan.counts() == {
        "created": 0,
        "updated": 0,
        "unchanged": 2,
        "removed": 0,
        "untouched": len(g.concepts) - 2,
    }
    assert plan.warning() is None
    replaced = merge(g, incoming, replace=True)
    assert replaced.counts()["removed"] == len(g.concepts) - 2
    assert replaced.warning() == (
        f"this proposal removes {len(g.concepts) - 2} of {len(g.concepts)} concepts (96%, over "
        "the 10% warning threshold)"
    )
    assert replaced.warning(share=0.99) is None


def test_two_file_rows_matching_one_concept_are_refused() -> None:
    with pytest.raises(InvalidGlossaryError, match="both match concept 'un'"):
        merge(CURRENT, _pair("Nations Unies,UN\nONU,United Nations\n"))


def test_a_term_taken_by_another_concept_is_refused() -> None:
    with pytest.raises(InvalidGlossaryError, match="belongs to both"):
        merge(CURRENT, _table("id,en\npm,United Nations\n"))


@settings(max_examples=80, deadline=None)
@given(glossaries(), st.sampled_from(["csv", "tbx"]))
def test_reimporting_an_export_changes_nothing(g: Glossary, fmt: str) -> None:
    incoming = (
        read_tbx_import(write_tbx(g), name=g.name)
        if fmt == "tbx"
        else read_table_import(write_table(g), name=g.name)
    )
    for replace in (False, True):
        plan = merge(g, incoming, replace=replace)
        assert plan.counts() == {
            "created": 0,
            "updated": 0,
            "unchanged": len(g.concepts),
            "removed": 0,
            "untouched": 0,
        }
        assert canonical(plan.glossary) == canonical(g)


@settings(max_examples=80, deadline=None)
@given(glossaries(), glossaries(), st.booleans())
def test_merge_never_removes_and_counts_add_up(g: Glossary, other: Glossary, pair: bool) -> None:
    text = write_table(other, pair=("fr", "en") if pair else None)
    if not text.strip():
        return
    incoming = read_table_import(text, name=g.name, pair=("fr", "en") if pair else None)
    try:
        plan = merge(g, incoming)
    except InvalidGlossaryError:
        return  # two file concepts for one current concept, or a term in two concepts
    counts = plan.counts()
    assert counts["removed"] == 0
    assert [c.id for c in plan.glossary.concepts][: len(g.concepts)] == [c.id for c in g.concepts]
    assert sum(counts.values()) == len(plan.glossary.concepts)
    assert counts["created"] + counts["updated"] + counts["unchanged"] == len(
        incoming.glossary.concepts
    )
    preferred_only = all(status == "preferred" for _lang, status in incoming.statuses)
    for before, after in zip(g.concepts, plan.glossary.concepts, strict=False):
        for lang in {t.lang for t in before.terms} - set(incoming.langs):
            assert set(before.in_lang(lang)) == set(after.in_lang(lang))  # other languages kept
        if preferred_only:  # a file of preferred terms drops no term
            keys = {(t.lang, t.text.casefold()) for t in after.terms}
            assert {(t.lang, t.text.casefold()) for t in before.terms} <= keys


@settings(max_examples=60, deadline=None)
@given(glossaries(), st.data())
def test_a_subset_export_merges_as_unchanged(g: Glossary, data: st.DataObject) -> None:
    keep = data.draw(st.lists(st.sampled_from([c.id for c in g.concepts]), unique=True, min_size=1))
    part = Glossary(g.name, tuple(c for c in g.concepts if c.id in keep))
    plan = merge(g, read_table_import(write_table(part), name=g.name))
    assert plan.counts()["unchanged"] == len(keep)
    assert plan.counts()["untouched"] == len(g.concepts) - len(keep)
    assert canonical(plan.glossary) == canonical(g)


# Through the real app (SQLite; the store's contract suite covers PostgreSQL).

NAME = "vn-government-news"


def _upload(client: TestClient, name: str, body: bytes, **form: str) -> Any:
    return client.post(
        f"/glossaries/{NAME}/proposals",
        files={"file": (name, body)},
        data=form,
        headers={"If-Match": '"v1"'},
    )


def test_api_upload_merges_by_default_and_states_counts(client: TestClient) -> None:
    res = _upload(client, "two.csv", b"fr,en\nNations Unies,United Nations\nMekong,Mekong\n")
    assert res.status_code == 201, res.text
    body = res.json()
    assert body["import"] == {
        "mode": "merge",
        "counts": {"created": 1, "updated": 0, "unchanged": 1, "removed": 0, "untouched": 51},
        "warning": None,
    }
    assert body["diff"]["removed"] == []
    assert [c["id"] for c in body["diff"]["added"]] == ["mekong"]


def test_api_pair_file_changes_only_its_two_languages(client: TestClient) -> None:
    res = _upload(client, "p.csv", b"Nations Unies,UN\n", pair="fr,en")
    assert res.status_code == 201, res.text
    assert res.json()["import"]["counts"]["updated"] == 1
    [changed] = res.json()["diff"]["changed"]
    assert changed["id"] == "un"
    pid = res.json()["id"]
    ok = client.post(f"/glossaries/{NAME}/proposals/{pid}/approve", headers={"If-Match": '"v1"'})
    assert ok.status_code == 200, ok.text
    un = next(c for c in client.get(f"/glossaries/{NAME}").json()["concepts"] if c["id"] == "un")
    terms = {(t["lang"], t["text"]): t["status"] for t in un["terms"]}
    assert terms[("vi", "Liên Hợp Quốc")] == "preferred"  # Vietnamese kept
    assert terms[("en", "UN")] == "preferred"
    assert terms[("en", "United Nations")] == "admitted"
    assert terms[("en", "Unified Nations")] == "forbidden"
    assert len(client.get(f"/glossaries/{NAME}").json()["concepts"]) == 52  # no duplicate


def test_api_replace_is_explicit_and_warns(client: TestClient) -> None:
    res = _upload(client, "two.csv", b"fr,en\nNations Unies,United Nations\n", replace="true")
    assert res.status_code == 201, res.text
    assert res.json()["import"] == {
        "mode": "replace",
        "counts": {"created": 0, "updated": 1, "unchanged": 0, "removed": 51, "untouched": 0},
        "warning": "this proposal removes 51 of 52 concepts (98%, over the 10% warning threshold)",
    }
    assert len(res.json()["diff"]["removed"]) == 51
    bad = _upload(client, "two.csv", b"fr,en\nONU,UN\n", replace="maybe")
    assert bad.status_code == 422
    assert "replace: 'maybe' is not true or false" in bad.json()["error"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "tbx"])
def test_api_reimporting_an_export_proposes_no_change(client: TestClient, fmt: str) -> None:
    data = client.get(f"/glossaries/{NAME}/export", params={"format": fmt}).content
    res = _upload(client, f"g.{fmt}", data)
    assert res.status_code == 201, res.text
    assert res.json()["import"]["counts"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 52,
        "removed": 0,
        "untouched": 0,
    }
    diff = res.json()["diff"]
    assert (diff["from"], diff["added"], diff["removed"], diff["changed"]) == (1, [], [], [])


def test_api_file_matching_one_concept_twice_is_refused(client: TestClient) -> None:
    res = _upload(client, "p.csv", b"Nations Unies,UN\nONU,United Nations\n", pair="fr,en")
    assert res.status_code == 422
    assert "both match concept 'un'" in res.json()["error"]
    assert client.get(f"/glossaries/{NAME}/proposals").json() == []


@pytest.mark.slow
def test_cli_import_merges_replaces_and_warns(tmp_path: Path) -> None:
    data = tmp_path / "data"
    two = tmp_path / "two.csv"
    two.write_text("fr,en\nNations Unies,United Nations\nMékong,Mekong\n", encoding="utf-8")
    res = run("glossary", "import", str(two), data_dir=data)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[0] == (
        "merge: 1 created, 0 updated, 1 unchanged, 0 removed (51 untouched)"
    )
    res = run("glossary", "import", str(two), "--replace", data_dir=data)
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines()[:2] == [
        "replace: 1 created, 1 updated, 0 unchanged, 51 removed",
        "warning: this proposal removes 51 of 52 concepts (98%, over the 10% warning threshold)",
    ]
    pair = tmp_path / "pair.csv"
    pair.write_text("Nations Unies,UN\n", encoding="utf-8")
    res = run("glossary", "import", str(pair), "--pair", "fr,en", data_dir=data)
    assert res.stdout.splitlines()[0] == (
        "merge: 0 created, 1 updated, 0 unchanged, 0 removed (51 untouched)"
    )
    res = run("glossary", "import", str(pair), "--pair", "fr", data_dir=data)
    assert res.returncode == 65
    assert "pair: give two language codes" in res.stderr


# The shipped domain glossary: built by train/glossary.py, imported and reviewed as a proposal.


def test_the_domain_glossary_csv_is_what_its_source_builds() -> None:
    from train.glossary import OUT, build  # noqa: PLC0415

    text, plan = build()
    assert OUT.read_bytes() == text.encode("utf-8"), "run python -m train.glossary"
    assert plan.counts() == {
        "created": 402,
        "updated": 1,  # signing-ceremony gains "lễ ký kết"
        "unchanged": 0,
        "removed": 0,
        "untouched": 51,
    }
    assert len(plan.glossary.concepts) >= 300
    domain = read_table_import(text, name="x").glossary
    for concept in domain.concepts:
        assert all(concept.preferred(lang) is not None for lang in ("fr", "vi", "en")), concept.id
        assert "source: " in concept.note, concept.id
    provinces = [c for c in domain.concepts if c.id.startswith(("prov-", "city-"))]
    assert len(provinces) + 3 == 34  # with Hanoi, Ho Chi Minh City and Da Nang (shipped)


def test_api_domain_glossary_import_is_reviewed_like_any_proposal(client: TestClient) -> None:
    from train.glossary import OUT  # noqa: PLC0415

    res = _upload(client, OUT.name, OUT.read_bytes())
    assert res.status_code == 201, res.text
    assert res.json()["import"] == {
        "mode": "merge",
        "counts": {"created": 402, "updated": 1, "unchanged": 0, "removed": 0, "untouched": 51},
        "warning": None,
    }
    assert client.get(f"/glossaries/{NAME}").json()["version"] == 1  # not live until approved
    ok = client.post(
        f"/glossaries/{NAME}/proposals/{res.json()['id']}/approve", headers={"If-Match": '"v1"'}
    )
    assert ok.status_code == 200, ok.text
    assert len(client.get(f"/glossaries/{NAME}").json()["concepts"]) == 454


@pytest.mark.slow
def test_cli_export_round_trip_and_pair(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = tmp_path / "g.tsv"
    res = run("glossary", "export", "--format", "tsv", "--out", str(out), data_dir=data)
    assert res.returncode == 0, res.stderr
    res = run("glossary", "import", str(out), data_dir=data)
    assert res.stdout.splitlines()[0] == (
        "merge: 0 created, 0 updated, 52 unchanged, 0 removed (0 untouched)"
    )
    pair = tmp_path / "p.csv"
    res = run(
        "glossary",
        "export",
        "--format",
        "csv",
        "--pair",
        "fr,en",
        "--out",
        str(pair),
        data_dir=data,
    )
    assert res.returncode == 0, res.stderr
    assert pair.read_text(encoding="utf-8").splitlines()[0] == "Nations Unies,United Nations"
    res = run(
        "glossary",
        "export",
        "--format",
        "tbx",
        "--pair",
        "fr,en",
        "--out",
        str(pair),
        data_dir=data,
    )
    assert res.returncode == 2
    assert "--pair: give two language codes" in res.stderr
