"""The glossary review page in a real headless browser (Debian's chromium via Selenium): on
a service that requires API keys, a reviewer without a key is told, in words, that proposals
are shown only with one; enters it and the list loads; with the key forgotten, an approval is
refused in words and the key panel opens; with the key again, approves a proposal and sees
the new version become current; the proposal made from the old version is then closed as
superseded."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import chrome, missing
from tests.conftest import MEKONG_EDIT, live_server, make_key

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
    problem = missing()
    if problem:
        pytest.fail(problem)
    from selenium.webdriver.common.by import By  # noqa: PLC0415
    from selenium.webdriver.support.expected_conditions import staleness_of  # noqa: PLC0415
    from selenium.webdriver.support.ui import WebDriverWait  # noqa: PLC0415

    proposer, reviewer = make_key(tmp_path / "data", "proposer"), make_key(tmp_path / "data", "rev")
    auth = {"If-Match": '"v1"', "Authorization": f"Bearer {proposer}"}
    first = _json(
        f"{server}/glossaries/{NAME}/proposals",
        data={"edits": MEKONG_EDIT, "note": "add the Mekong", "author": "terminologist"},
        headers=auth,
    )
    second = _json(
        f"{server}/glossaries/{NAME}/proposals",
        data={"edits": {"remove": ["un"]}, "note": "drop the UN"},
        headers=auth,
    )
    with chrome(tmp_path / "chrome") as driver:
        driver.get(f"{server}/review")
        wait = WebDriverWait(driver, 30)
        assert driver.current_url.endswith("/ui/review")
        locked = driver.find_element(By.ID, "review-locked")  # proposals are read with a key
        assert "only to people with a key" in locked.text
        assert not driver.find_elements(By.ID, "n-open")
        assert "add the Mekong" not in driver.page_source
        key_box = driver.find_element(By.CSS_SELECTOR, "#key-box summary")
        key_box.click()
        key_input = driver.find_element(By.ID, "api-key")
        key_input.send_keys(reviewer)
        driver.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()
        wait.until(lambda d: d.find_elements(By.ID, "n-open"))  # loaded with the key
        assert driver.find_element(By.ID, "n-open").text == "2"  # waiting for review
        box = driver.find_element(By.ID, f"p-{first['id']}")
        assert "add the Mekong" in box.text
        assert "Mê Kông" in box.find_element(By.CSS_SELECTOR, "table.diff").text
        version = driver.find_element(By.ID, f"version-{NAME}")
        assert version.text == "1"
        driver.find_element(By.ID, "key-forget").click()
        key_box.click()  # closed again
        status = driver.find_element(By.ID, f"status-{first['id']}")
        box.find_element(By.CSS_SELECTOR, "button.approve").click()  # the key was forgotten
        wait.until(lambda d: "need a key" in status.text)
        assert "Authorization" not in status.text  # words for people, not for developers
        assert version.text == "1"
        assert key_input.is_displayed()  # the key panel opened by itself
        key_input.send_keys(reviewer)
        driver.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()
        wait.until(staleness_of(box))  # the list reloaded with the key
        box = driver.find_element(By.ID, f"p-{first['id']}")
        status = driver.find_element(By.ID, f"status-{first['id']}")
        box.find_element(By.CSS_SELECTOR, "button.approve").click()
        wait.until(lambda d: "Approved" in status.text)
        assert status.text == "Approved: version 2 is now in use."
        assert driver.find_element(By.ID, f"version-{NAME}").text == "2"  # swapped in

        driver.refresh()  # the other proposal was made from version 1: closed as superseded
        wait.until(lambda d: d.find_elements(By.ID, "n-open"))  # the tab keeps the key
        assert not driver.find_elements(By.ID, f"p-{second['id']}")
        assert driver.find_element(By.ID, "n-open").text == "0"
    current = _json(f"{server}/glossaries/{NAME}")
    assert current["version"] == 2
    assert "mekong" in {c["id"] for c in current["concepts"]}  # type: ignore[union-attr,index]
    closed = _json(
        f"{server}/glossaries/{NAME}/proposals/{second['id']}",
        headers={"Authorization": f"Bearer {reviewer}"},  # proposals are read with a key
    )
    assert closed["status"] == "superseded"
    assert "propose again from version 2" in str(closed["reason"])
