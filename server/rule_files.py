"""Rules in and out of files: CSV as a spreadsheet saves it, and JSON.

Reading never stops at the first bad row: it returns the valid rules and, for every invalid
row, its line number (the record's first line; 0 for the file as a whole) and a reason in
Vietnamese and English. CSV may be UTF-8 with or without a BOM, with ``\\n`` or ``\\r\\n``;
other encodings are refused. A header row naming a ``pattern`` column is required; the other
known columns (``list``, ``name``, ``category``, ``scope``, ``evidence``, ``basis``,
``note``, ``review_by``) may be absent or in any order, and unknown columns are ignored
(spreadsheets add them). A pattern twice on the same list is an error on its second line.
JSON is a list of objects with the same keys, or ``{"rules": [...]}``.

Every rule, whether it comes from a file, the admin API or the web admin form, is checked
by :func:`build_rule`: text fields must be text, without control characters and within
their length (:data:`MAX_LENGTHS`); a name and evidence are required; a category must be
one of ``sources/categories.csv`` (or empty: uncategorised, except in the web admin form,
which always offers a choice); then the core's :func:`~server.core.make_rule` checks the
list, pattern and review date.

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
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from .core import LISTS, InvalidRule, Rule, make_rule
from .core.tables import default_tables
from .store.fields import EDITABLE_FIELDS

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_LENGTHS",
    "ParseResult",
    "RowError",
    "build_rule",
    "check_text",
    "load_default_sources",
    "read_rules",
    "write_csv",
    "write_json",
]

COLUMNS = ("pattern", *EDITABLE_FIELDS)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_BYTES = 50 * 1024 * 1024

#: The longest value each text field may hold (characters, after trimming spaces).
MAX_LENGTHS = {
    "list": 8,
    "pattern": 2048,
    "name": 200,
    "category": 64,
    "scope": 128,
    "evidence": 2000,
    "basis": 1000,
    "note": 2000,
    "review_by": 32,
    "reason": 2000,
    "stored_pattern": 512,
}
#: Field names as admins read them.
FIELD_LABELS = {
    "list": ("danh sách", "list"),
    "pattern": ("mẫu", "pattern"),
    "name": ("tên nguồn", "name"),
    "category": ("loại", "category"),
    "scope": ("phạm vi", "scope"),
    "evidence": ("bằng chứng", "evidence"),
    "basis": ("cơ sở pháp lý", "legal basis"),
    "note": ("ghi chú", "note"),
    "review_by": ("ngày cần xem lại", "review date"),
    "reason": ("lý do", "reason"),
}
#: Fields that may span several lines (multi-line spreadsheet cells).
_MULTI_LINE = frozenset({"evidence", "note", "reason"})
# C0/C1 control characters and the bidirectional overrides that can disguise text
# (tab and line breaks are allowed in multi-line fields only).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_MULTI = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_text(field_name: str, value: object) -> str:
    """``value`` of a text field, trimmed; :class:`InvalidRule` (``invalid_<field>``) when
    it is not a string, holds a control character or is too long. None is ``""``."""
    if value is None:
        return ""
    if value.__class__ is str:  # the fast path of big imports: plain printable text
        text = value.strip()  # type: ignore[union-attr]
        if text.isprintable() and len(text) <= MAX_LENGTHS.get(field_name, len(text)):
            return text
    vi, en = FIELD_LABELS.get(field_name, (field_name, field_name))
    code = f"invalid_{field_name}"
    if not isinstance(value, str):
        raise InvalidRule(
            code,
            f"Trường “{field_name}” ({vi}) phải là chuỗi văn bản.",
            f"“{field_name}” ({en}) must be a string.",
        )
    text = value.strip()
    bad = (_CONTROL_MULTI if field_name in _MULTI_LINE else _CONTROL).search(text)
    if bad:
        point = f"U+{ord(bad.group()):04X}"
        raise InvalidRule(
            code,
            f"Trường “{field_name}” ({vi}) chứa ký tự điều khiển không in "
            f"được ({point}); hãy xóa ký tự đó.",
            f"“{field_name}” ({en}) contains a non-printing control character "
            f"({point}); remove it.",
        )
    most = MAX_LENGTHS.get(field_name)
    if most is not None and len(text) > most:
        raise InvalidRule(
            code,
            f"Trường “{field_name}” ({vi}) dài quá {most} ký tự (đang có {len(text)}).",
            f"“{field_name}” ({en}) is longer than {most} characters ({len(text)}).",
        )
    return text


def build_rule(
    values: Mapping[str, object],
    *,
    list_: str | None = None,
    force: bool = False,
    categories: Collection[str] | None = None,
    category_required: bool = False,
) -> Rule:
    """A validated rule from ``values`` (``list``, ``pattern``, ``name``, ``category``,
    ``scope``, ``evidence``, ``basis``, ``note``, ``review_by``; missing or None means empty), or
    :class:`InvalidRule` with a stable code: ``invalid_<field>`` (not text, control
    character, too long, unknown category), the core's pattern/list/date codes,
    ``missing_name``, ``missing_evidence``, ``missing_category``.

    ``list_`` overrides ``values["list"]``; ``categories`` defaults to
    ``sources/categories.csv``."""
    text = {f: check_text(f, values.get(f)) for f in ("list", *COLUMNS)}
    rule = make_rule(
        list_ or text["list"], text["pattern"], force=force, **{f: text[f] for f in COLUMNS[1:]}
    )
    if not rule.name:
        raise InvalidRule(
            "missing_name", "Cần ghi tên nguồn cho quy tắc.", "A name is required for the rule."
        )
    if not rule.evidence:
        raise InvalidRule(
            "missing_evidence",
            "Cần ghi bằng chứng (đường dẫn hoặc số văn bản) cho quy tắc.",
            "Evidence (a URL or a document reference) is required.",
        )
    if len(rule.pattern) > MAX_LENGTHS["stored_pattern"]:
        raise InvalidRule("invalid_pattern", "Mẫu quá dài.", "The pattern is too long.")
    known = default_tables().categories if categories is None else categories
    if not rule.category and category_required:
        raise InvalidRule("missing_category", "Hãy chọn loại nguồn.", "Choose a category.")
    if rule.category and rule.category not in known:
        choices = ", ".join(sorted(known))
        raise InvalidRule(
            "invalid_category",
            f"Loại “{rule.category}” không có trong danh mục; chọn một trong: "
            f"{choices} (hoặc để trống).",
            f"Category “{rule.category}” is unknown; use one of: {choices} (or leave it empty).",
        )
    return rule


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
            self.result.errors.append(
                RowError(
                    line,
                    "duplicate_pattern",
                    f"Trùng mẫu với dòng {earlier}.",
                    f"Same pattern as line {earlier}.",
                )
            )
            return
        taken[rule.pattern] = line
        self.result.rules.append(rule)

    def refuse(self, line: int, exc: InvalidRule) -> None:
        self.result.errors.append(RowError(line, exc.code, exc.message, exc.message_en))


# -- reading ------------------------------------------------------------------------------
def read_rules(
    data: bytes | BinaryIO,
    *,
    list_: str | None = None,
    fmt: str = "csv",
    force: bool = False,
    max_bytes: int | None = MAX_BYTES,
    categories: Collection[str] | None = None,
) -> ParseResult:
    """Parse a CSV or JSON file (bytes, or a seekable binary file) into rules, each checked
    by :func:`build_rule` (JSON values must be strings or null).

    ``list_`` overrides a ``list`` column; ``max_bytes`` caps uploads (None: no cap, for the
    command line); ``categories`` defaults to ``sources/categories.csv``. A CSV file is
    decoded as it is read, never held twice in memory.
    """
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    if max_bytes is not None and _size(stream) > max_bytes:
        limit = f"{max_bytes / 1024 / 1024:g} MB"
        return _file_error(
            "file_too_large",
            f"Tệp quá lớn (tối đa {limit}).",
            f"The file is too large (at most {limit}).",
        )
    if fmt == "json":
        try:
            text = stream.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return _bad_encoding()
        return _read_json(text, list_, force, categories)
    wrapper = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(wrapper)
    try:
        return _read_csv(reader, list_, force, categories)
    except UnicodeDecodeError:
        return _bad_encoding()
    except csv.Error as exc:
        return ParseResult(
            errors=[
                RowError(
                    reader.line_num,
                    "invalid_csv",
                    f"Tệp CSV hỏng ở dòng {reader.line_num} ({exc}).",
                    f"The CSV is malformed at line {reader.line_num} ({exc}).",
                )
            ]
        )
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
    return _file_error(
        "bad_encoding",
        "Tệp không phải UTF-8; hãy lưu lại dạng CSV UTF-8.",
        "The file is not UTF-8; save it again as CSV UTF-8.",
    )


def _read_csv(
    reader: Any, list_: str | None, force: bool, categories: Collection[str] | None
) -> ParseResult:
    header = [h.strip().lower() for h in next(reader, [])]
    if "pattern" not in header:
        return _file_error(
            "missing_header",
            "Thiếu dòng tiêu đề có cột “pattern”.",
            "The header row with a “pattern” column is missing.",
        )
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
        lst, pattern, name, category, scope, evidence, basis, note, review_by = values
        if not pattern.strip() and not "".join(row).strip():
            continue  # a blank line, or a line of empty cells
        try:
            rule = build_rule(
                {
                    "list": shared.setdefault(lst, lst),
                    "pattern": pattern,
                    "name": name,
                    "category": shared.setdefault(category, category),
                    "scope": shared.setdefault(scope, scope),
                    "evidence": evidence,
                    "basis": basis,
                    "note": note,
                    "review_by": review_by,
                },
                list_=list_,
                force=force,
                categories=categories,
            )
        except InvalidRule as exc:
            out.refuse(first, exc)
            continue
        out.add(first, rule)
    return out.result


def _unquote(cell: str) -> str:
    """A cell without the ``'`` that neutralised a formula on export."""
    cell = cell.strip()
    return cell[1:].strip() if cell[:1] == "'" else cell


def _read_json(
    text: str, list_: str | None, force: bool, categories: Collection[str] | None
) -> ParseResult:
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _file_error("invalid_json", "Tệp JSON không đọc được.", "The JSON is malformed.")
    items = doc.get("rules") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        return _file_error(
            "invalid_json",
            "JSON phải là một danh sách quy tắc.",
            "The JSON must be a list of rules.",
        )
    out = _Collector()
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            out.refuse(
                i,
                InvalidRule(
                    "invalid_row",
                    "Mục phải là một đối tượng với các giá trị dạng chữ.",
                    "Each item must be an object of text values.",
                ),
            )
            continue
        try:
            rule = build_rule(item, list_=list_, force=force, categories=categories)
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
    items = [
        {"list": r.list, **{c: getattr(r, c) for c in COLUMNS}} for r in _canonical_order(rules)
    ]
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
        raise ValueError(
            f"{path}: "
            + "; ".join(f"line {e.line}: {e.code}: {e.message_en}" for e in parsed.errors[:5])
        )
    return parsed.rules
