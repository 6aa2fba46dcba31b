"""Chooses the compiled (mypyc) or the pure-Python hot path, before either is imported.

``make compile`` (``tools/build_core.py``) builds ``matching``, ``checker`` and ``answers``
as extension modules next to their sources and writes ``native.sha256``, the digest of the
sources they were built from. Python prefers an extension module to a ``.py`` of the same
name, so here, first thing in :mod:`server.core`, the sources are loaded instead when

* ``KHONGVOI_PURE_PYTHON`` is set (to anything but ``0``): the tests run the shared cases
  this way too, so both paths are held to the same behaviour; or
* the stamp is missing or does not match the sources (a build older than an edit: stale
  compiled code must never decide a verdict).

Without a C compiler nothing is built and the sources are what Python imports anyway.
``server.core.matching.IMPLEMENTATION`` says which path runs. Only the standard library is
used here (``tools/build_core.py`` loads this file on its own for :func:`sources_digest`).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: The compiled modules, in import order (checker imports matching, answers checker).
MODULES = ("matching", "checker", "answers")
STAMP = HERE / "native.sha256"


def sources_digest() -> str:
    """One SHA-256 over the compiled modules' sources, in order."""
    h = hashlib.sha256()
    for name in MODULES:
        h.update((HERE / f"{name}.py").read_bytes())
    return h.hexdigest()


def pure_requested() -> bool:
    """True when ``KHONGVOI_PURE_PYTHON`` asks for the pure-Python path."""
    return os.environ.get("KHONGVOI_PURE_PYTHON", "") not in ("", "0")


def build_is_current() -> bool:
    """True when a build stamp exists and matches the sources."""
    try:
        return STAMP.read_text(encoding="ascii").strip() == sources_digest()
    except OSError:
        return False


def _load_sources(package: str) -> None:
    for name in MODULES:
        full = f"{package}.{name}"
        spec = importlib.util.spec_from_file_location(full, HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)
        setattr(sys.modules[package], name, module)


#: Whether the compiled modules may be imported (they are, when they were built).
USE_COMPILED = not pure_requested() and build_is_current()
if not USE_COMPILED and __package__ and f"{__package__}.matching" not in sys.modules:
    _load_sources(__package__)
