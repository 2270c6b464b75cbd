"""Screenshots of every web page, from a server running on the seeds.

    .venv/bin/python tools/screenshots.py [--out docs/screenshots]

Starts `triglot serve --seeds seeds` on a free loopback port with a throwaway data folder, the
copy-model fixture packages (tests/fixtures/models: their "English" is the source, copied) and
one Vietnamese original with its French version from corpus/ (for the cross-page pairs); makes
one glossary proposal; then opens each page in Debian's headless chromium (1280 pixels wide)
and saves a PNG of it. Needs `make setup` (chromium, chromedriver, htmx).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aligner import analyze  # noqa: E402
from service.mt.packages import install_file  # noqa: E402
from tests.browser import chrome, missing  # noqa: E402
from tests.conftest import live_server  # noqa: E402

NAME = "vn-government-news"
MAX_HEIGHT = 1600
PROPOSAL = {
    "edits": {
        "upsert": [
            {
                "id": "un-sg",
                "terms": [
                    {"text": "Secrétaire général de l'ONU", "lang": "fr"},
                    {
                        "text": "Secrétaire général des Nations Unies",
                        "lang": "fr",
                        "status": "admitted",
                    },
                    {"text": "Tổng Thư ký Liên Hợp Quốc", "lang": "vi"},
                    {"text": "Secretary-General of the United Nations", "lang": "en"},
                ],
            },
            {
                "id": "mekong",
                "terms": [
                    {"text": "Mékong", "lang": "fr"},
                    {"text": "Mê Kông", "lang": "vi"},
                    {"text": "Mekong", "lang": "en"},
                ],
            },
        ]
    },
    "note": "spell out the UN Secretary-General; add the Mekong",
    "author": "terminologist",
}


def _call(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    req = urllib.request.Request(
        url, data=data, headers=headers or {}, method="POST" if data is not None else "GET"
    )
    with urllib.request.urlopen(req, timeout=120) as res:
        return json.load(res)


def prepare(base: str) -> dict[str, int]:
    """Store the corpus pair, translate the seeds, propose a change; returns ids."""
    ids: dict[str, int] = {}
    folder = ROOT / "corpus" / "vietnamplus"
    # the Vietnamese page does not print its address: give it the one the French page's
    # Source: line names, so that the two are linked when stored (stored alignments)
    source = analyze((folder / "vietnamplus-03.fr.txt").read_text("utf-8")).meta.source_url
    for lang in ("vi", "fr"):
        page = (folder / f"vietnamplus-03.{lang}.txt").read_bytes()
        where = f"&url={urllib.parse.quote(source, safe='')}" if lang == "vi" and source else ""
        doc = _call(
            f"{base}/documents?name=vietnamplus-03.{lang}.txt{where}",
            data=page,
            headers={"Content-Type": "text/plain; charset=utf-8"},
        )
        ids[lang] = doc["id"]
    for doc_id in (1, 2):
        _call(f"{base}/documents/{doc_id}/translations?target=en&glossary={NAME}", data=b"")
    _call(
        f"{base}/glossaries/{NAME}/proposals",
        data=json.dumps(PROPOSAL).encode(),
        headers={"Content-Type": "application/json", "If-Match": '"v1"'},
    )
    return ids


def shoot(driver: Any, path: Path, *, scroll_to: str | None = None) -> None:
    """A PNG of the page from its top (or from element ``scroll_to``), as high as the page
    but at most ``MAX_HEIGHT`` pixels."""
    for _ in range(2):  # the layout may change with the window's height
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        inner = int(driver.execute_script("return window.innerHeight"))
        outer = driver.get_window_size()["height"]
        driver.set_window_size(1280, min(max(height, 700), MAX_HEIGHT) + outer - inner)
    if scroll_to:
        driver.execute_script(f"document.getElementById('{scroll_to}').scrollIntoView()")
    else:
        driver.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.3)
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    print(f"{path} ({min(height, MAX_HEIGHT)} px high)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    problem = missing()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        for pair in ("fr_en", "vi_en", "en_fr"):
            install_file(
                ROOT / "tests" / "fixtures" / "models" / f"{pair}.argosmodel", data / "packages"
            )
        with (
            live_server(data, "--seeds", "seeds") as (base, _log),
            chrome(Path(tmp) / "chrome") as driver,
        ):
            ids = prepare(base)
            wait = WebDriverWait(driver, 60)

            driver.get(f"{base}/")
            shoot(driver, args.out / "home.png")

            driver.get(f"{base}/ui/translate")
            driver.find_element(By.ID, "q").send_keys(
                "Le Premier ministre a reçu mardi 12 ambassadeurs à Hanoï.\n"
                "Thủ tướng Phạm Minh Chính đã tiếp 12 đại sứ tại Hà Nội."
            )
            driver.find_element(By.CSS_SELECTOR, "#translate-form button[type=submit]").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#result table.report"))
            shoot(driver, args.out / "translate.png")

            driver.get(f"{base}/ui/documents")
            shoot(driver, args.out / "documents.png")

            driver.get(f"{base}/ui/documents/1")
            shoot(driver, args.out / "document.png")

            driver.get(f"{base}/ui/documents/{ids['fr']}")
            driver.find_element(By.CSS_SELECTOR, "#h-cross ~ form button").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#cross table, #cross p"))
            shoot(driver, args.out / "document-cross-page.png", scroll_to="h-cross")

            driver.get(f"{base}/ui/documents/{ids['fr']}")  # linked on write: stored pairs
            shoot(driver, args.out / "document-stored-alignments.png", scroll_to="h-stored")

            driver.get(f"{base}/ui/glossaries/{NAME}?q=ministre")
            shoot(driver, args.out / "glossary.png")

            driver.get(f"{base}/ui/review")
            driver.find_element(By.CSS_SELECTOR, "button.show-impact").click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".impact p"))
            shoot(driver, args.out / "review.png")

            driver.get(f"{base}/docs")
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock"))
            shoot(driver, args.out / "api-docs.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
