"""The pure packages stay pure: importing them pulls in no web, engine or database code."""

from __future__ import annotations

import subprocess
import sys

EDGE_MODULES = ("fastapi", "argostranslate", "sqlalchemy", "uvicorn", "ctranslate2", "service")


def test_pure_packages_import_no_edge_modules() -> None:
    code = (
        "import sys, aligner, glossary\n"
        "from aligner import analyze\n"
        "analyze('Titre\\n\\nUn paragraphe en français.\\n')\n"
        f"print(sorted(m for m in {EDGE_MODULES!r} if m in sys.modules))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"
