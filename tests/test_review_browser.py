"""The glossary review page in a real headless browser (Debian's chromium via Selenium):
on a service that requires API keys for changes, a person is refused without a key, enters
theirs, approves a proposal and sees the new version become current."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MEKONG_EDIT, live_server, make_key

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
NAME = "vn-government-news"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with live_server(tmp_path / "data", env={"TRIGLOT_API_KEYS": "true"}) as (base, log):
        assert "no key is active: every change will be refused" in log.read_text()
        yield base


def _json(
    url: str, *, data: dict[str, object] | None = None, headers: dict[str, str] | None = None
) -> dict[str, object]:
    body = json.dumps(data).encode() if data is not None else None
    req = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(req, timeout=10) as res:
        out: dict[str, object] = json.load(res)
        return out


@pytest.mark.slow
def test_a_reviewer_approves_a_proposal_in_the_browser(server: str, tmp_path: Path) -> None:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail(
            "Debian's chromium and chromium-driver are needed: `make setup` installs "
            "them (apt-get install chromium chromium-driver)"
        )
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.common.keys import Keys  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    proposer, reviewer = make_key(tmp_path / "data", "proposer"), make_key(tmp_path / "data", "rev")
    proposal = _json(
        f"{server}/glossaries/{NAME}/proposals",
        data={"edits": MEKONG_EDIT, "note": "add the Mekong", "author": "terminologist"},
        headers={"If-Match": '"v1"', "Authorization": f"Bearer {proposer}"},
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chrome'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        driver.get(f"{server}/review")
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
        # with keys on, proposals are read with a key too: the page says so, then shows them
        assert "needs an API key" in driver.find_element(By.CSS_SELECTOR, ".needs-key").text
        driver.find_element(By.ID, "api-key").send_keys(proposer + Keys.TAB)
        box = wait.until(
            lambda d: d.find_element(By.CSS_SELECTOR, f".proposal[data-id='{proposal['id']}']")
        )
        assert "add the Mekong" in box.text
        assert "Mê Kông" in box.find_element(By.CSS_SELECTOR, "table.diff").text
        version = driver.find_element(By.ID, f"version-{NAME}")
        assert version.text == "1"
        status = box.find_element(By.CSS_SELECTOR, ".status")
        driver.find_element(By.ID, "api-key").clear()  # no key
        box.find_element(By.CSS_SELECTOR, "button.approve").click()
        wait.until(lambda d: "not approved" in status.text)
        assert "needs an API key" in status.text
        assert version.text == "1"
        driver.find_element(By.ID, "api-key").send_keys(reviewer)
        box.find_element(By.CSS_SELECTOR, "button.approve").click()
        wait.until(lambda d: status.text.startswith("approved"))
        assert box.find_element(By.CSS_SELECTOR, ".status").text == "approved: version 2 is current"
        assert version.text == "2"
        driver.save_screenshot(str(tmp_path / "review.png"))
    finally:
        driver.quit()
    current = _json(f"{server}/glossaries/{NAME}")
    assert current["version"] == 2
    assert "mekong" in {c["id"] for c in current["concepts"]}  # type: ignore[union-attr,index]
