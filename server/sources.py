"""Rules in and out of files: CSV as a spreadsheet saves it, and JSON.

Reading never stops at the first bad row: it returns the valid rules and, for every invalid
row, its line number and a reason in Vietnamese (and English). CSV may be UTF-8 with or
without a BOM, with ``\\n`` or ``\\r\\n``; other encodings are refused. Unknown columns are
ignored (spreadsheets add them), but ``pattern`` is required.

Writing is canonical — the column order of ``sources/``, sorted by pattern, ``\\n`` line ends
— so that export → import → export gives identical bytes. Cells that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) are written with a leading
``'`` and that one ``'`` is removed again on import (a value that itself starts with ``'``
gets a second one, so round trips are exact).
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


@dataclass(frozen=True, slots=True)
class RowError:
    """An invalid row: its line in the file, a stable code, and why."""

    line: int
    code: str
    message: str
    message_en: str


@dataclass
class ParseResult:
    """Valid rules and invalid rows of one file."""

    rules: list[Rule] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _file_error(code: str, vi: str, en: str) -> ParseResult:
    return ParseResult(errors=[RowError(0, code, vi, en)])


def _neutralise(value: str) -> str:
    return "'" + value if value.startswith((*FORMULA_START, "'")) else value


def _to_rule(item: dict[str, Any], list_: str | None, line: int, force: bool,
             result: ParseResult, seen: dict[str, dict[str, int]]) -> None:
    values = {k: str(v if v is not None else "").strip() for k, v in item.items() if k}
    try:
        rule = make_rule(list_ or values.get("list", ""), values.get("pattern", ""), force=force,
                         **{k: v for k, v in values.items() if k in _OPTIONAL})
    except InvalidRule as exc:
        result.errors.append(RowError(line, exc.code, exc.message, exc.message_en))
        return
    taken = seen[rule.list]
    if rule.pattern in taken:
        result.errors.append(_duplicate(line, taken[rule.pattern]))
        return
    taken[rule.pattern] = line
    result.rules.append(rule)


_OPTIONAL = frozenset(COLUMNS[1:])


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def read_rules(data: bytes | BinaryIO, *, list_: str | None = None, fmt: str = "csv",
               force: bool = False, max_bytes: int | None = MAX_BYTES) -> ParseResult:
    """Parse a CSV or JSON file (bytes, or a binary file) into rules.

    ``list_`` overrides a ``list`` column; ``max_bytes`` caps uploads (None: no cap, for the
    command line). A CSV file is decoded as it is read, never held twice in memory.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    if max_bytes is not None and _size(stream) > max_bytes:
        limit = f"{max_bytes / 1024 / 1024:g} MB"
        return _file_error("file_too_large", f"Tệp quá lớn (tối đa {limit}).",
                           f"The file is too large (at most {limit}).")
    if fmt == "json":
        text = _decode(stream.read())
        return _bad_encoding() if text is None else _read_json(text, list_, force)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        return _read_csv(reader, list_, force)
    except UnicodeDecodeError:
        return _bad_encoding()
    except csv.Error as exc:
        return ParseResult(errors=[RowError(
            reader.line_num, "invalid_csv", f"Tệp CSV hỏng ở dòng {reader.line_num} ({exc}).",
            f"The CSV is malformed at line {reader.line_num} ({exc}).")])
    finally:
        text.detach()  # the caller's file stays open


def _size(stream: BinaryIO) -> int:
    """Bytes left in a seekable binary stream."""
    here = stream.tell()
    end = stream.seek(0, io.SEEK_END)
    stream.seek(here)
    return end - here


def _bad_encoding() -> ParseResult:
    return _file_error("bad_encoding", "Tệp không phải UTF-8; hãy lưu lại dạng CSV UTF-8.",
                       "The file is not UTF-8; save it again as CSV UTF-8.")


def _read_csv(reader: Any, list_: str | None, force: bool) -> ParseResult:
    result = ParseResult()
    header = [h.strip().lower() for h in next(reader, [])]
    if "pattern" not in header:
        return _file_error("missing_header", "Thiếu dòng tiêu đề có cột “pattern”.",
                           "The header row with a “pattern” column is missing.")
    width = len(header)
    # Each row is cut or padded to the header's width plus one empty cell, which stands in
    # for the known columns the file lacks (unknown columns are ignored).
    fields = itemgetter(*[header.index(n) if n in header else width for n in ("list", *COLUMNS)])
    shared: dict[str, str] = {}  # one string object per distinct category/scope/list
    seen: dict[str, dict[str, int]] = {lst: {} for lst in LISTS}
    rules, errors = result.rules, result.errors
    line = reader.line_num
    for row in reader:
        first, line = line + 1, reader.line_num
        if len(row) != width:
            row = row[:width] + [""] * (width - len(row))
        row.append("")
        values = fields(row)
        if "'" in "".join(values):
            values = tuple(_clean(v) for v in values)
        lst, pattern, name, category, scope, evidence, note, review_by = values
        if not pattern.strip() and not "".join(row).strip():
            continue  # a blank line, or one of empty cells
        try:
            rule = make_rule(
                list_ or shared.setdefault(lst, lst), pattern, force=force, name=name,
                category=shared.setdefault(category, category),
                scope=shared.setdefault(scope, scope), evidence=evidence, note=note,
                review_by=review_by)
        except InvalidRule as exc:
            errors.append(RowError(first, exc.code, exc.message, exc.message_en))
            continue
        taken = seen[rule.list]
        if rule.pattern in taken:
            errors.append(_duplicate(first, taken[rule.pattern]))
            continue
        taken[rule.pattern] = first
        rules.append(rule)
    return result


def _duplicate(line: int, earlier: int) -> RowError:
    return RowError(line, "duplicate_pattern", f"Trùng mẫu với dòng {earlier}.",
                    f"Same pattern as line {earlier}.")


def _clean(cell: str) -> str:
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
    result = ParseResult()
    seen: dict[str, dict[str, int]] = {lst: {} for lst in LISTS}
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            result.errors.append(RowError(i, "invalid_row", "Mục không phải đối tượng.",
                                          "The item is not an object."))
            continue
        _to_rule(item, list_, i, force, result, seen)
    return result


def write_csv(rules: Iterable[Rule], *, with_list: bool = False) -> bytes:
    """Canonical CSV bytes (sorted by pattern, then list)."""
    out = io.StringIO(newline="")
    cols = ("list", *COLUMNS) if with_list else COLUMNS
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cols)
    for r in sorted(rules, key=lambda r: (r.pattern, r.list)):
        writer.writerow([_neutralise(str(getattr(r, c) or "")) for c in cols])
    return out.getvalue().encode("utf-8")


def write_json(rules: Iterable[Rule]) -> bytes:
    """Canonical JSON bytes: ``{"rules": [...]}`` sorted by pattern, then list."""
    items = [{"list": r.list, **{c: getattr(r, c) for c in COLUMNS}}
             for r in sorted(rules, key=lambda r: (r.pattern, r.list))]
    return orjson.dumps({"rules": items}, option=orjson.OPT_INDENT_2) + b"\n"


def load_default_sources(store: Any, directory: Path) -> dict[str, int]:
    """Load allow.csv, deny.csv (rules) and pending.csv (review queue) into an EMPTY store."""
    if not store.is_empty():
        return {}
    loaded: dict[str, int] = {}
    rules: list[Rule] = []
    for name in ("allow", "deny"):
        parsed = read_rules((directory / f"{name}.csv").read_bytes(), list_=name, force=True)
        if parsed.errors:
            raise ValueError(f"{name}.csv: {parsed.errors[:3]}")
        rules += parsed.rules
        loaded[name] = len(parsed.rules)
    store.import_rules(rules)
    pending_path = directory / "pending.csv"
    if pending_path.exists():
        parsed = read_rules(pending_path.read_bytes(), force=True)
        loaded["pending"] = store.add_pending(parsed.rules, origin="pending.csv")
    return loaded
