"""The README's layout map names every module under ``server/`` and nothing that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "server"


def _layout() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def _modules() -> dict[str, str]:
    """Each module's stem → its path (packages' ``__init__`` and migrations left out)."""
    found = {}
    for path in SERVER.rglob("*.py"):
        rel = path.relative_to(SERVER)
        if path.name == "__init__.py" or "migrations" in rel.parts:
            continue
        found[str(rel)] = path.stem
    return found


def test_every_server_module_is_on_the_map() -> None:
    words = set(re.findall(r"[A-Za-z_][\w]*", _layout()))
    missing = [rel for rel, stem in _modules().items() if stem not in words]
    assert not missing, f"not on the README's layout map: {missing}"


def test_every_file_the_map_names_exists() -> None:
    layout = _layout()
    named = re.findall(r"^\s*([\w/.]+\.py)\b", layout, re.M) + re.findall(
        r"\(\+ ([\w.]+\.py)\)", layout
    )
    assert "check_service.py" in named
    stems = {stem for stem in _modules().values()} | {"__init__"}
    gone = [n for n in named if Path(n).stem not in stems]
    assert not gone, f"on the map but not in server/: {gone}"
    for directory in re.findall(r"^  (\w+)/", layout, re.M):
        assert (SERVER / directory).is_dir(), directory
    for top in re.findall(r"^(\w+)/", layout, re.M):
        assert (ROOT / top).is_dir(), top
