"""The pure packages stay pure: importing them pulls in no web, engine or database code; and
inside service/, imports go from the edge rooms (api, web, cli) down to the others, never back.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


# Rooms of service/, lowest first. A room may import its own modules, the base modules and the
# rooms listed as below it; api, web and cli sit on top, nothing imports them but the CLI
# (which starts the API) and the app factory (which mounts the web pages).
SERVICE = ROOT / "service"
BASE = {"settings", "errors", "textcheck"}
ALLOWED: dict[str, set[str]] = {
    "store": set(),
    "fetch": set(),
    "tm": {"store", "align"},
    "mt": {"store", "tm"},
    "export": {"store"},
    "align": {"store", "fetch"},
    "files": {"mt"},
    "jobs": {"store", "mt", "align", "tm"},
    "bulk": {"store", "mt", "align"},
    "web": {"store", "mt", "export", "align", "tm", "jobs"},
    "api": {"store", "mt", "export", "align", "web", "files", "fetch", "tm", "jobs"},
    "cli": {"store", "mt", "export", "align", "api", "fetch", "tm", "jobs", "bulk"},
}


def _room(module: str) -> str | None:
    """``service.store.db`` -> ``store``; ``service.errors`` -> ``errors``; others None."""
    parts = module.split(".")
    if parts[0] != "service" or len(parts) < 2:
        return None
    return parts[1]


def _service_imports() -> dict[str, set[str]]:
    """Each service module (dotted name) and the service modules it imports, wherever the
    import stands (lazy imports in CLI commands count)."""
    found: dict[str, set[str]] = {}
    for path in sorted(SERVICE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
        found[name] = {m for m in imported if m == "service" or m.startswith("service.")}
    return found


def test_service_rooms_import_downwards_only() -> None:
    wrong = []
    for module, imports in _service_imports().items():
        room = _room(module)
        if room is None:
            continue
        for target in imports:
            other = _room(target)
            if other is None or other == room or other in BASE:
                continue
            if room in BASE:
                wrong.append(f"{module} -> {target} (base modules import no room)")
            elif other not in ALLOWED.get(room, set()):
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_every_service_module_is_in_a_known_room() -> None:
    rooms = {_room(m) for m in _service_imports()} - {None}
    assert rooms <= BASE | set(ALLOWED), rooms - BASE - set(ALLOWED)


def test_no_import_cycle_between_rooms() -> None:
    graph: dict[str, set[str]] = {}
    for module, imports in _service_imports().items():
        room = _room(module)
        if room is None:
            continue
        graph.setdefault(room, set()).update(
            r for t in imports if (r := _room(t)) is not None and r != room
        )
    done: set[str] = set()

    def visit(room: str, path: tuple[str, ...]) -> None:
        assert room not in path, " -> ".join((*path, room))
        if room in done:
            return
        for nxt in sorted(graph.get(room, ())):
            visit(nxt, (*path, room))
        done.add(room)

    for room in sorted(graph):
        visit(room, ())


def test_no_import_cycle_between_service_modules() -> None:
    graph = _service_imports()
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for nxt in sorted(graph.get(module, ())):
            if nxt in graph and nxt != module:
                visit(nxt, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())


def test_lower_rooms_import_no_web_stack() -> None:
    """The lower rooms stay usable without the edge: importing the stores, the engine module
    and the exports pulls in no FastAPI."""
    code = (
        "import sys\n"
        "import service.store.documents, service.mt.argos, service.export.units\n"
        "import service.align.ingest, service.align.alignment\n"
        "print(sorted(m for m in ('fastapi', 'starlette', 'service.api', 'service.web', "
        "'service.cli') if m in sys.modules))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


HEAVY_FOR_FILE_COMMANDS = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "uvicorn",
    "argostranslate",
)


def test_file_commands_import_no_server_stack(tmp_path: Path) -> None:
    """``triglot --help``, ``analyze`` and ``align`` work on files: they load neither the web
    stack, the database nor the translation engine (each costs start-up time)."""
    src = tmp_path / "fr.txt"
    tgt = tmp_path / "vi.txt"
    src.write_text("Le Premier ministre est arrivé.\nIl a visité une usine.\n", encoding="utf-8")
    tgt.write_text("Thủ tướng đã đến.\nÔng đã thăm một nhà máy.\n", encoding="utf-8")
    page = ROOT / "seeds" / "004_606bed8f58cb9dd9.txt"
    for args in (["--help"], ["analyze", str(page), "--json"], ["align", str(src), str(tgt)]):
        code = (
            "import sys\n"
            "from typer.testing import CliRunner\n"
            "from service.cli import app\n"
            f"result = CliRunner().invoke(app, {args!r})\n"
            "assert result.exit_code == 0, result.output\n"
            f"print(sorted(m for m in {HEAVY_FOR_FILE_COMMANDS!r} if m in sys.modules))"
        )
        res = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        assert res.stdout.strip().splitlines()[-1] == "[]", (args, res.stdout[-500:])


def test_file_commands_read_settings_and_write_json_without_pydantic_layers(
    tmp_path: Path,
) -> None:
    """``analyze`` and ``align``, with plain settings in the environment, read them without
    pydantic-settings (``service.settings``) and ``analyze`` prints its JSON without the
    pydantic shapes: together about a fifth of a second of each command's start."""
    src = tmp_path / "fr.txt"
    tgt = tmp_path / "vi.txt"
    src.write_text("Le Premier ministre est arrivé.\nIl a visité une usine.\n", encoding="utf-8")
    tgt.write_text("Thủ tướng đã đến.\nÔng đã thăm một nhà máy.\n", encoding="utf-8")
    page = ROOT / "seeds" / "004_606bed8f58cb9dd9.txt"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TRIGLOT_")}
    env["TRIGLOT_DATA_DIR"] = str(tmp_path)
    skipped = ("pydantic_settings", "service.settings", "service.align.shapes")
    for args in (["analyze", str(page), "--json"], ["align", str(src), str(tgt)]):
        code = (
            "import sys\n"
            "from typer.testing import CliRunner\n"
            "from service.cli import app\n"
            f"result = CliRunner().invoke(app, {args!r})\n"
            "assert result.exit_code == 0, result.output\n"
            f"print(sorted(m for m in {skipped!r} if m in sys.modules))"
        )
        res = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=False,
        )
        assert res.returncode == 0, res.stderr[-800:]
        assert res.stdout.strip().splitlines()[-1] == "[]", (args, res.stdout[-500:])
