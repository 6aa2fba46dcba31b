"""Count the figures of the default lists: ``python sources/count.py`` (add ``--json``).

Figures (the ones sources/README.md quotes):

* verified allow rows: allow rows whose evidence is one or more working URLs (a page, or a
  repository file pinned to a commit) and no "unverified" text;
* provinces with current press: of the 34 provincial units in scopes.csv, those with at least
  one ``press_local`` allow row scoped to the province itself that is neither a legacy domain
  (name "Tên miền cũ của …") nor an edition of another paper (name "… ấn phẩm của …");
* official pages: allow rows of category ``official_page`` (path rules on a shared platform);
* rows with a legal basis (the ``basis`` column), deny rows with ``review_by``, pending rows.

Standard library only, no network: it reads the CSV files next to this script.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
URL = re.compile(r"https?://\S+")
PINNED = re.compile(r"^https://github\.com/[^/]+/[^/]+/(?:blob|tree)/[0-9a-f]{40}/")


def rows(name: str, directory: Path = HERE) -> list[dict[str, str]]:
    with (directory / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def evidence_items(evidence: str) -> list[str]:
    """The ``' ; '``-separated items of an evidence cell."""
    return [p.strip() for p in evidence.split(" ; ") if p.strip()]


def is_verified(evidence: str) -> bool:
    """Every item carries a URL; GitHub URLs are pinned to a commit; nothing says unverified."""
    items = evidence_items(evidence)
    if not items or "unverified" in evidence.lower():
        return False
    for item in items:
        urls = URL.findall(item)
        if not urls:
            return False
        if any(u.startswith("https://github.com/") and not PINNED.match(u) for u in urls):
            return False
    return True


def is_current_press(row: dict[str, str], province: str) -> bool:
    return (
        row["category"] == "press_local"
        and row["scope"] == province
        and not row["name"].startswith("Tên miền cũ")
        and "ấn phẩm của" not in row["name"]
        and is_verified(row["evidence"])
    )


def figures(directory: Path = HERE, today: date | None = None) -> dict[str, object]:
    today = today or date.today()
    allow, deny, pending = (rows(f"{n}.csv", directory) for n in ("allow", "deny", "pending"))
    provinces = [r["scope"] for r in rows("scopes.csv", directory) if r["kind"] != "national"]
    with_press = [p for p in provinces if any(is_current_press(r, p) for r in allow)]
    pages = [r for r in allow if r["category"] == "official_page"]
    legacy = [r for r in allow if r["name"].startswith("Tên miền cũ") or "(cũ:" in r["scope"]]
    overdue = [
        r["pattern"]
        for r in allow + deny
        if r["review_by"] and date.fromisoformat(r["review_by"]) < today
    ]
    return {
        "allow_rows": len(allow),
        "allow_verified": sum(is_verified(r["evidence"]) for r in allow),
        "allow_with_page_evidence": sum(
            any(not u.startswith("https://github.com/") for u in URL.findall(r["evidence"]))
            for r in allow
        ),
        "provinces": len(provinces),
        "provinces_with_current_press": len(with_press),
        "provinces_without_current_press": [p for p in provinces if p not in with_press],
        "official_pages": len(pages),
        "official_pages_by_platform": _by_platform(pages),
        "rows_with_basis": sum(bool(r["basis"]) for r in allow + deny),
        "legacy_rows": len(legacy),
        "legacy_rows_with_review_by": sum(bool(r["review_by"]) for r in legacy),
        "deny_rows": len(deny),
        "deny_with_review_by": sum(bool(r["review_by"]) for r in deny),
        "deny_page_rules": sum("/" in r["pattern"] for r in deny),
        "pending_rows": len(pending),
        "review_overdue": overdue,
    }


def _by_platform(pages: list[dict[str, str]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in pages:
        host = r["pattern"].split("/", 1)[0]
        out[host] = out.get(host, 0) + 1
    return dict(sorted(out.items()))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    f = figures()
    if "--json" in argv:
        print(json.dumps(f, ensure_ascii=False, indent=1))
        return 0
    missing = ", ".join(f["provinces_without_current_press"]) or "—"  # type: ignore[arg-type]
    lines = [
        f"Dòng cho phép có bằng chứng URL / verified allow rows: "
        f"{f['allow_verified']}/{f['allow_rows']} "
        f"(có trang web, không chỉ kho mã / with a page URL: {f['allow_with_page_evidence']})",
        f"Tỉnh có báo hiện hành / provinces with current press: "
        f"{f['provinces_with_current_press']}/{f['provinces']} (thiếu / missing: {missing})",
        f"Trang mạng xã hội chính thức / official pages: {f['official_pages']} "
        f"{f['official_pages_by_platform']}",
        f"Dòng có cơ sở pháp lý / rows with legal basis: {f['rows_with_basis']}",
        f"Tên miền cũ có ngày xem lại / legacy rows with review_by: "
        f"{f['legacy_rows_with_review_by']}/{f['legacy_rows']}",
        f"Dòng chặn có ngày xem lại / deny rows with review_by: "
        f"{f['deny_with_review_by']}/{f['deny_rows']} (trang / page rules: {f['deny_page_rules']})",
        f"Dòng chờ duyệt / pending rows: {f['pending_rows']}",
        f"Quá hạn xem lại / review overdue: {len(f['review_overdue'])}",  # type: ignore[arg-type]
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
