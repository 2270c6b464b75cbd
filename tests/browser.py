"""Debian's chromium driven by Selenium for the web pages' browser tests and the screenshot
script, and axe-core (fetched from its npm package by ``make assets``) run in the page."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
AXE = ROOT / ".cache" / "web-test" / "axe.min.js"
HTMX = ROOT / "service" / "web" / "static" / "vendor" / "htmx.min.js"


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        return (
            "Debian's chromium and chromium-driver are needed: `make setup` installs them "
            "(apt-get install chromium chromium-driver)"
        )
    if not (AXE.exists() and HTMX.exists()):
        return "htmx and axe-core are missing: run `make assets` (part of `make setup`)"
    return None


@contextmanager
def chrome(profile: Path, *, width: int = 1280, height: int = 900) -> Iterator[Any]:
    """A headless chromium that reaches nothing but loopback; quit afterwards."""
    from selenium import webdriver  # noqa: PLC0415
    from selenium.webdriver.chrome.service import Service  # noqa: PLC0415

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
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def axe_violations(driver: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2 A/AA and best-practice violations of the open page at ``impacts``,
    one line each (rule, impact, the first offending elements)."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
           .then(r => done(JSON.stringify(r.violations)))
           .catch(e => done(JSON.stringify([{id: "axe-error", impact: "critical",
                                             help: String(e), nodes: []}])));"""
    )
    found = []
    for v in json.loads(result):
        if v.get("impact") in impacts:
            targets = [n["target"] for n in v.get("nodes", [])[:3]]
            found.append(f"{v['id']} ({v['impact']}): {v.get('help', '')} at {targets}")
    return found
