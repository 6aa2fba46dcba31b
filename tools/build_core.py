"""Compile the checking hot path (``server/core/matching.py``, ``checker.py``, ``answers.py``)
with mypyc.

    .venv/bin/python tools/build_core.py          # what ``make compile`` runs

Needs a C compiler and mypy (``requirements-build.txt``); without them the same modules run
as plain Python. The extension modules are built in place, next to their sources, and
``server/core/native.sha256`` records the sources they were built from: when a source
changes afterwards, :mod:`server.core._native` ignores the stale build and loads the source
(see README "Speed"). Exits non-zero when the build fails (no stamp is written then).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _native() -> ModuleType:
    """``server/core/_native.py`` on its own (importing the package would import the
    modules being built)."""
    spec = importlib.util.spec_from_file_location(
        "_khongvoi_native", ROOT / "server" / "core" / "_native.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    """Build the extensions in place and write the stamp."""
    from mypyc.build import mypycify
    from setuptools import setup

    native = _native()
    sources = [f"server/core/{name}.py" for name in native.MODULES]
    os.chdir(ROOT)
    native.STAMP.unlink(missing_ok=True)
    digest = native.sources_digest()
    ext = mypycify(
        ["--follow-imports=silent", "--ignore-missing-imports", *sources],
        opt_level="3",
        target_dir="build/mypyc",
        group_name="server.core.native",
    )
    setup(
        name="khong-voi-native",
        packages=[],
        py_modules=[],
        ext_modules=ext,
        script_args=["build_ext", "--inplace", "--build-temp", "build/mypyc-temp"],
    )
    native.STAMP.write_text(digest + "\n", encoding="ascii")
    print(f"compiled {', '.join(sources)}", file=sys.stderr)


if __name__ == "__main__":
    main()
