"""Rules in and out of files: CSV as a spreadsheet saves it, and JSON.

Reading never stops at the first bad row: it returns the valid rules and, for every invalid
row, its line number (the record's first line; 0 for the file as a whole) and a reason in
Vietnamese and English. CSV may be UTF-8 with or without a BOM, with ``\\n`` or ``\\r\\n``;
other encodings are refused. A header row naming a ``pattern`` column is required; the other
known columns (``list``, ``name``, ``category``, ``scope``, ``evidence``, ``note``,
``review_by``) may be absent or in any order, and unknown columns are ignored (spreadsheets
add them). A pattern twice on the same list is an error on its second line. JSON is a list
of objects with the same keys, or ``{"rules": [...]}``.

Writing is canonical — the column order of ``sources/``, sorted by pattern, ``\\n`` line ends
— so that export → import → export gives identical bytes. Cells that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) are written with a leading
``'`` and that one ``'`` is removed again on import (a value that itself starts with ``'``
gets a second one, so round trips are exact). JSON is not neutralised (no spreadsheet opens
it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from .core import LISTS, InvalidRule, Rule, make_rule

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "ParseResult",
    "RowError",
    "load_default_sources",
    "read_rules",
    "write_csv",
    "write_json",
]

COLUMNS = ("pattern", "name", "category", "scope", "evidence", "note", "review_by")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_BYTES = 50 * 1024 * 1024
_OPTIONAL = frozenset(COLUMNS[1:])


@dataclass(frozen=True, slots=True)
class RowError:
    """An invalid row: its line in the file (0: the whole file), a stable code, and why."""

    line: int
    code: str
    message: str
    message_en: str


@dataclass
class ParseResult:
    """Valid rules and invalid rows of one file."""

    rules: list[Rule] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class _Collector:
    """Accepts rules, refusing a pattern already seen on the same list."""

    def __init__(self) -> None:
        self.result = ParseResult()
        self.seen: dict[str, dict[str, int]] = {lst: {} for lst in LISTS}

    def add(self, line: int, rule: Rule) -> None:
        taken = self.seen[rule.list]
        earlier = taken.get(rule.pattern)
        if earlier is not None:
            self.result.errors.append(RowError(
                line, "duplicate_pattern", f"Trùng mẫu với dòng {earlier}.",
                f"Same pattern as line {earlier}."))
            return
        taken[rule.pattern] = line
        self.result.rules.append(rule)

    def refuse(self, line: int, exc: InvalidRule) -> None:
        self.result.errors.append(RowError(line, exc.code, exc.message, exc.message_en))


# -- reading ------------------------------------------------------------------------------
def read_rules(data: bytes | BinaryIO, *, list_: str | None = None, fmt: str = "csv",
               force: bool = False, max_bytes: int | None = MAX_BYTES) -> ParseResult:
    """Parse a CSV or JSON file (bytes, or a seekable binary file) into rules.

    ``list_`` overrides a ``list`` column; ``max_bytes`` caps uploads (None: no cap, for the
    command line). A CSV file is decoded as it is read, never held twice in memory.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    if max_bytes is not None and _size(stream) > max_bytes:
        limit = f"{max_bytes / 1024 / 1024:g} MB"
        return _file_error("file_too_large", f"Tệp quá lớn (tối đa {limit}).",
                           f"The file is too large (at most {limit}).")
    if fmt == "json":
        try:
            text = stream.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return _bad_encoding()
        return _read_json(text, list_, force)
    wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(wrapper)
    try:
        return _read_csv(reader, list_, force)
    except UnicodeDecodeError:
        return _bad_encoding()
    except csv.Error as exc:
        return ParseResult(errors=[RowError(
            reader.line_num, "invalid_csv", f"Tệp CSV hỏng ở dòng {reader.line_num} ({exc}).",
            f"The CSV is malformed at line {reader.line_num} ({exc}).")])
    finally:
        wrapper.detach()  # the caller's file stays open


def _size(stream: BinaryIO) -> int:
    """Bytes left in a seekable binary stream."""
    here = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(here)
    return end - here


def _file_error(code: str, vi: str, en: str) -> ParseResult:
    return ParseResult(errors=[RowError(0, code, vi, en)])


def _bad_encoding() -> ParseResult:
    return _file_error("bad_encoding", "Tệp không phải UTF-8; hãy lưu lại dạng CSV UTF-8.",
                       "The file is not UTF-8; save it again as CSV UTF-8.")


def _read_csv(reader: Any, list_: str | None, force: bool) -> ParseResult:
    header = [h.strip().lower() for h in next(reader, [])]
    if "pattern" not in header:
        return _file_error("missing_header", "Thiếu dòng tiêu đề có cột “pattern”.",
                           "The header row with a “pattern” column is missing.")
    width = len(header)
    # Each row is cut or padded to the header's width plus one empty cell, which stands in
    # for the known columns the file lacks.
    fields = itemgetter(*[header.index(n) if n in header else width for n in ("list", *COLUMNS)])
    shared: dict[str, str] = {}  # one string object per distinct list/category/scope
    out = _Collector()
    line = reader.line_num
    for row in reader:
        first, line = line + 1, reader.line_num
        if len(row) != width:
            row = row[:width] + [""] * (width - len(row))
        row.append("")
        values = fields(row)
        if "'" in "".join(values):
            values = tuple(_unquote(v) for v in values)
        lst, pattern, name, category, scope, evidence, note, review_by = values
        if not pattern.strip() and not "".join(row).strip():
            continue  # a blank line, or a line of empty cells
        try:
            rule = make_rule(
                list_ or shared.setdefault(lst, lst), pattern, force=force, name=name,
                category=shared.setdefault(category, category),
                scope=shared.setdefault(scope, scope), evidence=evidence, note=note,
                review_by=review_by)
        except InvalidRule as exc:
            out.refuse(first, exc)
            continue
        out.add(first, rule)
    return out.result


def _unquote(cell: str) -> str:
    """A cell without the ``'`` that neutralised a formula on export."""
    cell = cell.strip()
    return cell[1:].strip() if cell[:1] == "'" else cell


def _read_json(text: str, list_: str | None, force: bool) -> ParseResult:
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _file_error("invalid_json", "Tệp JSON không đọc được.", "The JSON is malformed.")
    items = doc.get("rules") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        return _file_error("invalid_json", "JSON phải là một danh sách quy tắc.",
                           "The JSON must be a list of rules.")
    out = _Collector()
    for i, item in enumerate(items, start=1):
        plain = isinstance(item, dict) and all(
            v is None or isinstance(v, str | int | float) for v in item.values())
        if not plain:
            out.refuse(i, InvalidRule(
                "invalid_row", "Mục phải là một đối tượng với các giá trị dạng chữ.",
                "Each item must be an object of text values."))
            continue
        values = {k: "" if v is None else str(v) for k, v in item.items()}
        try:
            rule = make_rule(list_ or values.get("list", ""), values.get("pattern", ""),
                             force=force, **{k: v for k, v in values.items() if k in _OPTIONAL})
        except InvalidRule as exc:
            out.refuse(i, exc)
            continue
        out.add(i, rule)
    return out.result


# -- writing ------------------------------------------------------------------------------
def _neutralise(value: str) -> str:
    return "'" + value if value.startswith((*FORMULA_START, "'")) else value


def _canonical_order(rules: Iterable[Rule]) -> list[Rule]:
    return sorted(rules, key=lambda r: (r.pattern, r.list))


def write_csv(rules: Iterable[Rule], *, with_list: bool = False) -> bytes:
    """Canonical CSV bytes (sorted by pattern, then list; a ``list`` column if asked)."""
    out = io.StringIO(newline="")
    cols = ("list", *COLUMNS) if with_list else COLUMNS
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cols)
    for r in _canonical_order(rules):
        writer.writerow([_neutralise(str(getattr(r, c) or "")) for c in cols])
    return out.getvalue().encode("utf-8")


def write_json(rules: Iterable[Rule]) -> bytes:
    """Canonical JSON bytes: ``{"rules": [...]}`` sorted by pattern, then list."""
    items = [{"list": r.list, **{c: getattr(r, c) for c in COLUMNS}}
             for r in _canonical_order(rules)]
    return orjson.dumps({"rules": items}, option=orjson.OPT_INDENT_2) + b"\n"


# -- the default lists ----------------------------------------------------------------------
def load_default_sources(store: Any, directory: Path) -> dict[str, int]:
    """Load allow.csv and deny.csv as rules into an EMPTY store, and pending.csv into the
    review queue unless it was queued before. Returns how many of each were loaded."""
    loaded: dict[str, int] = {}
    if store.is_empty():
        rules: list[Rule] = []
        for name in LISTS:
            rules += _read_default(directory / f"{name}.csv", name)
            loaded[name] = len(rules) - sum(loaded.values())
        store.import_rules(rules)
    pending_path = directory / "pending.csv"
    queued = any(p.origin == "pending.csv" for p in store.list_pending(None))
    if pending_path.exists() and not queued:
        loaded["pending"] = store.add_pending(_read_default(pending_path, None), "pending.csv")
    return loaded


def _read_default(path: Path, list_: str | None) -> list[Rule]:
    parsed = read_rules(path.read_bytes(), list_=list_, force=True, max_bytes=None)
    if parsed.errors:
        raise ValueError(f"{path}: " + "; ".join(
            f"line {e.line}: {e.code}: {e.message_en}" for e in parsed.errors[:5]))
    return parsed.rules
