"""Shared fixtures: paths to the seeds and gold, test settings, an app client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold" / "seeds.json"


@pytest.fixture(scope="session")
def gold() -> dict[str, Any]:
    if not GOLD.exists():
        pytest.fail(f"gold annotation missing at {GOLD}: ../shared must sit beside the repo")
    data: dict[str, Any] = json.loads(GOLD.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", seeds_dir=SEEDS, max_page_bytes=200_000)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
