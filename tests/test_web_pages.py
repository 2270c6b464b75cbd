"""The web pages through the real app (TestClient): what each page shows, its htmx fragments,
and its error states worded for people. The browser tests (test_web_browser.py) drive the
same pages in chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.mt.packages import install_file
from service.settings import Settings
from service.web.render import Piece, highlight, word_diff
from tests.conftest import MEKONG_EDIT, ROOT, SEEDS, make_key

MODELS = ROOT / "tests" / "fixtures" / "models"
PAGES = ROOT / "tests" / "fixtures" / "pages"
NAME = "vn-government-news"
HX = {"HX-Request": "true"}


def _install(data: Path) -> None:
    for pair in ("fr_en", "vi_en", "en_fr"):
        install_file(MODELS / f"{pair}.argosmodel", data / "packages")


def _store(client: TestClient, path: Path, headers: dict[str, str] | None = None) -> int:
    res = client.post(
        f"/documents?name={path.name}",
        content=path.read_bytes(),
        headers={"Content-Type": "text/plain", **(headers or {})},
    )
    assert res.status_code in (200, 201), res.text
    doc_id: int = res.json()["id"]
    return doc_id


@pytest.fixture
def web(tmp_path: Path) -> Iterator[TestClient]:
    """The app with the copy-model fixture packages and the two seed pages stored."""
    _install(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "data", seeds_dir=SEEDS)
    with TestClient(create_app(settings)) as client:
        for seed in sorted(SEEDS.glob("*.txt")):
            _store(client, seed)
        yield client


@pytest.fixture
def bare(tmp_path: Path) -> Iterator[TestClient]:
    """A fresh service: no model installed, nothing stored."""
    with TestClient(create_app(Settings(data_dir=tmp_path / "bare"))) as client:
        yield client


def _text(html: str) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _propose(client: TestClient, edits: object, base: int = 1, note: str = "add") -> int:
    res = client.post(
        f"/glossaries/{NAME}/proposals",
        json={"edits": edits, "note": note, "author": "terminologist"},
        headers={"If-Match": f'"v{base}"'},
    )
    assert res.status_code == 201, res.text
    pid: int = res.json()["id"]
    return pid


# --- home, navigation, assets ------------------------------------------------------------------


def test_home_shows_models_glossaries_recent_pages_and_links(web: TestClient) -> None:
    pid = _propose(web, MEKONG_EDIT)
    res = web.get("/")
    assert res.status_code == 200
    text = _text(res.text)
    assert "French → English" in text
    assert "Vietnamese → English" in text
    assert f"{NAME} : version 1, 52 concepts" in text
    assert "1 to review" in text
    assert pid == 1
    assert "Secrétaire général des Nations Unies, António Guterres" in text  # seed 1's title
    for link in ("/ui/translate", "/ui/documents", "/ui/glossaries", "/ui/review", "/docs"):
        assert f'href="{link}' in res.text


def test_home_of_a_fresh_service_says_what_is_missing(bare: TestClient) -> None:
    text = _text(bare.get("/").text)
    assert "No translation model is installed yet" in text
    assert "triglot models install" in text
    assert "No page stored yet" in text


def test_every_page_loads_local_assets_only(web: TestClient) -> None:
    for url in (
        "/",
        "/ui/translate",
        "/ui/documents",
        "/ui/documents/1",
        "/ui/glossaries",
        f"/ui/glossaries/{NAME}",
        "/ui/review",
        "/docs",
        "/redoc",
    ):
        html = web.get(url).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources, url
        external = [s for s in sources if s.startswith(("http:", "https:", "//"))]
        # a page may link to its source article (the seed's URL), never load from outside
        loaded = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
        assert not [s for s in loaded if not s.startswith("/")], (url, loaded)
        assert all("cdn" not in s for s in external), (url, external)
    for asset in (
        "/static/vendor/htmx.min.js",
        "/static/triglot.js",
        "/static/triglot.css",
        "/static/apidocs/swagger-ui-bundle.js",
        "/static/apidocs/swagger-ui.css",
        "/static/apidocs/redoc.standalone.js",
    ):
        res = web.get(asset)
        assert res.status_code == 200, asset
        assert len(res.content) > 1000, asset


def test_api_docs_point_at_the_served_assets(web: TestClient) -> None:
    docs, redoc = web.get("/docs").text, web.get("/redoc").text
    assert '"/static/apidocs/swagger-ui-bundle.js"' in docs
    assert "/openapi.json" in docs
    assert '"/static/apidocs/redoc.standalone.js"' in redoc
    assert "fonts.googleapis" not in redoc
    assert docs.startswith('<!DOCTYPE html>\n    <html lang="en">') or '<html lang="en">' in docs
    assert '<html lang="en">' in redoc
    paths = web.get("/openapi.json").json()["paths"]
    assert "/translate" in paths
    assert not any(p.startswith("/ui/") for p in paths)


def test_browser_paths_of_the_api_lead_to_the_pages(web: TestClient) -> None:
    assert web.get("/translate", follow_redirects=False).headers["location"] == "/ui/translate"
    assert web.get("/review", follow_redirects=False).headers["location"] == "/ui/review"
    assert web.get("/documents").headers["content-type"] == "application/json"


def test_form_controls_have_labels(web: TestClient) -> None:
    for url in ("/ui/translate", "/ui/documents", f"/ui/glossaries/{NAME}", "/ui/review"):
        if url == "/ui/review":
            _propose(web, MEKONG_EDIT)
        html = web.get(url).text
        ids = set(
            re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*id="([^"]+)"', html)
        )
        labelled = set(re.findall(r'<label for="([^"]+)"', html))
        assert ids, url
        assert ids <= labelled, (url, ids - labelled)


# --- translate ---------------------------------------------------------------------------------


def test_translate_marks_glossary_terms_and_reports_each_line(web: TestClient) -> None:
    res = web.post(
        "/ui/translate",
        data={
            "q": "Le Premier ministre a reçu 12 ambassadeurs à Hanoï.\n\n"
            "Thủ tướng Phạm Minh Chính đã tiếp 12 đại sứ tại Hà Nội.",
            "source": "auto",
            "target": "en",
            "glossary": NAME,
        },
        headers=HX,
    )
    assert res.status_code == 200
    marks = re.findall(r"<mark[^>]*>([^<]+)</mark>", res.text)
    assert marks.count("Prime Minister") >= 2
    assert "Pham Minh Chinh" in marks
    text = _text(res.text)
    assert "Glossary report, line 1: all terms kept" in text
    assert "Glossary report, line 2: all terms kept" in text
    assert "Premier ministre Prime Minister yes protected during translation" in text
    assert "French, detected" in text
    assert "Vietnamese, detected" in text
    assert 'data-copy="english"' in res.text


def test_translate_offers_alternatives_without_a_glossary(web: TestClient) -> None:
    res = web.post(
        "/ui/translate",
        data={"q": "Le ministre est arrivé.", "source": "fr", "target": "en", "alternatives": "2"},
    )
    assert res.status_code == 200
    assert "Glossary report" not in res.text
    assert "English: Le ministre est arrivé." in _text(res.text)


@pytest.mark.parametrize(
    ("form", "status", "says"),
    [
        ({"q": "  \n "}, 422, "Type or paste a text to translate first."),
        ({"q": "Bonjour", "target": "de"}, 422, "No installed model translates into “de”."),
        ({"q": "Bonjour", "source": "xx"}, 422, "No installed model translates from “xx”."),
        ({"q": "Bon\x01jour"}, 422, "control character"),
        ({"q": "Bonjour", "glossary": "nope"}, 404, "This item does not exist"),
    ],
)
def test_translate_errors_are_messages_for_people(
    web: TestClient, form: dict[str, str], status: int, says: str
) -> None:
    res = web.post("/ui/translate", data=form, headers=HX)
    assert res.status_code == status
    assert 'class="msg error"' in res.text
    assert says in unescape(res.text)


def test_translate_refuses_a_text_over_the_limit(tmp_path: Path) -> None:
    _install(tmp_path / "data")
    settings = Settings(data_dir=tmp_path / "data", translate_max_chars=20)
    with TestClient(create_app(settings)) as client:
        res = client.post("/ui/translate", data={"q": "Un texte de plus de vingt caractères."})
    assert res.status_code == 413
    assert "translates at most 20 at a time" in res.text


def test_file_form_only_where_files_are_translated(web: TestClient, tmp_path: Path) -> None:
    html = web.get("/ui/translate").text
    assert 'id="file-form"' in html
    assert 'action="/translate_file"' in html
    assert 'id="file-glossary"' in html
    off = Settings(data_dir=tmp_path / "off", files_translation=False)
    with TestClient(create_app(off)) as client:
        assert 'id="file-form"' not in client.get("/ui/translate").text


def test_translate_page_follows_the_translate_key_rule(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _install(data)
    env = {"TRIGLOT_API_KEYS": "true", "TRIGLOT_TRANSLATE_REQUIRES_KEY": "true"}
    key = make_key(data, "translator", env=env)
    settings = Settings(data_dir=data, api_keys=True, translate_requires_key=True)
    with TestClient(create_app(settings)) as client:
        refused = client.post("/ui/translate", data={"q": "Bonjour."}, headers=HX)
        assert refused.status_code == 401
        assert refused.json()["code"] == "key_required"
        ok = client.post("/ui/translate", data={"q": "Bonjour."}, headers={**HX, "X-API-Key": key})
        assert ok.status_code == 200
        assert "Bonjour." in ok.text
    # keys for changes only: translating stays open, as /translate does
    with TestClient(create_app(Settings(data_dir=data, api_keys=True))) as client:
        assert client.post("/ui/translate", data={"q": "Bonjour."}).status_code == 200
        assert "(needed for changes)" in client.get("/").text


# --- documents ---------------------------------------------------------------------------------


def test_documents_list_search_and_empty_states(web: TestClient, bare: TestClient) -> None:
    text = _text(web.get("/ui/documents").text)
    assert "2 pages, newest first." in text
    assert text.index("Secrétaire général de l'ONU") < text.index("António Guterres")
    hit = web.get("/ui/documents?q=convention hanoi", headers={**HX, "HX-Target": "doc-list"})
    assert "<h1>" not in hit.text  # the list alone, for htmx
    assert "1 page match “convention hanoi”" in _text(hit.text)
    miss = web.get("/ui/documents?q=mekong")
    assert "No stored page matches “mekong”." in _text(miss.text)
    assert "No page stored yet" in bare.get("/ui/documents").text


def test_add_a_page_by_pasting_or_uploading(web: TestClient) -> None:
    page = (PAGES / "fr_edition.txt").read_text(encoding="utf-8")
    made = web.post("/ui/documents", data={"text": page, "name": "pasted"}, headers=HX)
    assert made.status_code == 200
    assert 'class="msg ok"' in made.text
    assert "Stored as document 3" in made.text
    assert 'href="/ui/documents/3"' in made.text
    again = web.post(
        "/ui/documents",
        files={"file": ("fr_edition.txt", page.encode(), "text/plain")},
        headers=HX,
    )
    assert "This page is stored already as document 3." in again.text
    other = web.post(
        "/ui/documents",
        files={"file": ("vi.txt", (PAGES / "vi_original.txt").read_bytes(), "text/plain")},
    )
    assert "Stored as document 4" in other.text
    assert web.get("/documents/4").json()["name"] == "vi.txt"
    saved = (
        "<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'></head><body>"
        "<h1>Le riz du delta remonte</h1><figure><img alt='Giá lúa tăng - Ảnh 1.'>"
        "<figcaption>Le riz du delta. Photo : VNA</figcaption></figure>"
        "<p>Les prix du riz ont augmenté cette semaine dans le delta du Mékong.</p>"
        "</body></html>"
    )
    html_page = web.post(
        "/ui/documents", files={"file": ("saved.html", saved.encode(), "text/html")}
    )
    assert "Stored as document 5" in html_page.text
    texts = [s["text"] for s in web.get("/documents/5").json()["segments"]]
    assert "Giá lúa tăng - Ảnh 1." in texts


@pytest.mark.parametrize(
    ("form", "files", "status", "says"),
    [
        ({"text": "  "}, None, 422, "Paste the page's text or choose a .txt or .html file."),
        ({}, {"file": ("x.html", b"no markup at all", "text/html")}, 422, "not an HTML"),
        ({}, {"file": ("x.txt", b"\xff\xfe bad", "text/plain")}, 400, "not UTF-8 text"),
        ({}, {"file": ("x.txt", b"a\x00b", "text/plain")}, 400, "NUL"),
        ({"text": "x" * 3000}, None, 413, "stores pages up to 2000 bytes"),
    ],
)
def test_add_a_page_errors(
    tmp_path: Path,
    form: dict[str, str],
    files: dict[str, tuple[str, bytes, str]] | None,
    status: int,
    says: str,
) -> None:
    with TestClient(create_app(Settings(data_dir=tmp_path / "d", max_page_bytes=2000))) as client:
        res = client.post("/ui/documents", data=form, files=files, headers=HX)
        assert res.status_code == status
        assert says in unescape(res.text)
        assert client.get("/documents").json()["total"] == 0


def test_adding_a_page_needs_a_key_when_keys_are_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = make_key(data, "editor", env={"TRIGLOT_API_KEYS": "true"})
    with TestClient(create_app(Settings(data_dir=data, api_keys=True))) as client:
        page = (PAGES / "fr_edition.txt").read_text(encoding="utf-8")
        refused = client.post("/ui/documents", data={"text": page}, headers=HX)
        assert refused.status_code == 401
        assert refused.json()["code"] == "key_required"
        wrong = client.post("/ui/documents", data={"text": page}, headers={"X-API-Key": "tgk_x"})
        assert wrong.status_code == 403
        ok = client.post("/ui/documents", data={"text": page}, headers={"X-API-Key": key})
        assert "Stored as document 1" in ok.text


def test_document_page_shows_segments_pairs_and_tmx(web: TestClient) -> None:
    res = web.get("/ui/documents/2")
    assert res.status_code == 200
    text = _text(res.text)
    assert "57 segments, 2 Vietnamese-French pairs." in text
    assert 'href="/documents/2/tmx"' in res.text
    assert "headline French" in text
    assert "paragraph French" in text
    rows = re.findall(r'<tr data-score="([0-9.]+)"', res.text)
    assert sorted(rows) == ["0.920", "0.970"] or len(rows) == 2
    assert "not translated" in text


def test_pair_filter_keeps_pairs_at_or_over_the_score(web: TestClient) -> None:
    scores = [p["score"] for p in web.get("/documents/2/alignments").json()["pairs"]]
    cut = (min(scores) + max(scores)) / 2
    part = web.get(f"/ui/documents/2/pairs?min_score={cut}", headers=HX)
    shown = [float(s) for s in re.findall(r'<tr data-score="([0-9.]+)"', part.text)]
    assert shown == [s for s in [round(x, 3) for x in scores] if s >= cut]
    assert len(shown) == 1
    none = web.get("/ui/documents/2/pairs?min_score=1.0", headers=HX)
    assert "No pair scores 1.0 or more" in none.text
    assert web.get("/ui/documents/2/pairs?min_score=2").status_code == 422


def test_translating_a_document_fills_the_english_column(web: TestClient) -> None:
    res = web.post("/ui/documents/1/translations", data={"glossary": NAME}, headers=HX)
    assert res.status_code == 200
    assert "not translated" not in res.text
    assert "Hanoi Convention" in res.text  # the glossary's English, kept by the copy model


def test_cross_page_pairs_with_the_stored_original(web: TestClient) -> None:
    vi_id = _store(web, PAGES / "vi_004_original.txt")
    html = web.get("/ui/documents/2").text
    assert "Pairs with the Vietnamese original" in html
    assert re.search(
        rf'<optgroup label="Likely the Vietnamese original"><option value="{vi_id}"', html
    )
    cross = web.get(f"/ui/documents/2/cross?other={vi_id}", headers=HX)
    assert cross.status_code == 200
    assert re.search(r"\d+ pairs between", _text(cross.text))
    assert "Tổng Thư ký Liên Hợp Quốc" in cross.text
    same = web.get("/ui/documents/2/cross?other=1", headers=HX)
    assert same.status_code == 422
    assert "a Vietnamese page and a French page" in same.text


def test_missing_document_is_a_page_for_people(web: TestClient) -> None:
    res = web.get("/ui/documents/999")
    assert res.status_code == 404
    assert "This item does not exist" in res.text
    assert "<nav" in res.text  # the whole layout, with its navigation


# --- glossary ----------------------------------------------------------------------------------


def test_glossary_page_lists_and_searches_concepts(web: TestClient) -> None:
    html = web.get(f"/ui/glossaries/{NAME}").text
    assert "52 concepts" in _text(html)
    assert "Premier Minister" in html
    assert 'class="badge forbidden"' in html
    part = web.get(f"/ui/glossaries/{NAME}?q=ministre", headers={**HX, "HX-Target": "concepts"})
    assert "<h1>" not in part.text
    found = re.findall(r'<tr id="c-([^"]+)"', part.text)
    assert "pm" in found
    assert "un" not in found
    assert "No concept matches “zzz”" in web.get(f"/ui/glossaries/{NAME}?q=zzz").text
    assert web.get("/ui/glossaries/nope").status_code == 404


def test_propose_an_edit_keeps_the_concepts_other_terms(web: TestClient) -> None:
    res = web.post(
        f"/ui/glossaries/{NAME}/proposals",
        data={
            "base": "1",
            "concept": "pm",
            "term_en": "Prime minister",
            "note": "lower case",
            "author": "ana",
        },
        headers=HX,
    )
    assert res.status_code == 200
    assert "Proposal 1 is waiting for review" in res.text
    proposal = web.get(f"/glossaries/{NAME}/proposals/1").json()
    assert proposal["author"] == "ana"
    assert proposal["note"] == "lower case"
    changed = proposal["diff"]["changed"]
    assert [c["id"] for c in changed] == ["pm"]
    terms = [t for t in changed[0]["terms"] if t["lang"] == "en"]
    texts = {(t["before"] or {}).get("text") for t in terms} | {
        (t["after"] or {}).get("text") for t in terms
    }
    assert {"Prime Minister", "Prime minister"} <= texts
    pm = next(c for c in web.get(f"/glossaries/{NAME}/proposals/1").json()["diff"]["changed"])
    assert all(t["lang"] == "en" for t in pm["terms"])  # French, Vietnamese, forbidden: kept
    assert web.get(f"/glossaries/{NAME}").json()["version"] == 1  # nothing live yet
    removal = web.post(f"/ui/glossaries/{NAME}/proposals", data={"base": "1", "remove": "un"})
    assert "Proposal 2 is waiting" in removal.text


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"concept": "", "term_en": "X"}, "give the concept's id"),
        ({"concept": "new-one"}, "give at least one term"),
        ({"remove": "no-such"}, "cannot remove unknown concepts"),
        ({"concept": "x", "term_en": "Prime Minister"}, "belongs to both"),
    ],
)
def test_propose_errors_name_the_problem(web: TestClient, form: dict[str, str], says: str) -> None:
    res = web.post(f"/ui/glossaries/{NAME}/proposals", data={"base": "1", **form}, headers=HX)
    assert res.status_code == 422
    assert "Not proposed" in res.text
    assert says in unescape(res.text)
    assert web.get(f"/glossaries/{NAME}/proposals").json() == []


def test_propose_from_a_stale_page_asks_to_reload(web: TestClient) -> None:
    pid = _propose(web, MEKONG_EDIT)
    assert (
        web.post(
            f"/glossaries/{NAME}/proposals/{pid}/approve", headers={"If-Match": '"v1"'}
        ).status_code
        == 200
    )
    res = web.post(
        f"/ui/glossaries/{NAME}/proposals", data={"base": "1", "concept": "x", "term_en": "X"}
    )
    assert res.status_code == 412
    assert "has changed since this page was loaded" in res.text


def test_upload_a_glossary_file(web: TestClient) -> None:
    csv = "fr,vi,en\nMékong,Mê Kông,Mekong\n"
    res = web.post(
        f"/ui/glossaries/{NAME}/upload",
        data={"base": "1", "note": "tiny"},
        files={"file": ("terms.csv", csv.encode(), "text/csv")},
        headers=HX,
    )
    assert "Proposal 1 is waiting for review" in res.text
    bad = web.post(
        f"/ui/glossaries/{NAME}/upload",
        data={"base": "1"},
        files={"file": ("terms.csv", b"fr,en\nA,B\nA,C\n", "text/csv")},
    )
    assert bad.status_code == 422
    assert "“terms.csv” was not imported" in bad.text
    odd = web.post(
        f"/ui/glossaries/{NAME}/upload", files={"file": ("terms.xlsx", b"x", "application/x")}
    )
    assert odd.status_code == 415
    assert "not a .csv, .tsv or .tbx file" in odd.text


def test_history_and_rollback(web: TestClient) -> None:
    pid = _propose(web, MEKONG_EDIT, note="add the Mekong")
    web.post(f"/glossaries/{NAME}/proposals/{pid}/approve", headers={"If-Match": '"v1"'})
    html = web.get(f"/ui/glossaries/{NAME}").text
    history = _text(html[html.index('class="history"') :])
    assert "add the Mekong terminologist" in history
    assert "Go back to version 1" in html
    assert "Go back to version 2" not in html
    res = web.post(f"/ui/glossaries/{NAME}/rollback", data={"to": "1", "base": "2"}, headers=HX)
    assert "Version 3 now holds the content of version 1." in res.text
    assert 'id="current-version" hx-swap-oob="true">3<' in res.text
    assert web.get(f"/glossaries/{NAME}").json()["version"] == 3
    stale = web.post(f"/ui/glossaries/{NAME}/rollback", data={"to": "1", "base": "2"})
    assert stale.status_code == 412
    assert "Reload the page" in stale.text
    assert web.post(f"/ui/glossaries/{NAME}/rollback", data={"to": ""}).status_code == 422


# --- review ------------------------------------------------------------------------------------


def test_review_shows_counts_diff_and_the_decision_first(web: TestClient) -> None:
    pid = _propose(web, MEKONG_EDIT, note="add the Mekong")
    html = web.get("/ui/review").text
    text = _text(html)
    assert "1 waiting for review" in text
    assert "0 made from an older version" in text
    box = html[html.index(f'id="p-{pid}"') :]
    assert box.index("Approve") < box.index('class="diff"')  # reachable without scrolling
    assert "Mékong (fr, preferred)" in box


def test_review_nothing_to_review(web: TestClient) -> None:
    assert "Nothing to review." in web.get("/ui/review").text


def test_approve_and_reject_with_a_reason(web: TestClient) -> None:
    first = _propose(web, MEKONG_EDIT)
    second = _propose(web, {"remove": ["un"]}, note="drop the UN")
    ok = web.post(f"/ui/review/{NAME}/{first}/approve", data={"base": "1"}, headers=HX)
    assert "Approved: version 2 is now in use." in ok.text
    assert 'id="version-vn-government-news" hx-swap-oob="true">2<' in ok.text
    again = web.post(f"/ui/review/{NAME}/{first}/approve", data={"base": "1"})
    assert again.status_code == 409
    assert "already been decided" in again.text
    # approving the first closed the second as superseded (issue 13): it leaves the page
    superseded = web.post(f"/ui/review/{NAME}/{second}/approve", data={"base": "1"})
    assert superseded.status_code == 409
    assert "already been decided (superseded)" in superseded.text
    html = web.get("/ui/review").text
    assert "0 made from an older version" in _text(html)
    second = _propose(web, {"remove": ["un"]}, base=2, note="drop the UN")
    no_reason = web.post(f"/ui/review/{NAME}/{second}/reject", data={"reason": " "})
    assert no_reason.status_code == 422
    assert "Say why you reject it" in no_reason.text
    rejected = web.post(f"/ui/review/{NAME}/{second}/reject", data={"reason": "keep the UN"})
    assert "Rejected: keep the UN" in rejected.text
    assert web.get(f"/glossaries/{NAME}/proposals/{second}").json()["status"] == "rejected"
    missing = web.post(f"/ui/review/{NAME}/99/reject", data={"reason": "x"})
    assert missing.status_code == 404


def test_large_diff_comes_a_page_at_a_time(web: TestClient) -> None:
    concepts = web.get(f"/glossaries/{NAME}").json()["concepts"]
    pid = _propose(web, {"remove": [c["id"] for c in concepts[:40]]}, note="big")
    html = web.get("/ui/review").text
    assert html.count('<tr class="removed">') == 15
    assert "Show the next changes (15 of 40 shown)" in html
    more = web.get(f"/ui/review/{NAME}/{pid}/diff?start=30", headers=HX)
    assert more.text.count('<tr class="removed">') == 10
    assert "Show the next" not in more.text


def test_impact_marks_the_changed_words(web: TestClient) -> None:
    edit = {
        "upsert": [
            {
                "id": "hanoi-convention",
                "terms": [
                    {"text": "Convention de Hanoï", "lang": "fr"},
                    {"text": "Công ước Hà Nội", "lang": "vi"},
                    {"text": "Convention of Hanoi", "lang": "en"},
                ],
            }
        ]
    }
    pid = _propose(web, edit)
    res = web.get(f"/ui/review/{NAME}/{pid}/impact", headers=HX)
    assert res.status_code == 200
    assert re.search(r"[1-9]\d* of \d+ stored segments", _text(res.text))
    marked = re.findall(r"<(del|ins)>([^<]*)</(?:del|ins)>", res.text)
    assert ("del", " Convention") in marked
    assert ("ins", "Convention of ") in marked
    assert not [m for m in marked if "Hanoi" in m[1]]  # the word both keep is not marked
    assert "Convention of Hanoi" in _text(res.text)


def test_review_needs_a_key_when_keys_are_on(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = make_key(data, "reviewer", env={"TRIGLOT_API_KEYS": "true"})
    with TestClient(create_app(Settings(data_dir=data, api_keys=True))) as client:
        res = client.post(
            f"/glossaries/{NAME}/proposals",
            json={"edits": MEKONG_EDIT},
            headers={"If-Match": '"v1"', "X-API-Key": key},
        )
        pid = res.json()["id"]
        shell = client.get("/ui/review")  # as a browser asks for it: no key in the request
        assert shell.status_code == 200
        assert "shows them only to people with a key" in _text(shell.text)
        assert "Mekong" not in shell.text
        assert f"p-{pid}" not in shell.text
        assert 'data-src="/ui/review/list"' in shell.text  # the page's script loads it
        for path in ("/ui/review/list", f"/ui/review/{NAME}/{pid}/diff"):
            no_key = client.get(path, headers=HX)
            assert no_key.status_code == 401, path
            assert no_key.json()["code"] == "key_required"
            assert client.get(path, headers={**HX, "X-API-Key": "tgk_x"}).status_code == 403
        listed = client.get("/ui/review/list", headers={**HX, "X-API-Key": key})
        assert f'id="p-{pid}"' in listed.text
        assert "Mekong" in listed.text
        assert _text(listed.text).strip().startswith("1 waiting for review")
        with_key = client.get("/ui/review", headers={"X-API-Key": key})  # e.g. a script
        assert f'id="p-{pid}"' in with_key.text
        assert "only to people with a key" not in with_key.text
        refused = client.post(f"/ui/review/{NAME}/{pid}/approve", data={"base": "1"}, headers=HX)
        assert refused.status_code == 401
        assert refused.json()["code"] == "key_required"
        ok = client.post(
            f"/ui/review/{NAME}/{pid}/approve", data={"base": "1"}, headers={"X-API-Key": key}
        )
        assert "Approved: version 2" in ok.text


# --- text helpers ------------------------------------------------------------------------------


def test_highlight_marks_whole_terms_longest_first() -> None:
    pieces = highlight(
        "The Prime Minister met the Deputy Prime Minister in Hanoi.",
        {"Prime Minister": "pm", "Deputy Prime Minister": "deputy-pm", "Hanoi": "hanoi"},
    )
    assert [p for p in pieces if p.mark] == [
        Piece("Prime Minister", "pm"),
        Piece("Deputy Prime Minister", "deputy-pm"),
        Piece("Hanoi", "hanoi"),
    ]
    assert "".join(p.text for p in pieces).startswith("The Prime Minister met the Deputy")
    assert highlight("UNESCO", {"UN": "un"}) == [Piece("UNESCO")]  # whole words only


def test_word_diff_marks_only_what_changes() -> None:
    before, after = word_diff(
        "the UN Secretary-General spoke", "the Secretary-General of the UN spoke"
    )
    assert "".join(p.text for p in before) == "the UN Secretary-General spoke"
    assert "".join(p.text for p in after) == "the Secretary-General of the UN spoke"
    assert [p.text.strip() for p in before if p.mark == "del"] == ["UN"]
    assert [p.text.strip() for p in after if p.mark == "ins"] == ["of the UN"]
    same, same2 = word_diff("no change", "no change")
    assert same == same2 == [Piece("no change")]
