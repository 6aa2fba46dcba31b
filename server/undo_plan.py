"""What undoing an audit entry would do, and why it cannot: the size and per-rule plan the
confirmation page shows, and the store's refusals turned into 404/409 answers in Vietnamese
and English. The undo itself is :meth:`server.lists_service.ListsService.revert`.

A rule change (``create``, ``update``, ``delete``) is undone by its inverse; an import, or the
undo of one, by the inverse of every per-rule entry under it, all in one transaction. The
store refuses when a rule is no longer as the entry left it (compared field by field).
"""

from __future__ import annotations

from .refusals import Refused
from .store import CannotRevert, NotFound, Store

__all__ = [
    "CONFIRM_ABOVE",
    "cannot_revert",
    "no_entry",
    "revert_plan",
    "revert_size",
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


def cannot_revert(exc: CannotRevert) -> Refused:
    """The store's refusal to undo, as a 409 ``cannot_revert``."""
    return Refused(409, "cannot_revert", *_message(exc))


def no_entry(entry_id: int) -> Refused:
    """404: no audit entry ``entry_id``."""
    return Refused(404, "not_found", "Không có mục nhật ký số {entry_id}.", entry_id=entry_id)


def revert_size(store: Store, entry_id: int) -> int:
    """How many rules undoing entry ``entry_id`` would touch (404 for no such entry)."""
    try:
        store.get_audit(entry_id)
    except NotFound:
        raise no_entry(entry_id) from None
    return int(store.count_children([entry_id]).get(entry_id, 1))


def revert_plan(store: Store, entry_id: int, most: int = 500) -> list[dict[str, str]]:
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
