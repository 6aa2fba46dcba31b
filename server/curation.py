"""Undoing changes from the audit log (shared by the admin API and the web admin).

A rule change (``create``, ``update``, ``delete``) is undone by its inverse; an import, or the
undo of one, by the inverse of every per-rule entry under it, all in one transaction. The
store refuses when a rule is no longer as the entry left it (compared field by field); this
module turns its reasons into 404/409 answers in Vietnamese and English.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError
from .store import CannotRevert, NotFound
from .store.accounts import Actor

__all__ = ["CONFIRM_ABOVE", "covered_reports", "resolve_covered", "revert", "revert_plan",
           "revert_size", "suggested_pattern"]

#: Undoing a change that touches more rules than this needs an explicit confirmation.
CONFIRM_ABOVE = 20


def _message(exc: CannotRevert) -> tuple[str, str]:
    rule_vi = f"Quy tắc “{exc.pattern}” (số {exc.rule_id})" if exc.pattern else "Quy tắc"
    rule_en = f"The rule “{exc.pattern}” (id {exc.rule_id})" if exc.pattern else "The rule"
    if exc.reason == "changed_since":
        return (f"{rule_vi} đã được sửa sau thay đổi này; hãy hoàn tác thay đổi mới hơn trước. "
                "Chưa hoàn tác gì.",
                f"{rule_en} changed again since; revert the newer change first. "
                "Nothing was reverted.")
    if exc.reason == "gone":
        return (f"{rule_vi} không còn tồn tại. Chưa hoàn tác gì.",
                f"{rule_en} no longer exists. Nothing was reverted.")
    if exc.reason == "exists_again":
        return (f"Mẫu “{exc.pattern}” đã có lại trong danh sách. Chưa hoàn tác gì.",
                f"The pattern “{exc.pattern}” is on the list again already. "
                "Nothing was reverted.")
    if exc.reason == "already_reverted":
        return ("Thay đổi này đã được hoàn tác rồi.", "This change has already been reverted.")
    if exc.reason == "no_detail":
        return ("Lần nhập này được ghi trước khi nhật ký lưu từng quy tắc, nên không hoàn tác "
                "được; hãy sửa các quy tắc hoặc nhập lại tệp cũ.",
                "This import was logged before the audit log kept each rule, so it cannot be "
                "reverted; edit the rules or import the old file again.")
    return ("Chỉ hoàn tác được thay đổi của quy tắc hoặc một lần nhập.",
            "Only rule changes and imports can be reverted.")


def revert_size(store: Any, entry_id: int) -> int:
    """How many rules undoing entry ``entry_id`` would touch (404 for no such entry)."""
    try:
        store.get_audit(entry_id)
    except NotFound:
        raise ApiError(404, "not_found", f"Không có mục nhật ký số {entry_id}.",
                       f"No audit entry {entry_id}.") from None
    return store.count_children([entry_id]).get(entry_id, 1)


def revert_plan(store: Any, entry_id: int, most: int = 500) -> list[dict[str, str]]:
    """What undoing entry ``entry_id`` would do to each rule (at most ``most`` of them):
    ``{"do": "delete"|"restore"|"update", "list", "pattern"}``, for the confirmation page."""
    do = {"create": "delete", "delete": "restore", "update": "update"}
    _, children = store.list_audit(parent_id=entry_id, limit=most)
    entries = children or [store.get_audit(entry_id)]
    plan = []
    for e in entries:
        data = e.after or e.before or {}
        plan.append({"do": do.get(e.action, e.action), "list": str(data.get("list", "")),
                     "pattern": str(data.get("pattern", ""))})
    return plan


def revert(store: Any, entry_id: int, actor: Actor, confirm: bool = True) -> Any:
    """Undo audit entry ``entry_id``: the restored (or deleted) rule's record, or, for an
    import, a :class:`~server.store.RevertResult`. 404 for no such entry, 409 (code
    ``cannot_revert``) when it cannot be undone, 409 ``confirm_required`` when it touches
    more than :data:`CONFIRM_ABOVE` rules and ``confirm`` is false; then nothing changed."""
    undone = store.undone_entries().get(entry_id)
    if undone is not None:
        raise ApiError(409, "cannot_revert",
                       *_message(CannotRevert("already_reverted")))
    if not confirm:
        size = revert_size(store, entry_id)
        if size > CONFIRM_ABOVE:
            raise ApiError(
                409, "confirm_required",
                f"Hoàn tác mục #{entry_id} sẽ thay đổi {size} quy tắc (hơn {CONFIRM_ABOVE}); "
                "hãy xác nhận (confirm=1). Chưa thay đổi gì.",
                f"Reverting entry {entry_id} changes {size} rules (more than "
                f"{CONFIRM_ABOVE}); confirm it (confirm=1). Nothing was changed.")
    try:
        return store.revert(entry_id, actor)
    except NotFound:
        raise ApiError(404, "not_found", f"Không có mục nhật ký số {entry_id}.",
                       f"No audit entry {entry_id}.") from None
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
        store.set_reports_status(ids, "resolved", Actor(actor.name, actor.ip, reason))
    return ids
