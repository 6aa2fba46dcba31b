"""server.core is pure: no Flask, requests, database, cachetools, Redis.

tldextract (the Public Suffix List) imports requests for its own optional downloads, which we
never use (``suffix_list_urls=()``); so the loaded-modules check allows requests and urllib3
only as tldextract's dependencies, and the source check forbids the core to import them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

FORBIDDEN = (
    "flask",
    "werkzeug",
    "requests",
    "sqlalchemy",
    "psycopg",
    "cachetools",
    "redis",
    "alembic",
    "urllib3",
)
CORE = Path(__file__).resolve().parents[2] / "server" / "core"


def test_importing_core_loads_no_framework():
    code = (
        "import sys; import server.core; c = server.core.Checker(allow=['a.vn']); "
        "c.check('https://a.vn/'); print(','.join(sorted(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=CORE.parents[1],
    ).stdout
    loaded = {m.split(".")[0] for m in out.strip().split(",")}
    assert not loaded & (set(FORBIDDEN) - {"requests", "urllib3"}), loaded


def test_no_forbidden_imports_in_source():
    pattern = re.compile(r"^\s*(?:import|from)\s+(" + "|".join(FORBIDDEN) + r")\b", re.M)
    for path in CORE.glob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path.name
