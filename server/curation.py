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

__all__ = ["revert"]


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


def revert(store: Any, entry_id: int, actor: Actor) -> Any:
    """Undo audit entry ``entry_id``: the restored (or deleted) rule's record, or, for an
    import, a :class:`~server.store.RevertResult`. 404 for no such entry, 409 (code
    ``cannot_revert``) when it cannot be undone; then nothing changed."""
    try:
        return store.revert(entry_id, actor)
    except NotFound:
        raise ApiError(404, "not_found", f"Không có mục nhật ký số {entry_id}.",
                       f"No audit entry {entry_id}.") from None
    except CannotRevert as exc:
        raise ApiError(409, "cannot_revert", *_message(exc)) from None
