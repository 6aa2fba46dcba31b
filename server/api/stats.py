"""Admin API: ``GET /api/v1/stats`` (what is checked most, with today's verdict)."""

from __future__ import annotations

import datetime as dt

from flask import Response

from ..auth import require_scope
from ..check_stats import top_checked
from ..services import lists
from .blueprint import bp
from .http import (
    json_response,
    service,
)


@bp.route("/stats", methods=["GET"])
@require_scope("admin")
def get_stats() -> Response:
    """Checks per day by verdict (14 days) and what was checked most per verdict: pages on
    shared platforms (``facebook.com/tentrang``) and domains elsewhere, with the Unicode
    name of IDNs, the verdict they get today and the id of the stored rule that gives it
    (``rule_id``, null when none)."""
    service().flush_stats()
    since = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=13)).isoformat()
    store = lists().store
    return json_response(
        {
            "by_day": [
                {"day": d, "verdict": v, "checks": n} for d, v, n in store.stats_by_day(since)
            ],
            "top": {
                v: [
                    {
                        "domain": r["key"],
                        "checks": r["checks"],
                        "name_unicode": r["name_unicode"],
                        "verdict_now": r["verdict_now"],
                        "rule_id": r["rule_id"],
                    }
                    for r in top_checked(store, service(), v, since)
                ]
                for v in ("unknown", "denied", "suspicious")
            },
        }
    )
