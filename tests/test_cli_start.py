"""What ``triglot analyze`` and ``align`` skip to start fast gives what it replaces.

The JSON of an analysis is built without pydantic (:mod:`service.align.shapes_plain`): held
to the pydantic shapes on every page of the corpus and the seeds. The file commands' settings
are read without pydantic-settings where the environment holds plain values for them alone
(:func:`service.cli.base.load_file_settings`): held to :class:`Settings` for defaults, bounds
and a grid of environments, odd and invalid ones included.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import annotated_types
import pytest
import typer

from aligner import analyze
from aligner.pairs import page_pairs, residue_pairs
from service.align.shapes import analysis_out, pair_out
from service.align.shapes_plain import analysis_dict, pair_dict
from service.cli import base
from service.settings import Settings
from tests.page_dump import page_files

# --- JSON without pydantic --------------------------------------------------------------------


def _same(plain: Any, shaped: Any) -> None:
    assert plain == shaped
    # The printed JSON too: keys in the same order, numbers written the same way.
    assert json.dumps(plain, ensure_ascii=False) == json.dumps(shaped, ensure_ascii=False)


def test_analysis_json_as_the_pydantic_shapes_on_every_page() -> None:
    pages = {}
    for path in page_files():
        page = analyze(path.read_text(encoding="utf-8"))
        pages[path] = page
        pairs = tuple(residue_pairs(page))
        _same(analysis_dict(page, pairs), analysis_out(page, pairs).model_dump(mode="json"))
    n_cross = 0
    for vi_path, vi_page in pages.items():
        fr_path = vi_path.with_name(vi_path.name.replace(".vi.txt", ".fr.txt"))
        if not vi_path.name.endswith(".vi.txt") or fr_path not in pages:
            continue
        for p in page_pairs(vi_page, pages[fr_path]):
            n_cross += 1
            files = {"vi_file": str(vi_path), "fr_file": str(fr_path)}
            _same(pair_dict(p, **files), pair_out(p, **files).model_dump(mode="json"))
    assert n_cross > 0  # the corpus has cross-page pairs: the comparison ran


# --- settings without pydantic-settings ---------------------------------------------------------


def test_file_settings_defaults_and_bounds_are_settings_own() -> None:
    fields = Settings.model_fields
    for name, default in base.FILE_SETTING_DEFAULTS.items():
        assert fields[name].default == default, name
    for name, most in base.FILE_SETTING_MAX.items():
        bounds = {type(m): m for m in fields[name].metadata}
        assert bounds[annotated_types.Gt].gt == 0, name
        assert bounds[annotated_types.Le].le == most, name
    assert set(base.FileSettings.__slots__) == set(base.FILE_SETTING_DEFAULTS)


_SIZES = ["", " ", "0", "-5", "1", "12", " 12", "012", "1_000", "1e3", "abc", "2000000"]
_SIZES += ["100000000", "100000001", "2000000000", "2000000001", "99999999999999", "+7"]
_PATHS = ["", " ", "/tmp/triglot-x", "rel/dir", " /tmp/x", "~/x", "None", "null", "."]
_ENVS: list[dict[str, str]] = [{}]
_ENVS += [{"TRIGLOT_MAX_PAGE_BYTES": v} for v in _SIZES]
_ENVS += [{"TRIGLOT_MAX_DOCUMENT_BYTES": v} for v in _SIZES]
_ENVS += [{"TRIGLOT_DATA_DIR": v} for v in _PATHS]
_ENVS += [{"TRIGLOT_CACHE_DIR": v} for v in _PATHS]
_ENVS += [
    {"TRIGLOT_DATA_DIR": "/srv/t", "TRIGLOT_CACHE_DIR": "/var/cache/t"},
    {"TRIGLOT_DATA_DIR": "/srv/t", "TRIGLOT_MAX_PAGE_BYTES": "5", "TRIGLOT_PORT": "8001"},
    {"triglot_max_page_bytes": "7"},
    {"Triglot_Data_Dir": "/srv/x"},
    {"TRIGLOT_PORT": "99999"},
    {"TRIGLOT_TRANSLATE_REQUIRES_KEY": "true"},
    {"TRIGLOT_NO_SUCH_SETTING": "1"},
]
_READ = ("data_dir", "cache_dir", "max_page_bytes", "max_document_bytes")


def _outcome(load: Any) -> tuple[Any, ...]:
    try:
        settings = load()
    except typer.Exit as exc:
        return ("exit", exc.exit_code)
    return (*(getattr(settings, name) for name in _READ), settings.resolved_cache_dir())


@pytest.mark.parametrize("env", _ENVS, ids=[json.dumps(e) for e in _ENVS])
def test_file_settings_as_settings(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in list(os.environ):
        if key.upper().startswith("TRIGLOT_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    expected = _outcome(base.load_settings)
    expected_err = capsys.readouterr().err
    assert _outcome(base.load_file_settings) == expected
    assert capsys.readouterr().err == expected_err  # the same message on exit 78


def test_plain_environment_is_read_without_pydantic_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in list(os.environ):
        if key.upper().startswith("TRIGLOT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("TRIGLOT_DATA_DIR", "/srv/triglot")
    monkeypatch.setenv("TRIGLOT_MAX_PAGE_BYTES", "5000")
    got = base.load_file_settings()
    assert isinstance(got, base.FileSettings)
    assert got.resolved_cache_dir() == Path("/srv/triglot/cache")
    assert got.max_page_bytes == 5000
    monkeypatch.setenv("TRIGLOT_PORT", "8001")
    assert isinstance(base.load_file_settings(), Settings)
