"""LibreTranslate's other routes through the real app: /frontend/settings, /translate_file and
/download_file (each format through real argostranslate + CTranslate2 with the fixture
packages, whose model copies its input), /suggest and the review of suggestions, /spec, CORS."""

from __future__ import annotations

import io
import os
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from service.api.app import create_app
from service.mt.packages import install_file
from service.settings import Settings
from tests.conftest import ROOT, live_server, make_key

MODELS = ROOT / "tests" / "fixtures" / "models"
NAME = "vn-government-news"
FR_HEAD = "Le Premier ministre a reçu "
FR_BOLD = "mardi"
FR_TAIL = " douze ambassadeurs."
FR = FR_HEAD + FR_BOLD + FR_TAIL
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _install(data_dir: Path) -> None:
    for pair in ("fr_en", "vi_en", "en_fr"):
        install_file(MODELS / f"{pair}.argosmodel", data_dir / "packages")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("lt") / "data"
    _install(data)
    return data


def _client(data_dir: Path, **extra: Any) -> TestClient:
    return TestClient(create_app(Settings(data_dir=data_dir, **extra)))


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    with _client(data_dir, suggestions=True) as test_client:
        yield test_client


# --- inputs, built with the formats' own writers ---------------------------------------------


def make_docx() -> bytes:
    import docx  # noqa: PLC0415

    document = docx.Document()
    paragraph = document.add_paragraph(FR_HEAD)
    paragraph.add_run(FR_BOLD).bold = True
    paragraph.add_run(FR_TAIL)
    document.add_paragraph("Hanoï accueille la conférence.", style="Heading 1")
    document.sections[0].header.paragraphs[0].text = "Premier ministre"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def read_docx(data: bytes) -> list[list[tuple[str, bool | None]]]:
    import docx  # noqa: PLC0415

    document = docx.Document(io.BytesIO(data))
    return [[(r.text, r.bold) for r in p.runs] for p in document.paragraphs]


def make_odt() -> bytes:
    from odf.opendocument import OpenDocumentText  # noqa: PLC0415
    from odf.style import Style, TextProperties  # noqa: PLC0415
    from odf.text import P, Span  # noqa: PLC0415

    document = OpenDocumentText()
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    paragraph = P(text=FR_HEAD)
    paragraph.addElement(Span(stylename=bold, text=FR_BOLD))
    paragraph.addText(FR_TAIL)
    document.text.addElement(paragraph)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def read_odt(data: bytes) -> tuple[list[str], list[tuple[str, str]]]:
    """Paragraph texts, and (style, text) of each span."""
    from odf import teletype  # noqa: PLC0415
    from odf.opendocument import load  # noqa: PLC0415
    from odf.text import P, Span  # noqa: PLC0415

    document = load(io.BytesIO(data))
    paragraphs = [teletype.extractText(p) for p in document.getElementsByType(P)]
    spans = [
        (str(s.getAttribute("stylename")), teletype.extractText(s))
        for s in document.getElementsByType(Span)
    ]
    return paragraphs, spans


HTML = (
    "<!DOCTYPE html>\n<html><head><title>Premier ministre</title></head>"
    f"<body><p>{FR_HEAD}<b>{FR_BOLD}</b>{FR_TAIL}</p><script>var x = 1;</script></body></html>"
)
TXT = f"{FR}\n\n  Hanoï accueille la conférence.\n"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def post_file(
    client: TestClient, name: str, data: bytes, **form: str
) -> tuple[int, dict[str, Any]]:
    fields = {"source": "fr", "target": "en", **form}
    res = client.post("/translate_file", data=fields, files={"file": (name, data)})
    return res.status_code, res.json()


def download(client: TestClient, body: dict[str, Any]) -> tuple[bytes, str]:
    res = client.get(body["translatedFileUrl"])
    assert res.status_code == 200, res.text
    return res.content, res.headers["content-disposition"]


# --- /frontend/settings ------------------------------------------------------------------------


def test_frontend_settings_have_libretranslates_shape_from_our_settings(data_dir: Path) -> None:
    with _client(data_dir) as client:
        body = client.get("/frontend/settings").json()
    assert body == {
        "charLimit": 20_000,
        "frontendTimeout": 500,
        "apiKeys": False,
        "keyRequired": False,
        "suggestions": False,
        "filesTranslation": True,
        "supportedFilesFormat": [".txt", ".html", ".docx", ".odt"],
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": "en", "name": "English"},
        },
        "fileSizeLimit": 10_000_000,
        "fileCharLimit": 200_000,
    }
    custom = {
        "translate_max_chars": 300,
        "frontend_timeout": 900,
        "api_keys": True,
        "translate_requires_key": True,
        "suggestions": True,
        "files_translation": False,
        "frontend_language_source": "vi",
        "frontend_language_target": "fr",
    }
    with _client(data_dir, **custom) as client:
        body = client.get("/frontend/settings").json()  # open: no key needed
    assert body["charLimit"] == 300
    assert body["frontendTimeout"] == 900
    assert (body["apiKeys"], body["keyRequired"], body["suggestions"]) == (True, True, True)
    assert (body["filesTranslation"], body["supportedFilesFormat"]) == (False, [])
    assert body["language"]["source"] == {"code": "vi", "name": "Vietnamese"}
    assert body["language"]["target"] == {"code": "fr", "name": "French"}


# --- /translate_file: each format through the real Argos path --------------------------------


def test_txt_is_translated_line_by_line_and_downloaded(client: TestClient) -> None:
    status, body = post_file(client, "note.txt", TXT.encode())
    assert status == 200, body
    assert body["translatedFileUrl"].startswith("http://testserver/download_file/")
    assert body["provenance"]["packages"] == ["translate-fr_en-copyfixture@0.1"]
    assert body["characters"] == len(FR) + len("Hanoï accueille la conférence.")
    data, disposition = download(client, body)
    assert nfkc(data.decode()) == nfkc(TXT)  # the copy model: lines, blanks, indent kept
    assert 'filename="note_en.txt"' in disposition


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "odt"])
def test_each_format_with_the_glossary_enforced(client: TestClient, fmt: str) -> None:
    made = {"txt": TXT.encode(), "html": HTML.encode(), "docx": make_docx(), "odt": make_odt()}
    status, body = post_file(client, f"page.{fmt}", made[fmt], glossary=NAME)
    assert status == 200, body
    report = body["glossary_report"]
    assert report["glossary"] == NAME
    assert report["version"] == 1
    assert report["compliant"], report
    assert report["terms"] >= 1
    data, _ = download(client, body)
    if fmt == "docx":
        paragraphs = read_docx(data)
        runs = paragraphs[0]
        # the runs and their bold survive; each run's text went through the glossary
        assert [bold for _, bold in runs] == [None, True, None]
        assert runs[0][0] == "Le Prime Minister a reçu "
        assert runs[1][0] == FR_BOLD
        assert nfkc(runs[2][0]) == nfkc(FR_TAIL)
        assert "Hanoi" in "".join(t for t, _ in paragraphs[1])
        import docx  # noqa: PLC0415

        translated = docx.Document(io.BytesIO(data))
        assert translated.paragraphs[1].style.name == "Heading 1"
        assert translated.sections[0].header.paragraphs[0].text == "Prime Minister"
    elif fmt == "odt":
        paragraphs, spans = read_odt(data)
        assert paragraphs[0] == "Le Prime Minister a reçu mardi douze ambassadeurs."
        assert spans == [("Bold", FR_BOLD)]
    elif fmt == "html":
        html = data.decode()
        assert html.startswith("<!DOCTYPE html>\n<html><head><title>Prime Minister</title>")
        assert f"<b>{FR_BOLD}</b>" in html
        assert "<script>var x = 1;</script>" in html
        assert "Premier ministre" not in html
    else:
        text = data.decode()
        assert text.splitlines()[0] == "Le Prime Minister a reçu mardi douze ambassadeurs."
        assert text.splitlines()[2] == "  Hanoi accueille la conférence."


def test_without_a_glossary_the_copy_model_gives_the_document_back(client: TestClient) -> None:
    status, body = post_file(client, "page.docx", make_docx())
    assert status == 200, body
    assert "glossary_report" not in body
    assert "detectedLanguage" not in body  # LibreTranslate's shape: only with source=auto
    data, disposition = download(client, body)
    assert read_docx(data) == read_docx(make_docx())
    assert 'filename="page_en.docx"' in disposition
    status, body = post_file(client, "page.odt", make_odt())
    assert status == 200, body
    assert read_odt(download(client, body)[0]) == read_odt(make_odt())


def test_auto_detects_the_source_language(client: TestClient) -> None:
    vi = "Thủ tướng Phạm Minh Chính đã tiếp các đại sứ tại Hà Nội.\n"
    status, body = post_file(client, "tin.txt", vi.encode(), source="auto")
    assert status == 200, body
    assert body["detectedLanguage"]["language"] == "vi"
    assert body["provenance"]["packages"] == ["translate-vi_en-copyfixture@0.1"]
    assert nfkc(download(client, body)[0].decode()) == nfkc(vi)


# --- /translate_file: every refusal is a JSON error ---------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _docx_with(document_xml: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(make_docx())) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    members["word/document.xml"] = document_xml
    return _zip(members)


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    ("name", "data", "status", "code", "message"),
    [
        ("scan.pdf", b"%PDF-1.4", 400, "unsupported_format", "format .pdf (supported: .txt, "),
        ("README", b"text", 400, "unsupported_format", "a file without an extension"),
        ("broken.docx", b"PK\x03\x04 not a zip", 400, "corrupt_file", "not a valid .docx"),
        ("empty.docx", _zip({"x.txt": b"1"}), 400, "corrupt_file", "no word/document.xml"),
        ("bad.docx", _docx_with(b"<w:document>"), 400, "corrupt_file", "not well-formed"),
        ("xxe.docx", _docx_with(XXE), 400, "corrupt_file", "declares a DTD"),
        ("slides.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.presentation",
                             "content.xml": b"<a/>"}), 400, "unsupported_format", "mimetype"),
        ("latin1.txt", "Hanoï".encode("latin-1"), 400, "not_utf8", "must be UTF-8; byte 4"),
        ("empty.txt", b"", 422, "bad_input", "empty file"),
        ("bomb.docx", _zip({"word/document.xml": b"<a>" + b" " * 3_000_000 + b"</a>"}), 413,
         "too_large", "unpacks to"),
        ("long.docx", _zip({"word/document.xml": b"<a>" + b" " * 150_000 + b"</a>"}), 413,
         "too_large", "text parts unpack to 150007 bytes of XML, over the limit of 100000"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_with_the_reason(
    data_dir: Path, name: str, data: bytes, *, status: int, code: str, message: str
) -> None:
    with _client(data_dir, max_file_bytes=100_000) as client:
        got, body = post_file(client, name, data)
    assert (got, body["code"]) == (status, code), body
    assert message in body["error"]


def test_limits_size_characters_and_parameters(data_dir: Path) -> None:
    with _client(data_dir, max_file_bytes=2_000, file_max_chars=100) as client:
        got, body = post_file(client, "big.txt", b"a" * 2_001)
        assert (got, body["code"]) == (413, "too_large")
        assert "TRIGLOT_MAX_FILE_BYTES" in body["error"]
        res = client.post(  # over the body limit: refused before the form is read
            "/translate_file", data={"source": "fr"}, files={"file": ("a.txt", b"a" * 80_000)}
        )
        assert (res.status_code, res.json()["code"]) == (413, "too_large")
        got, body = post_file(client, "long.txt", ("Une phrase assez longue. " * 5).encode())
        assert (got, body["code"]) == (413, "too_large")
        assert "124 characters to translate, over the limit of 100" in body["error"]
        res = client.post("/translate_file", data={"source": "fr", "target": "en"})
        assert res.json()["error"] == "Invalid request: missing file parameter"
        res = client.post("/translate_file", data={"target": "en"}, files={"file": ("a.txt", b"a")})
        assert res.json()["error"] == "Invalid request: missing source parameter"
        got, body = post_file(client, "a.txt", b"Bonjour.", source="x" * 500)
        assert (got, body["error"]) == (
            400,
            f"Invalid request: source {'x' * 20!r} is not a language code (e.g. fr, vi, en)",
        )
        got, body = post_file(client, "a.txt", b"Bonjour.", target="de")
        assert got == 400
        assert body["error"].startswith("de is not supported")
        got, body = post_file(client, "a.txt", b"Bonjour.", glossary="nope")
        assert (got, body["error"]) == (400, f"unknown glossary 'nope'; available: {NAME}")
    with _client(data_dir, files_translation=False) as client:
        got, body = post_file(client, "a.txt", b"Bonjour.")
        assert (got, body["error"]) == (403, "Files translation are disabled on this server.")


def test_keys_required_for_files_when_translation_needs_one(data_dir: Path) -> None:
    env = {"TRIGLOT_DATA_DIR": str(data_dir)}
    key = make_key(data_dir, "file-client", env=env)
    with _client(data_dir, api_keys=True, translate_requires_key=True) as client:
        got, body = post_file(client, "a.txt", b"Bonjour.")
        assert (got, body["code"]) == (401, "key_required")
        got, body = post_file(client, "a.txt", b"Bonjour.", api_key="tgk_wrong")
        assert (got, body["code"]) == (403, "invalid_key")
        got, body = post_file(client, "a.txt", b"Bonjour.", api_key=key)  # LT's way
        assert got == 200, body
        assert download(client, body)[0] == b"Bonjour."
        # /translate as a multipart form (its api_key read the same way, the part closed)
        res = client.post(
            "/translate",
            data={"q": "Bonjour.", "source": "fr", "target": "en", "api_key": key},
            files={"unused": ("x.txt", b"x")},
        )
        assert (res.status_code, res.json()["translatedText"]) == (200, "Bonjour.")


def test_files_choose_their_glossary_as_translate_does(data_dir: Path) -> None:
    """The glossary named, else the key's, else the server's default; ``none`` for none
    (``service.api.glossary_choice``, shared with /translate)."""
    env = {"TRIGLOT_DATA_DIR": str(data_dir)}
    glossed = make_key(data_dir, "file-glossed", "--glossary", NAME, env=env)
    plain = make_key(data_dir, "file-plain", env=env)

    def first_line(client: TestClient, body: dict[str, Any]) -> str:
        return download(client, body)[0].decode().splitlines()[0]

    with _client(data_dir, api_keys=True) as client:
        got, body = post_file(client, "a.txt", TXT.encode(), api_key=glossed)
        assert got == 200, body
        assert body["glossary"] == {"name": NAME, "version": 1, "chosen_by": "key"}
        assert body["glossary_report"]["compliant"]
        assert first_line(client, body).startswith("Le Prime Minister a reçu")
        got, body = post_file(client, "a.txt", TXT.encode(), api_key=glossed, glossary="none")
        assert "glossary" not in body
        assert "glossary_report" not in body
        assert first_line(client, body).startswith("Le Premier ministre")  # the copy model
        got, body = post_file(client, "a.txt", TXT.encode(), api_key=plain)
        assert "glossary" not in body
        assert first_line(client, body).startswith("Le Premier ministre")
    with _client(data_dir, default_glossary=NAME) as client:
        got, body = post_file(client, "a.txt", TXT.encode())
        assert got == 200, body
        assert body["glossary"]["chosen_by"] == "default"
        assert first_line(client, body).startswith("Le Prime Minister a reçu")
        got, body = post_file(client, "a.txt", TXT.encode(), glossary=f"{NAME}@1")
        assert body["glossary"] == {"name": NAME, "version": 1, "chosen_by": "request"}
        got, body = post_file(client, "a.txt", TXT.encode(), glossary="none")
        assert "glossary_report" not in body
        assert first_line(client, body).startswith("Le Premier ministre")
        got, body = post_file(client, "a.txt", TXT.encode(), glossary="nope")
        assert (got, body["error"]) == (400, f"unknown glossary 'nope'; available: {NAME}")


def test_downloads_only_by_name_and_until_they_expire(data_dir: Path, tmp_path: Path) -> None:
    with _client(data_dir, file_ttl_seconds=60) as client:
        status, body = post_file(client, "a.txt", b"Bonjour.")
        assert status == 200
        stored = body["translatedFileUrl"].rsplit("/", 1)[1]
        assert len(stored.split(".", 1)[0]) == 32
        for wrong in ("a_en.txt", "x" * 32 + ".a_en.txt", "..%2Ftriglot.db", stored[:-1]):
            res = client.get(f"/download_file/{wrong}")
            assert (res.status_code, res.json()["code"]) == (404, "not_found"), wrong
        path = data_dir / "files" / stored
        assert path.is_file()
        old = time.time() - 120
        os.utime(path, (old, old))
        res = client.get(body["translatedFileUrl"])
        assert res.status_code == 404
        assert "deleted after 60 s" in res.json()["error"]
        post_file(client, "b.txt", b"Salut.")  # each save deletes expired files
        assert not path.exists()
    _install(tmp_path / "full")
    with _client(tmp_path / "full", max_stored_files=1) as client:
        assert post_file(client, "a.txt", b"Bonjour.")[0] == 200
        status, body = post_file(client, "b.txt", b"Salut.")
        assert (status, body["code"]) == (503, "files_full")
        assert "TRIGLOT_MAX_STORED_FILES=1" in body["error"]


# --- /suggest and the review of suggestions ------------------------------------------------------


@pytest.fixture
def sclient(settings_on_each_backend: Settings) -> Iterator[TestClient]:
    settings = settings_on_each_backend.model_copy(update={"suggestions": True})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_suggestions_are_off_unless_enabled(data_dir: Path) -> None:
    with _client(data_dir) as client:
        res = client.post("/suggest", data={"q": "a", "s": "b", "source": "fr", "target": "en"})
    assert (res.status_code, res.json()["error"]) == (
        403,
        "Suggestions are disabled on this server.",
    )


def test_suggestion_becomes_a_reviewed_proposal_then_the_glossary(sclient: TestClient) -> None:
    form = {"q": "fleuve Rouge", "s": "Red River", "source": "fr", "target": "en"}
    res = sclient.post("/suggest", data=form)  # a form, as LibreTranslate's front end sends
    assert (res.status_code, res.json()) == (200, {"success": True})
    res = sclient.post("/suggest", json={**form, "s": "Red river"})  # or JSON
    assert res.status_code == 200
    listed = sclient.get("/suggestions", params={"status": "open"}).json()
    assert listed["total"] == 2
    first, second = listed["suggestions"]
    assert (first["q"], first["s"], first["source"], first["target"]) == (
        "fleuve Rouge",
        "Red River",
        "fr",
        "en",
    )
    assert first["author"] == "anonymous"

    res = sclient.post(f"/suggestions/{first['id']}/propose", json={"glossary": NAME})
    assert res.status_code == 201, res.text
    proposal = res.json()["proposal"]
    assert res.json()["suggestion"]["status"] == "proposed"
    assert res.json()["suggestion"]["proposal_id"] == proposal["id"]
    # reviewed like any other proposal: listed, with its diff, then approved
    shown = sclient.get(f"/glossaries/{NAME}/proposals/{proposal['id']}").json()
    assert shown["status"] == "open"
    assert [c["id"] for c in shown["diff"]["added"]] == [f"suggestion-{first['id']}"]
    res = sclient.post(
        f"/glossaries/{NAME}/proposals/{proposal['id']}/approve", headers={"If-Match": '"v1"'}
    )
    assert res.status_code == 200, res.text
    current = sclient.get(f"/glossaries/{NAME}").json()
    added = next(c for c in current["concepts"] if c["id"] == f"suggestion-{first['id']}")
    assert {(t["lang"], t["text"]) for t in added["terms"]} == {
        ("fr", "fleuve Rouge"),
        ("en", "Red River"),
    }

    # decided suggestions stay decided
    again = sclient.post(f"/suggestions/{first['id']}/propose", json={"glossary": NAME})
    assert (again.status_code, again.json()["code"]) == (409, "suggestion_closed")
    # the second one changes the existing concept instead: preferred term replaced
    res = sclient.post(
        f"/suggestions/{second['id']}/propose",
        json={"glossary": NAME, "concept": f"suggestion-{first['id']}"},
    )
    assert res.status_code == 201, res.text
    diff = sclient.get(f"/glossaries/{NAME}/proposals/{res.json()['proposal']['id']}").json()
    assert [c["id"] for c in diff["diff"]["changed"]] == [f"suggestion-{first['id']}"]
    res = sclient.post("/suggest", data={**form, "s": "Song Hong"})
    third = sclient.get("/suggestions", params={"status": "open"}).json()["suggestions"][0]
    unknown = sclient.post(f"/suggestions/{third['id']}/propose", json={"glossary": "nope"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    missing = sclient.post(
        f"/suggestions/{third['id']}/propose", json={"glossary": NAME, "concept": "no-such"}
    )
    assert (missing.status_code, missing.json()["code"]) == (422, "bad_input")
    assert "no concept 'no-such'" in missing.json()["error"]
    assert sclient.get("/suggestions?status=open").json()["total"] == 1  # still open
    dismissed = sclient.post(f"/suggestions/{third['id']}/dismiss")
    assert dismissed.json()["status"] == "dismissed"
    assert sclient.post(f"/suggestions/{third['id']}/dismiss").status_code == 409
    assert sclient.post("/suggestions/999/dismiss").status_code == 404
    listed = sclient.get("/suggestions", params={"limit": 2}).json()
    assert (listed["total"], listed["next_offset"]) == (3, 2)
    statuses = [x["status"] for x in sclient.get("/suggestions").json()["suggestions"]]
    assert statuses == ["proposed", "proposed", "dismissed"]


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"s": "b", "source": "fr", "target": "en"}, "Invalid request: missing q parameter"),
        ({"q": "a", "source": "fr", "target": "en"}, "Invalid request: missing s parameter"),
        ({"q": "a", "s": "b", "target": "en"}, "Invalid request: missing source parameter"),
        ({"q": "a", "s": "b", "source": "auto", "target": "en"}, "source 'auto' is not a lang"),
        ({"q": "a\x00", "s": "b", "source": "fr", "target": "en"}, "q: a control character"),
        ({"q": "a" * 10_001, "s": "b", "source": "fr", "target": "en"}, "(most 10000)"),
    ],
)
def test_bad_suggestions_are_refused(client: TestClient, form: dict[str, str], error: str) -> None:
    res = client.post("/suggest", data=form)
    assert res.status_code == 400
    assert error in res.json()["error"]


def test_suggestion_queue_is_bounded_and_reads_need_a_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with _client(data, suggestions=True, max_open_suggestions=1, api_keys=True) as client:
        form = {"q": "a", "s": "b", "source": "fr", "target": "en"}
        assert client.post("/suggest", data=form).status_code == 200  # no key needed
        res = client.post("/suggest", data=form)
        assert (res.status_code, res.json()["code"]) == (503, "suggestions_full")
        assert client.get("/suggestions").status_code == 401
        key = make_key(data, "reviewer", env={"TRIGLOT_DATA_DIR": str(data)})
        res = client.get("/suggestions", headers={"Authorization": f"Bearer {key}"})
        assert res.status_code == 200
        assert client.post("/suggestions/1/dismiss").status_code == 401


# --- /spec and CORS ------------------------------------------------------------------------------


def test_spec_is_the_openapi_document(client: TestClient) -> None:
    spec = client.get("/spec").json()
    assert spec == client.get("/openapi.json").json()
    for path in ("/translate_file", "/frontend/settings", "/suggest", "/download_file/{name}"):
        assert path in spec["paths"]


def test_cors_is_off_by_default_and_configurable(data_dir: Path) -> None:
    preflight = {
        "Origin": "https://cat.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    with _client(data_dir) as client:
        res = client.get("/languages", headers={"Origin": "https://cat.example"})
        assert "access-control-allow-origin" not in res.headers
    with _client(data_dir, cors_origins="https://cat.example, http://127.0.0.1:5173") as client:
        res = client.options("/translate", headers=preflight)
        assert res.status_code == 200
        assert res.headers["access-control-allow-origin"] == "https://cat.example"
        res = client.get("/languages", headers={"Origin": "https://cat.example"})
        assert res.headers["access-control-allow-origin"] == "https://cat.example"
        res = client.options("/translate", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in res.headers
    with _client(data_dir, cors_origins="*") as client:
        res = client.get("/languages", headers={"Origin": "https://any.example"})
        assert res.headers["access-control-allow-origin"] == "*"
    with pytest.raises(ValidationError, match="not an origin"):
        Settings(cors_origins="https://cat.example/path")


# --- end to end: a live `triglot serve`, called the way LibreTranslate clients call -------------


@pytest.mark.slow
def test_live_server_translates_a_docx_and_takes_a_suggestion(tmp_path: Path) -> None:
    import httpx2  # noqa: PLC0415

    data = tmp_path / "data"
    _install(data)
    env = {"TRIGLOT_SUGGESTIONS": "true", "TRIGLOT_CORS_ORIGINS": "https://cat.example"}
    with (
        live_server(data, "--seeds", str(tmp_path), env=env) as (base, _log),
        httpx2.Client(base_url=base, timeout=30) as http,
    ):
        settings = http.get("/frontend/settings").json()
        assert ".docx" in settings["supportedFilesFormat"]
        assert settings["suggestions"] is True
        res = http.post(
            "/translate_file",
            data={"source": "fr", "target": "en", "glossary": NAME},
            files={"file": ("rapport.docx", make_docx(), DOCX)},
            headers={"Origin": "https://cat.example"},
        )
        assert res.status_code == 200, res.text
        assert res.headers["access-control-allow-origin"] == "https://cat.example"
        url = res.json()["translatedFileUrl"]
        assert url.startswith(f"{base}/download_file/")
        got = http.get(url)
        assert got.headers["content-type"] == DOCX
        assert read_docx(got.content)[0][0] == ("Le Prime Minister a reçu ", None)
        res = http.post(
            "/suggest",
            data={"q": "Premier ministre", "s": "Prime Minister", "source": "fr", "target": "en"},
        )
        assert res.json() == {"success": True}
        assert http.get("/suggestions").json()["total"] == 1
