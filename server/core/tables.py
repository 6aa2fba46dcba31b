"""The data tables the core is configured with: wrappers, shorteners, platforms, categories.

They are data, kept as CSV in the repository's ``sources/`` folder, read once per process
when a :class:`~server.core.Checker` is built without explicit tables (this is the core's only
file access, and it happens at construction, never while checking).
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SOURCES_DIR", "Tables", "Wrapper", "default_tables", "load_tables"]

SOURCES_DIR = Path(__file__).resolve().parents[2] / "sources"
WRAPPER_KINDS = ("query", "path", "ampcache")


@dataclass(frozen=True, slots=True)
class Wrapper:
    """A redirect wrapper: on ``host`` (see below) and ``path``, the target sits in ``param``.

    ``host`` is an exact host, ``*.suffix`` (any subdomain of suffix) or ``name.*`` (the label
    ``name`` followed by any public suffix, e.g. every Google country domain). ``path`` is exact,
    or a prefix when it ends with ``*``. ``kind`` is ``query`` (target in the first non-empty
    query parameter among ``param``, ``|``-separated), ``path`` (target is ``param://`` + rest
    of the path) or ``ampcache`` (``/c/s/host/rest`` → ``https://host/rest``).
    """

    host: str
    path: str
    kind: str
    param: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Tables:
    """Wrappers, shortener hosts, platform hosts and category labels."""

    wrappers: tuple[Wrapper, ...]
    shorteners: frozenset[str]
    platforms: frozenset[str]
    categories: dict[str, tuple[str, str]]


def _rows(path: Path) -> Iterable[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def load_tables(directory: Path = SOURCES_DIR) -> Tables:
    """Read the tables from ``directory`` (missing files give empty tables)."""
    wrappers = tuple(
        Wrapper(r["host"].lower(), r["path"], r["kind"], r.get("param", ""), r.get("note", ""))
        for r in _rows(directory / "wrappers.csv")
        if r.get("kind") in WRAPPER_KINDS
    )
    shorteners = frozenset(r["host"].lower() for r in _rows(directory / "shorteners.csv"))
    platforms = frozenset(r["host"].lower() for r in _rows(directory / "platforms.csv"))
    categories = {
        r["category"]: (r.get("label_vi", ""), r.get("label_en", ""))
        for r in _rows(directory / "categories.csv")
    }
    return Tables(wrappers, shorteners, platforms, categories)


@functools.cache
def default_tables() -> Tables:
    """The tables from the repository's ``sources/`` folder, read once."""
    return load_tables()
