"""HTML pages and URLs in: extraction checked against the corpus gold, fetching on loopback
with its limits, and every bad input a clear error with nothing stored."""

from __future__ import annotations

import json
import socket
import threading
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aligner import analyze
from aligner.pairs import residue_pairs
from service.align.html import extract
from service.api.app import create_app
from service.errors import BadInputError, FetchError, FetchRefusedError, NotTextError, TooLargeError
from service.fetch.web import Fetcher, FetchLimits
from service.settings import Settings
from tests.html_pages import CORPUS, corpus_pages, page_html, style_for

MAX = 10_000_000


def _gold_accuracy(page: Any, gold: dict[str, Any]) -> tuple[int, int]:
    """Gold segments whose text lies in an analysed segment of the same kind and language."""
    right = 0
    for seg in gold["segments"]:
        found = [s for s in page.segments if seg["text"] in s.text or s.text in seg["text"]]
        right += any(s.kind == seg["kind"] and s.lang == seg["lang"] for s in found)
    return right, len(gold["segments"])


def test_html_gives_the_analysis_the_text_gives() -> None:
    """Every corpus page as HTML (three markup styles): kinds and languages within 0.04 of
    the text version's accuracy against the gold, and 95% of its pairs found again."""
    text_right = html_right = total = 0
    text_pairs: set[tuple[str, str, str]] = set()
    html_pairs: set[tuple[str, str, str]] = set()
    for path, gold in corpus_pages():
        text = path.read_text(encoding="utf-8")
        extracted = extract(page_html(text, gold, style=style_for(path)).encode(), max_bytes=MAX)
        from_text, from_html = analyze(text), analyze(extracted.text)
        a, n = _gold_accuracy(from_text, gold)
        b, _ = _gold_accuracy(from_html, gold)
        text_right, html_right, total = text_right + a, html_right + b, total + n
        text_pairs |= {(path.name, p.vi.text, p.fr.text) for p in residue_pairs(from_text)}
        html_pairs |= {(path.name, p.vi.text, p.fr.text) for p in residue_pairs(from_html)}
    assert total > 1000
    assert html_right / total >= text_right / total - 0.04
    assert len(text_pairs & html_pairs) >= 0.95 * len(text_pairs)


PAGE = b"""<!DOCTYPE html><html lang="fr-FR"><head><meta charset="utf-8">
<title>Visite</title><link rel="canonical" href="https://fr.example.vn/visite-post7.html">
<meta property="og:title" content="Le Premier ministre visite Hue">
<meta property="article:published_time" content="2025-11-04T10:00:00+07:00">
<script>var hidden = "script text";</script><style>p{color:red}</style></head>
<body><header>
<div class="logo">B\xc3\xa1o \xc4\x90i\xe1\xbb\x87n t\xe1\xbb\xad
Ch\xc3\xadnh ph\xe1\xbb\xa7</div>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/p">Politique</a></li></ul></nav></header>
<main><h1>Le Premier ministre visite Hue</h1>
<figure><img src="a.jpg"
alt="Th\xe1\xbb\xa7 t\xc6\xb0\xe1\xbb\x9bng th\xc4\x83m Hu\xe1\xba\xbf - \xe1\xba\xa2nh 1.">
<figcaption>Le Premier ministre \xc3\xa0 Hue. Photo : VNA</figcaption></figure>
<p>Il a visit\xc3\xa9 une usine <em>textile</em>.<br>Puis il a rencontr\xc3\xa9 les ouvriers.</p>
<p hidden>cach\xc3\xa9</p><p style="display: none">aussi cach\xc3\xa9</p>
<p>Source: https://baochinhphu.vn/thu-tuong-tham-hue-102251104.htm</p></main></body></html>
"""


def test_extract_lines_alt_text_and_metadata() -> None:
    page = extract(PAGE, max_bytes=MAX)
    lines = page.text.split("\n")
    assert "Thủ tướng thăm Huế - Ảnh 1." in lines  # alt text: a line of its own
    assert lines.index("Thủ tướng thăm Huế - Ảnh 1.") + 1 == lines.index(
        "Le Premier ministre à Hue. Photo : VNA"
    )
    assert "Il a visité une usine textile." in lines  # inline markup joined, <br> breaks
    assert "Puis il a rencontré les ouvriers." in lines
    assert "script" not in page.text
    assert "caché" not in page.text
    assert "color" not in page.text
    assert page.url == "https://fr.example.vn/visite-post7.html"
    assert page.date == "2025-11-04"
    assert page.lang == "fr"
    assert page.og["title"] == "Le Premier ministre visite Hue"
    for line in page.lines:
        assert page.text[line.start : line.end] == line.text
    analysed = analyze(page.text)
    assert analysed.meta.source_url == "https://baochinhphu.vn/thu-tuong-tham-hue-102251104.htm"
    kinds = {s.text: s.kind for s in analysed.segments}
    assert kinds["Thủ tướng thăm Huế - Ảnh 1."] == "caption"


def _windows_1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese sites wrote it: base letters precomposed, tone marks as
    combining characters after them."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in _TONES)
        out.append(
            unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones)) + tones
        )
    return "".join(out).encode("windows-1258")


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def test_legacy_charset_page() -> None:
    """A page in Windows-1258 declared in a meta tag comes out as NFC text."""
    source = PAGE.decode("utf-8").replace('charset="utf-8"', 'charset="windows-1258"')
    page = extract(_windows_1258(source), max_bytes=MAX)
    assert page.charset == "cp1258"
    assert "Thủ tướng thăm Huế - Ảnh 1." in page.text.split("\n")
    assert page.text == unicodedata.normalize("NFC", page.text)


@pytest.mark.parametrize(
    ("data", "error", "words"),
    [
        (b"just some text, no markup", BadInputError, "not an HTML document"),
        (b"<html><body>\x00\x01</body></html>", NotTextError, "NUL"),
        (b"<html><body><p> </p></body></html>", BadInputError, "no text"),
        (b"<html>" + b"x" * 200, TooLargeError, "over the page size limit"),
    ],
)
def test_bad_html(data: bytes, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        extract(data, max_bytes=100 if error is TooLargeError else MAX)


def test_post_html_stores_the_page_and_its_markup(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        res = client.post(
            "/documents?name=visite.html",
            content=PAGE,
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        assert res.status_code == 201, res.text
        doc = res.json()
        assert doc["meta"]["source_url"].startswith("https://baochinhphu.vn/")
        assert any(s["kind"] == "caption" and s["lang"] == "vi" for s in doc["segments"])
        stored = client.app.state.services.documents.html(doc["id"])  # type: ignore[attr-defined]
        assert stored is not None
        assert stored.charset == "utf-8"
        assert "<figure>" in stored.html
        bad = client.post("/documents", content=b"%PDF-1.4", headers={"Content-Type": "text/html"})
        assert bad.status_code == 422
        assert "not an HTML document" in bad.json()["error"]
        assert client.get("/documents").json()["total"] == 1


# --- URLs, on a loopback web server -------------------------------------------------------


class _Site:
    """A loopback web server: path -> (status, headers, body); records what it was asked."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.asked: list[tuple[str, str]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.asked.append((self.path, self.headers.get("User-Agent", "")))
                status, headers, body = site.pages.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def html(self, path: str, body: str | bytes, charset: str = "utf-8") -> str:
        data = body.encode(charset) if isinstance(body, str) else body
        self.pages[path] = (200, {"Content-Type": f"text/html; charset={charset}"}, data)
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[_Site]:
    s = _Site()
    yield s
    s.close()


def _pair_on_site(site: _Site) -> tuple[str, str]:
    """A French corpus page and its Vietnamese original on the site; the French page's
    ``Source:`` line points at the original's loopback address (same path as in the corpus)."""
    fr_path = CORPUS / "vietnamplus" / "vietnamplus-03.fr.txt"
    vi_path = fr_path.with_name("vietnamplus-03.vi.txt")
    fr_gold = json.loads(fr_path.with_suffix(".json").read_text(encoding="utf-8"))
    vi_gold = json.loads(vi_path.with_suffix(".json").read_text(encoding="utf-8"))
    real_source = fr_gold["meta"]["source_url"]
    local_source = site.base + "/" + real_source.split("/", 3)[3]
    fr_text = fr_path.read_text(encoding="utf-8").replace(real_source, local_source)
    for seg in fr_gold["segments"]:
        seg["text"] = seg["text"].replace(real_source, local_source)
    vi_text = vi_path.read_text(encoding="utf-8")
    site.html("/" + real_source.split("/", 3)[3], page_html(vi_text, vi_gold, style="figure"))
    fr_url = site.html("/fr/vietnamplus-03.html", page_html(fr_text, fr_gold, style="figure"))
    return fr_url, local_source


def _fetch_settings(tmp_path: Path, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "fetch_allow_loopback": True,
        "fetch_host_interval_s": 0,
        "fetch_timeout_s": 2,
    }
    return Settings(**{**values, **extra})


@pytest.mark.slow
def test_url_follows_the_source_to_the_original(tmp_path: Path, site: _Site) -> None:
    fr_url, vi_url = _pair_on_site(site)
    with TestClient(create_app(_fetch_settings(tmp_path))) as client:
        res = client.post("/documents", json={"url": fr_url})
        assert res.status_code == 201, res.text
        doc = res.json()
        assert doc["meta"]["lang"] == "fr"
        assert doc["meta"]["source_url"] == vi_url
        assert doc["original_id"] is not None
        assert doc["warnings"] == []
        assert any(p["basis"] == "headline" for p in doc["cross_pairs"]), doc["cross_pairs"]
        original = client.get(f"/documents/{doc['original_id']}").json()
        assert original["meta"]["lang"] == "vi"
        tmx = client.get(f"/tmx?documents={doc['id']},{doc['original_id']}")
        assert tmx.status_code == 200
        assert "<tu" in tmx.text
        again = client.post("/documents", json={"url": fr_url})  # stored once, original found
        assert again.status_code == 200
        assert again.json()["original_id"] == doc["original_id"]
    asked = [path for path, _ in site.asked]
    assert asked.count("/fr/vietnamplus-03.html") == 2
    assert "/robots.txt" in asked
    assert all(agent.startswith("Triglot/") for _, agent in site.asked)


@pytest.mark.slow
def test_fetch_limits(tmp_path: Path, site: _Site) -> None:
    limits = FetchLimits(timeout_s=1, max_bytes=10_000, host_interval_s=0, allow_loopback=True)
    fetcher = Fetcher(limits)
    with pytest.raises(FetchRefusedError, match="loopback"):
        Fetcher(FetchLimits()).fetch(site.html("/a.html", "<html><p>a</p></html>"))
    site.pages["/to-private"] = (302, {"Location": "http://169.254.169.254/latest/"}, b"")
    with pytest.raises(FetchRefusedError, match="link-local"):
        fetcher.fetch(site.base + "/to-private")
    site.pages["/huge"] = (200, {"Content-Type": "text/html", "Content-Length": "100000000"}, b"")
    with pytest.raises(TooLargeError, match="100000000 bytes"):
        fetcher.fetch(site.base + "/huge")
    site.pages["/image"] = (200, {"Content-Type": "image/png"}, b"\x89PNG")
    with pytest.raises(FetchError, match="image/png, not an HTML page"):
        fetcher.fetch(site.base + "/image")
    site.pages["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n",
    )
    with pytest.raises(FetchRefusedError, match=r"robots\.txt"):
        Fetcher(limits).fetch(site.html("/private/p.html", "<html><p>p</p></html>"))
    for url in ("ftp://example.org/a", "http://user:pw@example.org/", "http:///nohost"):
        with pytest.raises(FetchRefusedError):
            fetcher.fetch(url)


@pytest.mark.slow
def test_a_server_that_never_answers(tmp_path: Path) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/page.html"
        settings = _fetch_settings(tmp_path, fetch_timeout_s=1, fetch_respect_robots=False)
        with TestClient(create_app(settings)) as client:
            res = client.post("/documents", json={"url": url})
            assert res.status_code == 502
            assert "no answer within 1 s" in res.json()["error"]
            assert client.get("/documents").json()["total"] == 0


@pytest.mark.slow
def test_cli_ingest_url_and_html_files(
    tmp_path: Path, site: _Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from service.cli import app  # noqa: PLC0415

    fr_url, _ = _pair_on_site(site)
    monkeypatch.setenv("TRIGLOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRIGLOT_FETCH_ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("TRIGLOT_FETCH_HOST_INTERVAL_S", "0")
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", "--url", fr_url])
    assert res.exit_code == 0, res.output
    assert "Vietnamese original" in res.stdout
    assert "pair " in res.stdout
    (tmp_path / "visite.html").write_bytes(PAGE)
    res = runner.invoke(app, ["ingest", str(tmp_path / "visite.html")])
    assert res.exit_code == 0, res.output
    assert "stored" in res.stdout
    res = runner.invoke(app, ["ingest", "--url", site.base + "/missing.html"])
    assert res.exit_code == 69
    assert "HTTP 404" in res.output
