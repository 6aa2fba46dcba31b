"""Undoing changes from the audit log (shared by the admin API and the web admin).

A rule change (``create``, ``update``, ``delete``) is undone by its inverse; an import, or the
undo of one, by the inverse of every per-rule entry under it, all in one transaction. The
store refuses when a rule is no longer as the entry left it (compared field by field); this
module turns its reasons into 404/409 answers in Vietnamese and English.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ApiError
from .store import CannotRevert, NotFound
from .store.accounts import Actor
from .store.fields import EDITABLE_FIELDS

__all__ = [
    "CONFIRM_ABOVE",
    "covered_reports",
    "reopen_reports",
    "resolve_covered",
    "revert",
    "revert_plan",
    "revert_size",
    "suggested_pattern",
]

#: Undoing a change that touches more rules than this needs an explicit confirmation.
CONFIRM_ABOVE = 20


def _message(exc: CannotRevert) -> tuple[str, str]:
    rule_vi = f"Quy tắc “{exc.pattern}” (số {exc.rule_id})" if exc.pattern else "Quy tắc"
    rule_en = f"The rule “{exc.pattern}” (id {exc.rule_id})" if exc.pattern else "The rule"
    if exc.reason == "changed_since":
        return (
            f"{rule_vi} đã được sửa sau thay đổi này; hãy hoàn tác thay đổi mới hơn trước. "
            "Chưa hoàn tác gì.",
            f"{rule_en} changed again since; revert the newer change first. Nothing was reverted.",
        )
    if exc.reason == "gone":
        return (
            f"{rule_vi} không còn tồn tại. Chưa hoàn tác gì.",
            f"{rule_en} no longer exists. Nothing was reverted.",
        )
    if exc.reason == "exists_again":
        return (
            f"Mẫu “{exc.pattern}” đã có lại trong danh sách. Chưa hoàn tác gì.",
            f"The pattern “{exc.pattern}” is on the list again already. Nothing was reverted.",
        )
    if exc.reason == "already_reverted":
        return ("Thay đổi này đã được hoàn tác rồi.", "This change has already been reverted.")
    if exc.reason == "no_detail":
        return (
            "Lần nhập này được ghi trước khi nhật ký lưu từng quy tắc, nên không hoàn tác "
            "được; hãy sửa các quy tắc hoặc nhập lại tệp cũ.",
            "This import was logged before the audit log kept each rule, so it cannot be "
            "reverted; edit the rules or import the old file again.",
        )
    return (
        "Chỉ hoàn tác được thay đổi của quy tắc hoặc một lần nhập.",
        "Only rule changes and imports can be reverted.",
    )


def revert_size(store: Any, entry_id: int) -> int:
    """How many rules undoing entry ``entry_id`` would touch (404 for no such entry)."""
    try:
        store.get_audit(entry_id)
    except NotFound:
        raise ApiError(
            404, "not_found", f"Không có mục nhật ký số {entry_id}.", f"No audit entry {entry_id}."
        ) from None
    return store.count_children([entry_id]).get(entry_id, 1)


def revert_plan(store: Any, entry_id: int, most: int = 500) -> list[dict[str, str]]:
    """What undoing entry ``entry_id`` would do to each rule (at most ``most`` of them):
    ``{"do": "delete"|"restore"|"update", "list", "pattern"}``, for the confirmation page."""
    do = {"create": "delete", "delete": "restore", "update": "update"}
    _, children = store.list_audit(parent_id=entry_id, limit=most)
    entries = children or [store.get_audit(entry_id)]
    plan = []
    for e in entries:
        data = {**(e.before or {}), **(e.after or {})}
        plan.append(
            {
                "do": do.get(e.action, e.action),
                "list": str(data.get("list", "")),
                "pattern": str(data.get("pattern", "")),
            }
        )
    return plan


def revert(store: Any, entry_id: int, actor: Actor, confirm: bool = True) -> Any:
    """Undo audit entry ``entry_id``: the restored (or deleted) rule's record, or, for an
    import, a :class:`~server.store.RevertResult`. 404 for no such entry, 409 (code
    ``cannot_revert``) when it cannot be undone, 409 ``confirm_required`` when it touches
    more than :data:`CONFIRM_ABOVE` rules and ``confirm`` is false; then nothing changed."""
    undone = store.undone_entries().get(entry_id)
    if undone is not None:
        raise ApiError(409, "cannot_revert", *_message(CannotRevert("already_reverted")))
    if not confirm:
        size = revert_size(store, entry_id)
        if size > CONFIRM_ABOVE:
            raise ApiError(
                409,
                "confirm_required",
                f"Hoàn tác mục #{entry_id} sẽ thay đổi {size} quy tắc (hơn {CONFIRM_ABOVE}); "
                "hãy xác nhận (confirm=1). Chưa thay đổi gì.",
                f"Reverting entry {entry_id} changes {size} rules (more than "
                f"{CONFIRM_ABOVE}); confirm it (confirm=1). Nothing was changed.",
            )
    try:
        result = store.revert(entry_id, actor)
        reopen_reports(store, entry_id, actor)
        return result
    except NotFound:
        raise ApiError(
            404, "not_found", f"Không có mục nhật ký số {entry_id}.", f"No audit entry {entry_id}."
        ) from None
    except CannotRevert as exc:
        raise ApiError(409, "cannot_revert", *_message(exc)) from None


# -- reports: the rule that would cover them --------------------------------------------------


def suggested_pattern(canonical_url: str, host: str) -> str:
    """The narrowest rule pattern that would cover a reported URL, in canonical form: the
    page on a shared platform (``facebook.com/baochinhphutinnong`` for
    ``https://www.facebook.com/Bao.ChinhPhu.TinNong/posts/1``; two segments where the first
    names no page, like ``facebook.com/groups/abc``; ``facebook.com/profile.php?id=N``),
    else the registrable domain (``bao-gia.com.vn`` for ``tin.bao-gia.com.vn``), else the
    host (IP addresses). A platform URL without a page gives the platform's domain, which
    the rule form then refuses with its own explanation."""
    from urllib.parse import urlsplit

    from .core.domains import default_suffix_list
    from .core.matching import DOTLESS_PAGES, page_key
    from .core.rules import GENERIC_SEGMENTS, canonical_pattern
    from .core.tables import default_tables

    parts = urlsplit(canonical_url)
    host = (host or parts.hostname or "").lower()
    domain = default_suffix_list()._registrable(host) or host
    platforms = default_tables().platforms
    if host not in platforms and domain not in platforms:
        return domain
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return domain
    if segments[0].lower() == "profile.php":
        candidate = f"{domain}/profile.php?{parts.query}"
    else:
        take = 2 if segments[0].lower() in GENERIC_SEGMENTS and len(segments) > 1 else 1
        path = "/" + "/".join(segments[:take])
        if domain in DOTLESS_PAGES:
            path = page_key(path)
        candidate = domain + path
    try:
        return canonical_pattern(candidate, platforms=platforms)
    except Exception:  # a generic path alone names no page: the form explains why
        return canonical_pattern(candidate, force=True, platforms=platforms)


def covered_reports(store: Any, rule: Any, tables: Any) -> list[Any]:
    """The open reports whose URL ``rule`` matches (checked with a checker holding only that
    rule, so the answer is exactly the checker's own matching)."""
    from .core import Checker, InvalidURL

    open_reports = store.list_reports("open")
    if not open_reports:
        return []
    only = Checker(rules=[rule], tables=tables)
    found = []
    for report in open_reports:
        try:
            result = only.check(report.canonical_url)
        except InvalidURL:
            continue
        if result.rule is not None and result.rule.pattern == rule.pattern:
            found.append(report)
    return found


def resolve_covered(store: Any, record: Any, tables: Any, actor: Actor) -> list[int]:
    """Close, as ``resolved``, the open reports a saved rule covers; each is audited with
    the rule named in the reason. Returns their ids."""
    reports = covered_reports(store, record.to_rule(), tables)
    ids = [r.id for r in reports]
    if ids:
        why = f"đã có quy tắc #{record.id} ({record.list}: {record.pattern})"
        reason = f"{actor.reason}; {why}" if actor.reason else why
        _, entries = store.list_audit(target_type="rule", target_id=record.id, limit=1)
        link = {"rule": record.id, **({"entry": entries[0].id} if entries else {})}
        store.set_reports_status(ids, "resolved", Actor(actor.name, actor.ip, reason), link)
    return ids


def reopen_reports(store: Any, entry_id: int, actor: Actor) -> list[int]:
    """After undoing entry ``entry_id``: reopen the reports its rule change resolved (and
    still resolved: a report rejected since is left alone), each audited. Both doors undo
    through :func:`revert`, so both reopen; a bare ``store.revert`` does not."""
    ids = store.reports_resolved_by(entry_id)
    if ids:
        why = f"quy tắc của mục nhật ký #{entry_id} đã được hoàn tác"
        reason = f"{actor.reason}; {why}" if actor.reason else why
        store.set_reports_status(ids, "open", Actor(actor.name, actor.ip, reason))
    return ids


# -- scopes -------------------------------------------------------------------------------

SCOPE_NOTE = " (cũ: "


@functools.lru_cache(maxsize=4)
def scopes(directory: str = "") -> tuple[str, ...]:
    """``national`` then the 34 provincial units of ``sources/scopes.csv``, in Vietnamese
    alphabetical order (as the file has them)."""
    from .core.tables import SOURCES_DIR

    path = Path(directory) if directory else SOURCES_DIR
    with (path / "scopes.csv").open(encoding="utf-8-sig", newline="") as fh:
        names = [row["scope"].strip() for row in csv.DictReader(fh) if row.get("scope")]
    return ("national", *sorted((n for n in names if n != "national"), key=_vi_key))


def _vi_key(name: str) -> tuple[str, str]:
    import unicodedata

    plain = unicodedata.normalize("NFD", name.replace("Đ", "D~").replace("đ", "d~"))
    return "".join(c for c in plain if not unicodedata.combining(c)).lower(), name


def scope_unit(scope: str) -> str:
    """The province (or ``national``) a scope names: ``Thái Nguyên`` for ``Thái Nguyên
    (cũ: Bắc Kạn)``."""
    return scope.split(SCOPE_NOTE, 1)[0].strip() if scope else "national"


def check_scope(value: object) -> str:
    """A valid scope, or :class:`~server.core.InvalidRule` ``invalid_scope``. Valid are
    ``national``, one of the 34 provinces and cities of ``sources/scopes.csv``, or one of
    them followed by the former province it now covers, as the lists write it:
    ``Thái Nguyên (cũ: Bắc Kạn)``. Empty means ``national``."""
    from .core import InvalidRule

    text = value.strip() if isinstance(value, str) else value
    if text in (None, ""):
        return "national"
    if isinstance(text, str):
        unit = scope_unit(text)
        note_ok = text == unit or (text.endswith(")") and len(text) > len(unit) + 8)
        if unit in scopes() and note_ok and len(text) <= 128:
            return text
    raise InvalidRule(
        "invalid_scope",
        f"Phạm vi “{value}” không hợp lệ: hãy chọn national (toàn quốc) hoặc một trong 34 "
        "tỉnh, thành phố (sources/scopes.csv), có thể kèm “(cũ: tên tỉnh cũ)”.",
        f"The scope “{value}” is not valid: use national or one of the 34 provinces and "
        "cities (sources/scopes.csv), optionally followed by “(cũ: former province)”.",
    )


# -- the review queue -----------------------------------------------------------------------

DECISIONS = ("allow", "deny", "reject")


def decide_pending(
    store: Any, tables: Any, entry_id: int, values: dict[str, Any], actor: Actor, unit: str = ""
) -> Any:
    """Approve a queued entry into ``allow``/``deny`` or ``reject`` it (shared by the API and
    the web admin). ``values``: ``decision``, ``reason`` (always required), and for an
    approval the reviewer's own ``evidence`` (required) and ``basis`` (optional; the entry's
    name, category, scope and review date are kept). The entry's own unverified evidence
    and note never reach the rule. ``unit``: the only province the reviewer may curate.

    Returns the new rule's record, or None for a rejection; :class:`ApiError` 400
    (``invalid_decision``, ``missing_reason``, ``missing_evidence``, the rule's own codes),
    403, 404, 409 ``conflict`` (the pattern is on that list already)."""
    from .core import InvalidRule
    from .rule_files import build_rule, check_text
    from .store import Conflict

    decision = values.get("decision")
    if decision not in DECISIONS:
        raise ApiError(
            400,
            "invalid_decision",
            "Hãy chọn quyết định: duyệt vào danh sách cho phép, chặn, hoặc từ chối.",
            "Choose a decision: allow, deny or reject.",
        )
    try:
        entry = store.get_pending(entry_id)
    except NotFound:
        raise ApiError(
            404,
            "not_found",
            f"Không có mục chờ duyệt số {entry_id}.",
            f"No pending entry {entry_id}.",
        ) from None
    if entry.status != "pending":
        raise ApiError(
            409, "already_decided", "Mục này đã được xử lý.", "This entry has already been decided."
        )
    if unit and scope_unit(entry.scope) != unit:
        raise ApiError(
            403,
            "forbidden",
            f"Tài khoản của bạn chỉ được duyệt mục của {unit}.",
            f"Your account may only decide entries of {unit}.",
        )
    try:
        reason = check_text("reason", values.get("reason"))
        if not reason:
            raise InvalidRule(
                "missing_reason",
                "Hãy ghi lý do quyết định.",
                "A reason for the decision is required.",
            )
        if decision == "reject":
            rule = None
        else:
            evidence = check_text("evidence", values.get("evidence"))
            if not evidence:
                raise InvalidRule(
                    "missing_evidence",
                    "Duyệt cần bằng chứng của chính bạn (đường dẫn hoặc số văn bản đã kiểm "
                    "tra); ghi chú “chưa xác minh” của mục chờ duyệt không được dùng làm "
                    "bằng chứng.",
                    "Approval needs your own evidence (a URL or document you checked); the "
                    "entry's unverified note is never used as evidence.",
                )
            rule = build_rule(
                {
                    "list": decision,
                    "pattern": entry.pattern,
                    "name": entry.name,
                    "category": entry.category,
                    "scope": entry.scope,
                    "evidence": evidence,
                    "basis": values.get("basis") or "",
                    "note": values.get("note") or "",
                    "review_by": entry.review_by,
                },
                force=True,
                categories=tables.categories,
            )
            check_scope(rule.scope)
    except InvalidRule as exc:
        raise ApiError(400, exc.code, exc.message, exc.message_en) from None
    try:
        record = store.decide_pending(
            entry_id,
            rule is not None,
            reason,
            None if rule is None else rule.list,
            actor,
            rule=rule,
        )
        if record is not None:  # like any saved rule, it closes the reports it covers
            resolve_covered(store, record, tables, actor)
        return record
    except NotFound:
        raise ApiError(
            409, "already_decided", "Mục này đã được xử lý.", "This entry has already been decided."
        ) from None
    except Conflict:
        raise ApiError(
            409,
            "conflict",
            "Mẫu này đã có trong danh sách đó.",
            "This pattern is already on that list.",
        ) from None


# -- imports as spreadsheets make them ----------------------------------------------------

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
    import unicodedata

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
    errors: list[Any]


def prepare_csv(data: bytes) -> Prepared:
    """Read a CSV the way spreadsheets write it: ``;`` or tab as separator (Excel in
    Vietnamese and most European locales), Vietnamese header names (``Mẫu``, ``Tên nguồn``,
    ``Phạm vi``, ``Bằng chứng``, ``Ngày cần xem lại``…, with or without diacritics), list
    names in Vietnamese (``Cho phép``, ``Chặn``) and ``dd/mm/yyyy`` dates. Rows whose scope
    is not one of :func:`scopes` are refused here with their line (and blanked, so that the
    other rows keep their line numbers). Files that are not UTF-8 pass unchanged (the reader
    names the problem)."""
    from .rule_files import RowError

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
    errors: list[Any] = []
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
                except Exception as exc:  # InvalidRule
                    errors.append(
                        RowError(
                            first_line,
                            exc.code,
                            exc.message,  # type: ignore[attr-defined]
                            exc.message_en,
                        )
                    )  # type: ignore[attr-defined]
                    row = [""] * len(row)
            writer.writerow(row)
    except csv.Error:
        return Prepared(data, [])
    return Prepared(out.getvalue().encode("utf-8"), errors)


def prepare_import(data: bytes, fmt: str, list_: str | None, force: bool = False) -> Any:
    """Parse an upload (CSV as spreadsheets write it, or JSON) into a
    :class:`~server.rule_files.ParseResult` whose errors include rows with an invalid scope."""
    from .rule_files import ParseResult, RowError, read_rules

    if fmt == "json":
        parsed = read_rules(data, list_=list_, fmt="json", force=force)
        kept, errors = [], list(parsed.errors)
        for rule in parsed.rules:
            try:
                check_scope(rule.scope)
                kept.append(rule)
            except Exception as exc:
                errors.append(
                    RowError(
                        0,
                        exc.code,  # type: ignore[attr-defined]
                        f"{rule.pattern}: {exc.message}",  # type: ignore[attr-defined]
                        f"{rule.pattern}: {exc.message_en}",
                    )
                )  # type: ignore[attr-defined]
        return ParseResult(kept, errors)
    prepared = prepare_csv(data)
    parsed = read_rules(prepared.data, list_=list_, fmt="csv", force=force)
    errors = sorted([*parsed.errors, *prepared.errors], key=lambda e: e.line)
    return ParseResult(parsed.rules, errors)


FIELDS = EDITABLE_FIELDS


def import_changes(store: Any, rules: list[Any], most: int = 1000) -> list[dict[str, Any]]:
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


# -- statistics -----------------------------------------------------------------------------


def unicode_name(pattern: str) -> str:
    """``bộ-y-tế.vn`` for ``xn--b-y-t-s61b7g.vn``: the host part of a pattern in Unicode."""
    import idna

    host, slash, path = pattern.partition("/")
    if "xn--" not in host:
        return pattern
    try:
        return idna.decode(host) + slash + path
    except (idna.IDNAError, UnicodeError):
        return pattern


def top_checked(
    store: Any, service: Any, verdict: str, since: str, most: int = 20
) -> list[dict[str, Any]]:
    """The most-checked keys (pages on platforms, domains elsewhere) with ``verdict`` since a
    day: ``{"key", "name_unicode", "checks", "verdict_now", "rule_id", "rule_pattern",
    "prefill"}``; ``verdict_now`` is what the checker answers today (``unknown`` if the key
    no longer parses), ``rule_id`` the stored rule that answers it today (None when none:
    then the page offers ``prefill``, the rule form's fields, deny for what was denied or
    suspicious, allow otherwise; with one, it links to that rule instead)."""
    from .core import InvalidURL

    rows = []
    checker = service.checker()
    for key, checks in store.top_domains(verdict, since, most):
        rule = None
        try:
            result = checker.check("https://" + key)
            now_, rule = result.verdict, result.rule
        except InvalidURL:
            now_ = "unknown"
        deny = verdict in ("denied", "suspicious")
        rows.append(
            {
                "key": key,
                "name_unicode": unicode_name(key),
                "checks": checks,
                "verdict_now": now_,
                "rule_id": getattr(rule, "id", None),
                "rule_pattern": getattr(rule, "pattern", ""),
                "prefill": {
                    "pattern": key,
                    "list": "deny" if deny else "allow",
                    "category": "impersonation" if deny else "",
                    "preview_urls": "https://" + key,
                    "reason": f"thống kê: {checks} lượt kiểm tra từ {since}",
                },
            }
        )
    return rows
