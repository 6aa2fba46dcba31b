"""Uploads made ready for an import: CSV as spreadsheets write it (``;`` or tab separators,
Vietnamese header and list names, ``dd/mm/yyyy`` dates), scopes checked row by row, and the
dry run's per-rule diff. Nothing here writes: applying an import is
:meth:`server.lists_service.ListsService.import_rules`."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .core import InvalidRule, Rule
from .rule_files import ParseResult, RowError, read_rules
from .scopes import check_scope
from .store import Store
from .store.fields import EDITABLE_FIELDS

__all__ = [
    "FIELDS",
    "HEADER_NAMES",
    "LIST_WORDS",
    "Prepared",
    "fold_vi",
    "import_changes",
    "prepare_csv",
    "prepare_import",
]

#: Header names read besides the canonical ones (compared without case and diacritics).
HEADER_NAMES = {
    "list": ("danh sach", "ds"),
    "pattern": ("mau", "ten mien", "duong dan", "dia chi", "trang"),
    "name": ("ten nguon", "ten", "ten co quan", "ten bao"),
    "category": ("loai", "loai nguon", "the loai"),
    "scope": ("pham vi", "tinh", "tinh thanh", "dia phuong"),
    "evidence": ("bang chung", "can cu", "nguon xac minh"),
    "basis": ("co so phap ly", "giay phep", "co so"),
    "note": ("ghi chu",),
    "review_by": ("ngay can xem lai", "han xem lai", "xem lai", "ngay xem lai"),
}
LIST_WORDS = {"cho phep": "allow", "chinh thong": "allow", "chan": "deny", "khong tin cay": "deny"}
_DMY = re.compile(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*")


def fold_vi(text: str) -> str:
    """Lower case without Vietnamese diacritics (``Bằng chứng`` → ``bang chung``)."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).lower().split())


def _header_name(cell: str) -> str:
    folded = fold_vi(cell.strip().strip("\ufeff"))
    folded = folded.split("(")[0].strip() or folded
    for name, words in HEADER_NAMES.items():
        if folded == name or folded.replace(" ", "_") == name or folded in words:
            return name
    return cell.strip().lower()


def _iso_date(value: str) -> str:
    match = _DMY.fullmatch(value)
    if match is None:
        return value
    day, month, year = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass
class Prepared:
    """A file made ready for :func:`server.rule_files.read_rules`: its bytes (rewritten to
    canonical CSV when needed) and the rows refused here, by line (invalid scope)."""

    data: bytes
    errors: list[RowError]


def prepare_csv(data: bytes) -> Prepared:
    """Read a CSV the way spreadsheets write it: ``;`` or tab as separator (Excel in
    Vietnamese and most European locales), Vietnamese header names (``Mẫu``, ``Tên nguồn``,
    ``Phạm vi``, ``Bằng chứng``, ``Ngày cần xem lại``…, with or without diacritics), list
    names in Vietnamese (``Cho phép``, ``Chặn``) and ``dd/mm/yyyy`` dates. Rows whose scope
    is not one of :func:`~server.scopes.scopes` are refused here with their line (and
    blanked, so that the other rows keep their line numbers). Files that are not UTF-8 pass
    unchanged (the reader names the problem)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Prepared(data, [])
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error:
        return Prepared(data, [])
    names = [_header_name(h) for h in header]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    index = {n: i for i, n in enumerate(names)}
    errors: list[RowError] = []
    line = reader.line_num
    try:
        for row in reader:
            first_line, line = line + 1, reader.line_num
            if "list" in index and index["list"] < len(row):
                cell = row[index["list"]]
                row[index["list"]] = LIST_WORDS.get(fold_vi(cell), cell)
            if "review_by" in index and index["review_by"] < len(row):
                row[index["review_by"]] = _iso_date(row[index["review_by"]])
            if "scope" in index and index["scope"] < len(row) and "".join(row).strip():
                try:
                    check_scope(row[index["scope"]])
                except InvalidRule as exc:
                    errors.append(RowError(first_line, exc.code, exc.message, exc.message_en))
                    row = [""] * len(row)
            writer.writerow(row)
    except csv.Error:
        return Prepared(data, [])
    return Prepared(out.getvalue().encode("utf-8"), errors)


def prepare_import(data: bytes, fmt: str, list_: str | None, force: bool = False) -> ParseResult:
    """Parse an upload (CSV as spreadsheets write it, or JSON) into a
    :class:`~server.rule_files.ParseResult` whose errors include rows with an invalid scope."""
    if fmt == "json":
        parsed = read_rules(data, list_=list_, fmt="json", force=force)
        kept, errors = [], list(parsed.errors)
        for rule in parsed.rules:
            try:
                check_scope(rule.scope)
                kept.append(rule)
            except InvalidRule as exc:
                errors.append(
                    RowError(
                        0,
                        exc.code,
                        f"{rule.pattern}: {exc.message}",
                        f"{rule.pattern}: {exc.message_en}",
                    )
                )
        return ParseResult(kept, errors)
    prepared = prepare_csv(data)
    parsed = read_rules(prepared.data, list_=list_, fmt="csv", force=force)
    errors = sorted([*parsed.errors, *prepared.errors], key=lambda e: e.line)
    return ParseResult(parsed.rules, errors)


FIELDS = EDITABLE_FIELDS


def import_changes(store: Store, rules: list[Rule], most: int = 1000) -> list[dict[str, Any]]:
    """What an import would do to each rule it adds or changes (at most ``most``):
    ``{"action": "add"|"change", "list", "pattern", "before": {field: old} | None,
    "after": {field: new}, "fields": [changed field names]}``; unchanged rules are left
    out. The current rules are read once."""
    current = {(r.list, r.pattern): r for r in store.export_rules()}
    changes: list[dict[str, Any]] = []
    for rule in rules:
        old = current.get((rule.list, rule.pattern))
        after = {f: str(getattr(rule, f) or "") for f in FIELDS}
        if old is None:
            changes.append(
                {
                    "action": "add",
                    "list": rule.list,
                    "pattern": rule.pattern,
                    "before": None,
                    "after": after,
                    "fields": list(FIELDS),
                }
            )
        else:
            before = {f: str(getattr(old, f) or "") for f in FIELDS}
            if after["scope"] == "" and before["scope"] == "national":
                after["scope"] = "national"
            fields = [f for f in FIELDS if before[f] != after[f]]
            if fields:
                changes.append(
                    {
                        "action": "change",
                        "list": rule.list,
                        "pattern": rule.pattern,
                        "before": before,
                        "after": after,
                        "fields": fields,
                    }
                )
        if len(changes) >= most:
            break
    return changes
