"""Undoing what the assistant (or an admin, on feeds) did, from its audit entry.

Undoable: subscribing a feed (removes it), removing one (brings it back with its entries), a
refresh (the previous entries become current again) and a proposal still pending (withdrawn).
Each undo is one transaction with its own audit row (``revert``, pointing at the entry).
"""

from __future__ import annotations

from typing import Any

from ..store.accounts import Actor, write_audit
from .store import FeedStore

__all__ = ["UNDO_REASONS", "UndoRefused", "undo"]

UNDO_REASONS = {
    "not_revertable": (
        "Mục nhật ký này không hoàn tác được ở đây.",
        "This log entry cannot be undone here.",
    ),
    "already_reverted": ("Việc này đã được hoàn tác.", "This was already undone."),
    "changed_since": (
        "Đã có thay đổi sau đó; hãy hoàn tác thay đổi mới hơn trước.",
        "It changed since; undo the newer change first.",
    ),
    "gone": ("Nguồn này không còn.", "This feed no longer exists."),
    "exists_again": ("Đã có nguồn khác cùng tên.", "Another feed has that name now."),
}


class UndoRefused(Exception):
    """Why an entry cannot be undone (``reason`` is a key of :data:`UNDO_REASONS`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message, self.message_en = UNDO_REASONS.get(reason, UNDO_REASONS["not_revertable"])


def undo(store: Any, feeds: FeedStore, entry_id: int, actor: Actor) -> dict[str, Any]:
    """Undo audit entry ``entry_id`` (``NotFound`` if there is none, else
    :class:`UndoRefused`); returns ``{"entry", "undone", "target_type", "target_id"}``."""
    entry = store.get_audit(entry_id)
    with store.engine.begin() as conn:
        try:
            if entry.target_type == "feed" and entry.target_id is not None:
                feeds.undo_feed(conn, entry.action, entry.target_id, entry.after)
            elif (
                entry.target_type == "pending"
                and entry.action == "propose"
                and entry.target_id is not None
            ):
                feeds.undo_proposal(conn, entry.target_id)
            else:
                raise ValueError("not_revertable")
        except ValueError as exc:
            raise UndoRefused(str(exc)) from None
        write_audit(
            conn,
            actor,
            "revert",
            entry.target_type,
            entry.target_id,
            after={"undoes": entry_id, "action": entry.action},
            parent_id=entry_id,
        )
    return {
        "entry": entry_id,
        "undone": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
    }
