"""What undoing an audit entry would do, and why it cannot: the size and per-rule plan the
confirmation page shows, and the store's refusals turned into 404/409 answers in Vietnamese
and English. The undo itself is :meth:`server.lists_service.ListsService.revert`.

A rule change (``create``, ``update``, ``delete``) is undone by its inverse; an import, or the
undo of one, by the inverse of every per-rule entry under it, all in one transaction. The
store refuses when a rule is no longer as the entry left it (compared field by field).
"""

from __future__ import annotations

from .i18n import N_
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


#: The store's reasons for refusing an undo: (message naming the rule, message without).
_CANNOT = {
    "changed_since": (
        N_(
            "Quy tắc “{pattern}” (số {rule_id}) đã được sửa sau thay đổi này; hãy hoàn tác "
            "thay đổi mới hơn trước. Chưa hoàn tác gì."
        ),
        N_(
            "Quy tắc đã được sửa sau thay đổi này; hãy hoàn tác thay đổi mới hơn trước. "
            "Chưa hoàn tác gì."
        ),
    ),
    "gone": (
        N_("Quy tắc “{pattern}” (số {rule_id}) không còn tồn tại. Chưa hoàn tác gì."),
        N_("Quy tắc không còn tồn tại. Chưa hoàn tác gì."),
    ),
    "exists_again": (
        N_("Mẫu “{pattern}” đã có lại trong danh sách. Chưa hoàn tác gì."),
        N_("Mẫu này đã có lại trong danh sách. Chưa hoàn tác gì."),
    ),
    "already_reverted": (N_("Thay đổi này đã được hoàn tác rồi."),) * 2,
    "no_detail": (
        N_(
            "Lần nhập này được ghi trước khi nhật ký lưu từng quy tắc, nên không hoàn tác "
            "được; hãy sửa các quy tắc hoặc nhập lại tệp cũ."
        ),
    )
    * 2,
}
_ONLY_RULES = N_("Chỉ hoàn tác được thay đổi của quy tắc hoặc một lần nhập.")


def cannot_revert(exc: CannotRevert) -> Refused:
    """The store's refusal to undo, as a 409 ``cannot_revert``."""
    named, unnamed = _CANNOT.get(exc.reason, (_ONLY_RULES, _ONLY_RULES))
    if exc.pattern:
        return Refused(409, "cannot_revert", named, pattern=exc.pattern, rule_id=exc.rule_id)
    return Refused(409, "cannot_revert", unnamed)


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
