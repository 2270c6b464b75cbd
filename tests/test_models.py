"""Models and languages (issue 16): verified installs, installs seen by a running engine,
BCP 47 tags, detection over every language, and OPUS-MT / NLLB packages built with
``triglot models build`` served on the same engine path as Argos packages (real CTranslate2)."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.mt.argos import CHECK_INTERVAL, ArgosEngine
from service.mt.build import build_package, detect_family
from service.mt.engine import PackageUnavailableError
from service.mt.languages import UnknownLanguageError, detect, resolve_tag
from service.mt.packages import PackageError, install_file, remove
from service.settings import Settings
from service.store.keys import KeyStore
from tests.conftest import ROOT

MODELS = ROOT / "tests" / "fixtures" / "models"
FAMILIES = ROOT / "tests" / "fixtures" / "families"
FR_EN = MODELS / "fr_en.argosmodel"
VI_EN = MODELS / "vi_en.argosmodel"
FR = "Le Premier ministre a reçu mardi 12 ambassadeurs à Hanoï."
VI = "Thủ tướng Phạm Minh Chính đã tiếp 12 đại sứ tại Hà Nội."
DE = "Der Bundestag hat heute ein neues Gesetz über die Energiepolitik verabschiedet."


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _mutated(tmp_path: Path, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Path:
    return _zip(tmp_path / "bad.argosmodel", change(_members(FR_EN)))


def _with_metadata(raw: bytes) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def change(members: dict[str, bytes]) -> dict[str, bytes]:
        return {k: raw if k.endswith("/metadata.json") else v for k, v in members.items()}

    return change


def _meta_edit(**fields: object) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    meta = json.loads(next(v for k, v in _members(FR_EN).items() if k.endswith("metadata.json")))
    return _with_metadata(json.dumps({**meta, **fields}).encode())


@pytest.fixture
def packages_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data" / "packages"
    install_file(FR_EN, target)
    return target


@pytest.fixture
def engine(packages_dir: Path) -> ArgosEngine:
    return ArgosEngine(packages_dir, packages_dir.parent / "argos")


# --- verified packages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # the bytes CTranslate2 reads are not a model: refused before activation
        (
            lambda m: {
                k: (b"garbage" * 100 if k.endswith("model.bin") else v) for k, v in m.items()
            },
            "the CTranslate2 model does not load",
        ),
        # a tokenizer file that SentencePiece cannot parse
        (
            lambda m: {
                k: (b"not a sentencepiece model" if k.endswith("sentencepiece.model") else v)
                for k, v in m.items()
            },
            "the tokenizer does not load",
        ),
        # a target token the model's vocabulary lacks would silently become <unk>
        (_meta_edit(target_prefix="xyz_Latn"), "token 'xyz_Latn' is not in the model"),
        # nesting 2,000 deep (Python's json recursion limit is 1,000)
        (_with_metadata(b"[" * 2000 + b"]" * 2000), "nests too deeply"),
        # a 5,000-digit number (over Python's 4,300-digit conversion limit)
        (_with_metadata(b'{"from_code": 1' + b"0" * 5000 + b"}"), "not valid JSON"),
        # wrong types
        (_meta_edit(package_version=["1"]), "package_version must be a string"),
        (_meta_edit(from_name={"x": 1}), "from_name must be a string"),
        (_meta_edit(source_prefix="vie_Latn"), "source_prefix must be a list"),
        (_meta_edit(target_sentencepiece="../x"), "target_sentencepiece must be a file name"),
        (_with_metadata(b"\xff\xfe"), "not UTF-8"),
        (_meta_edit(name=os.urandom(40_000).hex()), "over the limit"),
    ],
    ids=[
        "rubbish-model",
        "bad-sentencepiece",
        "unknown-token",
        "deep-nesting",
        "huge-number",
        "version-type",
        "name-type",
        "prefix-type",
        "unsafe-tokenizer-name",
        "not-utf8",
        "huge-metadata",
    ],
)
def test_bad_packages_are_refused_and_the_installed_set_is_unchanged(
    engine: ArgosEngine,
    packages_dir: Path,
    tmp_path: Path,
    change: Callable[[dict[str, bytes]], dict[str, bytes]],
    message: str,
) -> None:
    assert engine.translate([FR], src_lang="fr", tgt_lang="en")[0].text == FR
    before = sorted((p.name, p.stat().st_mtime_ns) for p in packages_dir.iterdir())
    with pytest.raises(PackageError, match=message) as err:
        install_file(_mutated(tmp_path, change), packages_dir)
    assert "\n" not in str(err.value)
    assert len(str(err.value)) < 500
    assert sorted((p.name, p.stat().st_mtime_ns) for p in packages_dir.iterdir()) == before
    assert not list(packages_dir.parent.glob(".install-*"))  # staging cleaned
    assert engine.translate([FR], src_lang="fr", tgt_lang="en")[0].text == FR


def test_unsafe_folder_names_are_replaced_and_removable(
    engine: ArgosEngine, packages_dir: Path, tmp_path: Path
) -> None:
    """A package whose folder is `.install-evil` (hidden, like a staging folder) installs
    under a derived name that `models list` shows and `models remove` takes."""

    def rename(members: dict[str, bytes]) -> dict[str, bytes]:
        return {".install-evil/" + k.split("/", 1)[1]: v for k, v in members.items()}

    path = install_file(_mutated(tmp_path, rename), packages_dir)
    assert path.name == "translate-fr_en-0.1"  # from metadata: from_code, to_code, version
    engine.reload()
    assert path.name in [p.code for p in engine.packages()]
    remove(packages_dir, path.name)
    engine.reload()
    assert path.name not in [p.code for p in engine.packages()]


def test_hidden_and_broken_folders_are_never_packages(
    engine: ArgosEngine, packages_dir: Path
) -> None:
    """Folders placed by hand: a dot folder is ignored; a broken one is skipped, not fatal."""
    (packages_dir / ".leftover").mkdir()
    (packages_dir / ".leftover" / "metadata.json").write_text('{"from_code": "de"}')
    (packages_dir / "broken").mkdir()
    (packages_dir / "broken" / "metadata.json").write_text("[" * 3000)
    engine.reload()
    assert [p.code for p in engine.packages()] == ["translate-fr_en-copyfixture"]
    assert engine.translate([FR], src_lang="fr", tgt_lang="en")[0].text == FR


# --- installs reach a running engine -----------------------------------------------------


def test_install_and_removal_reach_a_running_engine_without_reload(
    engine: ArgosEngine, packages_dir: Path
) -> None:
    assert ("vi", "en") not in engine.pairs()
    install_file(VI_EN, packages_dir)
    done = time.monotonic()
    while ("vi", "en") not in engine.pairs():
        assert time.monotonic() - done < 1.0, "install not seen within a second"
        time.sleep(0.02)
    assert engine.translate([VI], src_lang="vi", tgt_lang="en")[0].text == VI
    assert engine.translate([FR], src_lang="fr", tgt_lang="en")[0].text == FR
    fr_en = engine.route("fr", "en")[0]  # held by a request in flight: keeps working
    remove(packages_dir, "translate-fr_en-copyfixture")
    time.sleep(CHECK_INTERVAL + 0.1)
    assert ("fr", "en") not in engine.pairs()
    assert engine.translate_with(fr_en, [FR]) == [[FR]]
    assert engine.route("vi", "en")[0].translator is not None  # unchanged package kept loaded


# --- language tags ---------------------------------------------------------------------------

INSTALLED = {"fr", "en", "vi", "zh", "zt", "pt", "pb"}


@pytest.mark.parametrize(
    ("tag", "code", "why"),
    [
        ("fr", "fr", "an installed code is itself"),
        ("FR", "fr", "case-insensitive"),
        ("fr-FR", "fr", "region of an installed language without a regional package"),
        ("fr_FR", "fr", "underscore separator (POSIX locales)"),
        ("en-US", "en", "region"),
        ("vi-VN", "vi", "region"),
        ("Vi-vn", "vi", "any case"),
        ("zh-Hant", "zt", "Argos names Traditional Chinese zt"),
        ("zh-TW", "zt", "Taiwan writes Traditional Chinese (CLDR likely subtags)"),
        ("zh-hant-hk", "zt", "script and region, lower case"),
        ("zh-CN", "zh", "Simplified Chinese"),
        ("pt-BR", "pb", "Argos names Brazilian Portuguese pb"),
        ("pt-PT", "pt", "European Portuguese: the plain language wins the tie"),
    ],
)
def test_language_tags_map_to_installed_languages(tag: str, code: str, why: str) -> None:
    assert resolve_tag(tag, INSTALLED) == code, why


@pytest.mark.parametrize("tag", ["de", "de-DE", "zh-Hant", "xx", "a", "fr fr", "é", "x" * 100])
def test_unmatched_tags_are_refused_with_the_installed_languages(tag: str) -> None:
    with pytest.raises(UnknownLanguageError) as err:
        resolve_tag(tag, {"fr", "en", "vi"}, role="source")
    assert err.value.status == 400
    message = str(err.value)
    assert "en, fr, vi" in message or "is not a language tag" in message


# --- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (DE, "de"),  # German: was called English (88.7%) before
        ("El presidente habló ayer en Madrid sobre la economía del país.", "es"),
        (FR, "fr"),
        (VI, "vi"),
        ("cong-uoc-ha-noi-ve-toi-pham-mang", "vi"),  # slug: page rules decide
        ("The prime minister received twelve ambassadors in Hanoi on Tuesday.", "en"),
        ("Viet Nam", "en"),  # too short for another language: the page rules' answer stands
    ],
)
def test_detection_covers_every_language_and_keeps_page_decisions(text: str, lang: str) -> None:
    found = detect(text)
    assert found.lang == lang
    assert 0 <= found.confidence <= 100


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api(packages_dir: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=packages_dir.parent, api_keys=True, admin_keys="ops")
    with TestClient(create_app(settings)) as client:
        yield client


def test_tags_in_translate_and_a_detected_language_without_route(api: TestClient) -> None:
    for source, target in (("FR", "en-US"), ("fr-FR", "EN"), ("fr_FR", "en-GB")):
        res = api.post("/translate", json={"q": FR, "source": source, "target": target})
        assert res.status_code == 200, res.text
        assert res.json()["translatedText"] == FR
    res = api.post("/translate", json={"q": FR, "source": "de-DE", "target": "en"})
    assert res.status_code == 400
    assert "de-DE" in res.json()["error"]
    assert "fr->en" in res.json()["error"]  # what is installed
    assert api.post("/detect", json={"q": DE}).json()[0]["language"] == "de"
    res = api.post("/translate", json={"q": [FR, DE], "source": "auto", "target": "en"})
    assert res.status_code == 400
    error = res.json()["error"]
    assert "detected language de" in error
    assert "q[1]" in error
    assert "fr->en" in error


def test_operator_routes_need_an_admin_key(api: TestClient, packages_dir: Path) -> None:
    keys: KeyStore = api.app.state.services.keys  # type: ignore[attr-defined]
    _k, editor = keys.add("editor")
    _k, ops = keys.add("ops")
    body = VI_EN.read_bytes()
    assert api.post("/models", content=body).status_code == 401
    res = api.post("/models", content=body, headers={"X-API-Key": editor})
    assert (res.status_code, res.json()["code"]) == (403, "invalid_key")
    res = api.post("/models", content=b"", headers={"X-API-Key": ops})
    assert res.status_code == 422
    res = api.post("/models", content=b"PK not a zip", headers={"X-API-Key": ops})
    assert (res.status_code, res.json()["code"]) == (422, "bad_package")
    res = api.post("/models", content=body, headers={"X-API-Key": ops})
    assert res.status_code == 201, res.text
    assert res.json()["installed"] == "translate-vi_en-copyfixture"
    res = api.post("/translate", json={"q": VI, "source": "vi-VN", "target": "en"})
    assert res.json()["translatedText"] == VI  # served at once, no restart
    codes = [p["code"] for p in api.get("/models").json()]
    assert codes == ["translate-fr_en-copyfixture", "translate-vi_en-copyfixture"]
    res = api.delete("/models/translate-vi_en-copyfixture", headers={"X-API-Key": editor})
    assert res.status_code == 403
    res = api.delete("/models/translate-vi_en-copyfixture", headers={"X-API-Key": ops})
    assert res.status_code == 200
    assert res.json()["removed"] == "translate-vi_en-copyfixture"
    res = api.post("/translate", json={"q": VI, "source": "vi", "target": "en"})
    assert res.status_code == 400
    assert api.delete("/models/nope", headers={"X-API-Key": ops}).status_code == 404


def test_operator_routes_are_off_without_keys(packages_dir: Path) -> None:
    with TestClient(create_app(Settings(data_dir=packages_dir.parent))) as client:
        res = client.post("/models", content=VI_EN.read_bytes())
        assert res.status_code == 403
        assert "TRIGLOT_ADMIN_KEYS" in res.json()["error"]
        assert client.get("/models").status_code == 200


# --- OPUS-MT and NLLB packages -----------------------------------------------------------


@pytest.mark.parametrize("family", ["marian", "nllb"])
def test_built_packages_translate_as_hugging_face_tokenises(
    family: str, tmp_path: Path, packages_dir: Path
) -> None:
    """A tiny random model of each family, converted by CTranslate2's converter, packaged by
    `models build`, installed (and so verified), served through /translate: the output is
    what CTranslate2 gives when Hugging Face's own tokenizer prepares the input and decodes
    the output (expected.json, made by tests/fixtures/families/build.py). A wrong source
    token, a missing end-of-sentence or the wrong target SentencePiece model changes it."""
    conversion = FAMILIES / f"{family}-vi-en"
    assert detect_family(conversion) == family
    package = build_package(conversion, tmp_path / "p.argosmodel", src_lang="vi", tgt_lang="en")
    assert package.stat().st_size < 2 * 1024 * 1024
    install_file(package, packages_dir)
    expected = json.loads((conversion / "expected.json").read_text(encoding="utf-8"))
    assert len({e["output"] for e in expected.values()}) == len(expected)  # input matters
    with TestClient(create_app(Settings(data_dir=packages_dir.parent))) as client:
        res = client.post("/translate", json={"q": list(expected), "source": "vi", "target": "en"})
        assert res.status_code == 200, res.text
        assert res.json()["translatedText"] == [e["output"] for e in expected.values()]
        assert res.json()["provenance"][0]["packages"] == [f"translate-vi_en-{family}-1.0@1.0"]


def test_build_refuses_what_it_cannot_package(tmp_path: Path) -> None:
    nllb = FAMILIES / "nllb-vi-en"
    out = tmp_path / "x.argosmodel"
    with pytest.raises(Exception, match="no 'xyz_Latn' token"):
        build_package(
            nllb, tmp_path / "x.argosmodel", src_lang="vi", tgt_lang="en", tgt_token="xyz_Latn"
        )
    with pytest.raises(Exception, match=r"no model\.bin"):
        build_package(tmp_path, tmp_path / "x.argosmodel", src_lang="vi", tgt_lang="en")
    with pytest.raises(Exception, match="plain language code"):
        build_package(nllb, tmp_path / "x.argosmodel", src_lang="vi-VN", tgt_lang="en")
    assert not out.exists()


def test_zip_folder_of_a_built_package_is_the_argos_layout(tmp_path: Path) -> None:
    out = build_package(
        FAMILIES / "marian-vi-en", tmp_path / "m.argosmodel", src_lang="vi", tgt_lang="en"
    )
    names = set(_members(out))
    top = "translate-vi_en-marian-1.0/"
    assert {top + "metadata.json", top + "model/model.bin", top + "sentencepiece.model"} <= names
    assert top + "target.spm" in names
    meta = json.loads(io.BytesIO(_members(out)[top + "metadata.json"]).read())
    assert (meta["from_code"], meta["to_code"], meta["source_suffix"]) == ("vi", "en", ["</s>"])


def test_a_package_removed_before_its_model_loaded_is_a_clear_error(
    engine: ArgosEngine, packages_dir: Path
) -> None:
    """A request that took its route just before a removal, on a model never loaded yet:
    503 package_unavailable, not a bare CTranslate2 error."""
    fr_en = engine.route("fr", "en")[0]
    remove(packages_dir, "translate-fr_en-copyfixture")
    with pytest.raises(PackageUnavailableError, match="removed or replaced"):
        engine.translate_with(fr_en, [FR])
