"""Undoing rule changes from the audit log (shared by the admin API and the web admin)."""

from __future__ import annotations

from typing import Any

from .core import Rule
from .errors import ApiError
from .store import Conflict, NotFound
from .store.accounts import Actor, AuditEntry

__all__ = ["revert"]

_RULE_FIELDS = ("pattern", "list", "name", "category", "scope", "evidence", "note", "review_by")


def _rule(data: dict[str, Any]) -> Rule:
    return Rule(**{k: data.get(k) or "" for k in _RULE_FIELDS})


def _cannot(vi: str, en: str) -> ApiError:
    return ApiError(409, "cannot_revert", vi, en)


def revert(store: Any, entry: AuditEntry, actor: Actor) -> Any:
    """Apply the inverse of a rule change: re-add a deleted rule, restore an edited one,
    delete a created one. Refused (409) when the rule changed again since."""
    if entry.target_type != "rule" or entry.target_id is None:
        raise _cannot("Chỉ hoàn tác được thay đổi của quy tắc.",
                      "Only rule changes can be reverted.")
    try:
        if entry.action == "delete" and entry.before:
            return store.add_rule(_rule(entry.before), actor)
        current = store.get_rule(entry.target_id)
        if entry.after and current.updated_at != entry.after.get("updated_at"):
            raise _cannot("Quy tắc đã được sửa sau thay đổi này; hãy hoàn tác thay đổi mới hơn "
                          "trước.", "The rule changed again since; revert the newer change first.")
        if entry.action == "create":
            return store.delete_rule(entry.target_id, actor)
        if entry.action == "update" and entry.before:
            return store.update_rule(entry.target_id, _rule(entry.before), actor)
    except NotFound:
        raise _cannot("Quy tắc không còn tồn tại.", "The rule no longer exists.") from None
    except Conflict:
        raise _cannot("Mẫu này đã có lại trong danh sách.",
                      "The pattern is on the list again already.") from None
    raise _cannot("Không hoàn tác được mục này.", "This entry cannot be reverted.")
