"""The store contract, run against every backend (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest
from sqlalchemy.exc import IntegrityError

from server.core import Rule, make_rule
from server.store import Conflict, NotFound
from server.store.fields import TEXT_FIELDS


def rule(list_="allow", pattern="baochinhphu.vn", **fields):
    return make_rule(list_, pattern, force=True, **fields)


def test_empty_store_has_version_and_no_rules(store):
    assert store.is_empty()
    version, rows = store.load_rules()
    assert list(rows) == []
    assert version == store.lists_version() >= 1


def test_crud_bumps_version_each_time(store):
    v0 = store.lists_version()
    rec = store.add_rule(
        rule(
            name="Báo Điện tử Chính phủ",
            category="press_central",
            evidence="https://example.org/e",
            review_by="2027-01-31",
        )
    )
    assert rec.id > 0 and rec.name == "Báo Điện tử Chính phủ" and rec.review_by == "2027-01-31"
    assert store.get_rule(rec.id) == rec
    v1 = store.lists_version()
    changed = store.update_rule(rec.id, rule(name="Báo Chính phủ", note="sửa"))
    assert changed.name == "Báo Chính phủ" and changed.note == "sửa" and changed.review_by == ""
    v2 = store.lists_version()
    gone = store.delete_rule(rec.id)
    assert gone.name == "Báo Chính phủ"
    v3 = store.lists_version()
    assert v0 < v1 < v2 < v3
    with pytest.raises(NotFound):
        store.get_rule(rec.id)
    with pytest.raises(NotFound):
        store.delete_rule(rec.id)
    with pytest.raises(NotFound):
        store.update_rule(rec.id, rule())


def test_conflict_same_list_and_pattern(store):
    store.add_rule(rule())
    version = store.lists_version()
    with pytest.raises(Conflict):
        store.add_rule(rule(name="again"))
    assert store.lists_version() == version
    store.add_rule(rule("deny"))  # the same pattern on the other list is allowed
    other = store.add_rule(rule(pattern="nhandan.vn"))
    with pytest.raises(Conflict):
        store.update_rule(other.id, rule())


def test_load_rules_is_a_consistent_snapshot(store):
    store.import_rules([rule(pattern=f"site{i}.vn") for i in range(50)])
    version, rows = store.load_rules()
    rows = list(rows)
    assert version == store.lists_version()
    assert len(rows) == 50
    rid, lst, pattern, *_ = rows[0]
    assert isinstance(rid, int) and lst == "allow" and pattern.startswith("site")


def test_find_rules_filters_and_pages(store):
    store.import_rules(
        [
            rule(
                pattern=f"bao{i:02}.vn",
                name=f"Báo số {i}",
                category="press_local" if i % 2 else "press_central",
            )
            for i in range(30)
        ]
        + [rule("deny", "gia-mao.com")]
    )
    total, page = store.find_rules(list="allow", category="press_local", limit=5)
    assert total == 15 and len(page) == 5
    assert [r.pattern for r in page] == sorted(r.pattern for r in page)
    total, page = store.find_rules(q="SỐ 1", limit=50)
    assert total == 11  # "Báo số 1", "Báo số 10" … "Báo số 19"
    total, _ = store.find_rules(list="deny")
    assert total == 1


def test_import_diff_and_replace(store):
    first = store.import_rules([rule(pattern="a.vn"), rule(pattern="b.vn"), rule("deny", "c.com")])
    assert (first.added, first.changed, first.unchanged, first.removed) == (3, 0, 0, 0)
    again = store.import_rules([rule(pattern="a.vn"), rule(pattern="b.vn", name="B")])
    assert (again.added, again.changed, again.unchanged, again.removed) == (0, 1, 1, 0)
    replaced = store.import_rules([rule(pattern="a.vn")], replace_lists=["allow"])
    assert (replaced.added, replaced.changed, replaced.unchanged, replaced.removed) == (0, 0, 1, 1)
    patterns = {(r.list, r.pattern) for r in store.export_rules()}
    assert patterns == {("allow", "a.vn"), ("deny", "c.com")}


def test_noop_and_dry_run_change_nothing(store):
    store.import_rules([rule(pattern="a.vn")])
    version = store.lists_version()
    noop = store.import_rules([rule(pattern="a.vn")])
    assert noop.unchanged == 1 and noop.version == version
    dry = store.import_rules([rule(pattern="z.vn")], dry_run=True)
    assert dry.added == 1
    assert store.lists_version() == version
    assert [r.pattern for r in store.export_rules()] == ["a.vn"]


def test_import_is_all_or_nothing_on_error(store):
    store.import_rules([rule(pattern="a.vn")])
    version = store.lists_version()
    before = list(store.export_rules())

    def bad_rules():
        yield rule(pattern="b.vn")
        raise RuntimeError("the file broke half-way")

    with pytest.raises(RuntimeError):
        store.import_rules(bad_rules())
    assert list(store.export_rules()) == before
    assert store.lists_version() == version
    bogus = Rule("e.vn", "bogus")  # violates the CHECK constraint on the list column
    with pytest.raises(IntegrityError):
        store.import_rules([rule(pattern="d.vn"), bogus])
    assert list(store.export_rules()) == before
    assert store.lists_version() == version


KILLED_IMPORT = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from server.core import make_rule
    from server.store import SQLStore
    import server.store.importer as importer
    original = importer._apply
    def apply_then_die(*args):
        original(*args)           # every row written inside the transaction…
        os._exit(9)               # …then the process dies before COMMIT
    importer._apply = apply_then_die
    store = SQLStore({url!r})
    store.import_rules([make_rule("allow", f"killed{{i}}.vn") for i in range(500)])
""")


def test_killed_import_leaves_lists_as_before(store):
    import pathlib

    store.import_rules([rule(pattern="a.vn")])
    version = store.lists_version()
    root = str(pathlib.Path(__file__).resolve().parents[2])
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_IMPORT.format(root=root, url=store.url)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 9, proc.stderr
    assert [r.pattern for r in store.export_rules()] == ["a.vn"]
    assert store.lists_version() == version


def test_export_import_round_trip(store, tmp_path):
    rules = [
        rule(pattern="a.vn", name="Á", review_by="2027-06-30", note="=cmd"),
        rule("deny", "b.com", name="B", evidence="https://x.example/e"),
    ]
    store.import_rules(rules)
    exported = list(store.export_rules())
    assert {(r.list, r.pattern, r.name, r.note, r.review_by) for r in exported} == {
        (r.list, r.pattern, r.name, r.note, r.review_by) for r in rules
    }


def test_pending_and_reports(store):
    assert store.add_pending([rule(pattern="p.vn", name="Chờ")], origin="pending.csv") == 1
    pending = store.list_pending()
    got = [(p.pattern, p.status, p.origin) for p in pending]
    assert got == [("p.vn", "pending", "pending.csv")]
    rid = store.add_report(
        url="x.vn/a",
        canonical_url="http://x.vn/a",
        host="x.vn",
        verdict_seen="unknown",
        verdict_at_report="unknown",
        kind="missing",
        comment="",
        client_hash="h",
    )
    reports = store.list_reports()
    assert [(r.id, r.kind, r.status) for r in reports] == [(rid, "missing", "open")]


def test_fifty_parallel_writers_lose_nothing(store):
    errors: list[BaseException] = []
    seen_versions: list[list[int]] = [[] for _ in range(50)]

    def writer(n: int) -> None:
        try:
            for k in range(4):
                store.add_rule(rule(pattern=f"w{n}-{k}.vn"))
                seen_versions[n].append(store.lists_version())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    version = store.lists_version()
    threads = [threading.Thread(target=writer, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    patterns = {r.pattern for r in store.export_rules()}
    assert patterns == {f"w{n}-{k}.vn" for n in range(50) for k in range(4)}
    assert store.lists_version() == version + 200
    for versions in seen_versions:
        assert versions == sorted(versions)
    total, entries = store.list_audit(target_type="rule", limit=500)
    assert total == 200  # every accepted change is in the audit log too
    assert {e.after["pattern"] for e in entries} == patterns


def test_pending_decisions_and_stats(store):
    store.add_pending([rule(pattern="p1.vn", name="Một"), rule(pattern="p2.vn")], "pending.csv")
    first, second = store.list_pending()
    version = store.lists_version()
    added = store.decide_pending(first.id, True, "đã xác minh", "deny")
    assert (added.pattern, added.list) == ("p1.vn", "deny")
    assert store.lists_version() == version + 1
    assert store.decide_pending(second.id, False, "không rõ nguồn") is None
    assert store.lists_version() == version + 1
    assert store.list_pending() == []
    decided = {p.pattern: (p.status, p.decision_reason) for p in store.list_pending(None)}
    assert decided == {
        "p1.vn": ("approved", "đã xác minh"),
        "p2.vn": ("rejected", "không rõ nguồn"),
    }
    with pytest.raises(NotFound):
        store.decide_pending(first.id, True, "again")
    store.add_stats(
        {("2026-11-20", "unknown", "a.example"): 3, ("2026-11-20", "official", "b.vn"): 1}
    )
    store.add_stats({("2026-11-20", "unknown", "a.example"): 2})
    assert store.stats_by_day("2026-11-01") == [
        ("2026-11-20", "official", 1),
        ("2026-11-20", "unknown", 5),
    ]
    assert store.top_domains("unknown", "2026-11-01") == [("a.example", 5)]


def test_import_bumps_the_version_once_and_diffs_every_field(store):
    version = store.lists_version()
    first = store.import_rules(
        [rule(pattern="a.vn", review_by="2027-01-31"), rule(pattern="b.vn"), rule("deny", "c.com")]
    )
    assert first.version == store.lists_version() == version + 1
    dated = store.import_rules([rule(pattern="a.vn"), rule(pattern="b.vn", review_by="2027-02-01")])
    assert (dated.added, dated.changed, dated.unchanged) == (0, 2, 0)
    assert dated.version == version + 2
    by_pattern = {r.pattern: r.review_by for r in store.export_rules()}
    assert by_pattern == {"a.vn": "", "b.vn": "2027-02-01", "c.com": ""}
    for field in TEXT_FIELDS:
        res = store.import_rules([rule(pattern="b.vn", review_by="2027-02-01", **{field: "x"})])
        assert (res.changed, res.unchanged) == (1, 0), field
        store.import_rules([rule(pattern="b.vn", review_by="2027-02-01")])


def test_import_duplicates_last_wins_and_replace_dry_run(store):
    res = store.import_rules(
        [rule(pattern="a.vn", name="first"), rule(pattern="a.vn", name="last")]
    )
    assert (res.added, res.unchanged) == (1, 0)
    assert [r.name for r in store.export_rules()] == ["last"]
    store.import_rules([rule(pattern="b.vn"), rule("deny", "c.com")])
    version, before = store.lists_version(), list(store.export_rules())
    dry = store.import_rules([rule(pattern="z.vn")], replace_lists=["allow"], dry_run=True)
    assert (dry.added, dry.changed, dry.unchanged, dry.removed) == (1, 0, 0, 2)
    assert store.lists_version() == version and list(store.export_rules()) == before


def test_import_into_both_lists_replacing_both(store):
    store.import_rules([rule(pattern="a.vn"), rule("deny", "b.com"), rule("deny", "c.com")])
    res = store.import_rules(
        [rule("deny", "a.vn"), rule(pattern="b.com")], replace_lists=["allow", "deny"]
    )
    assert (res.added, res.removed) == (2, 3)
    assert [(r.list, r.pattern) for r in store.export_rules()] == [
        ("allow", "b.com"),
        ("deny", "a.vn"),
    ]


def test_load_rules_snapshot_ignores_later_writes(store):
    store.import_rules([rule(pattern=f"s{i}.vn") for i in range(30_000)])
    version, rows = store.load_rules()
    first = next(rows)
    store.add_rule(rule(pattern="later.vn"))
    store.delete_rule(first[0] + 1)
    got = [first, *rows]
    assert len(got) == 30_000 and "later.vn" not in {r[2] for r in got}
    assert store.lists_version() == version + 2
    assert all(len(r) == 10 and r[8] == "" and r[9] == "" for r in got)


def test_export_in_code_point_order(store):
    patterns = ["a-b.vn", "a.vn", "ab.vn", "a0.vn", "Z.vn", "a.vn/b-c", "a.vn/b"]
    store.import_rules([rule(pattern=p) for p in patterns] + [rule("deny", "a.vn")])
    exported = [(r.list, r.pattern) for r in store.export_rules()]
    assert exported == sorted(exported)
    assert [r.pattern for r in store.export_rules("deny")] == ["a.vn"]


def test_find_rules_unicode_case_and_literal_wildcards(store):
    store.import_rules(
        [
            rule(pattern="baochinhphu.vn", name="Báo Điện tử Chính phủ"),
            rule(pattern="a_b.vn", name="100% chính thống"),
            rule(pattern="axb.vn", name="1000 chính thống"),
        ]
    )
    assert [r.pattern for r in store.find_rules(q="ĐIỆN TỬ")[1]] == ["baochinhphu.vn"]
    assert [r.pattern for r in store.find_rules(q="a_b")[1]] == ["a_b.vn"]
    assert [r.pattern for r in store.find_rules(q="100%")[1]] == ["a_b.vn"]
    # typed without diacritics, as admins often do
    assert [r.pattern for r in store.find_rules(q="dien tu chinh phu")[1]] == ["baochinhphu.vn"]
    assert [r.pattern for r in store.find_rules(q="CHINH THONG")[1]] == ["a_b.vn", "axb.vn"]
    # marks are ignored on both sides, so a wrong mark still finds the rule
    assert [r.pattern for r in store.find_rules(q="chính thông")[1]] == ["a_b.vn", "axb.vn"]
    assert store.find_rules(q="chinh phuc")[1] == []


def test_report_kind_and_status_constrained(store):
    fields = dict(
        url="x.vn",
        canonical_url="http://x.vn/",
        host="x.vn",
        verdict_seen="",
        verdict_at_report="unknown",
        comment="",
        client_hash="",
    )
    with pytest.raises(IntegrityError):
        store.add_report(kind="spam", **fields)
    rid = store.add_report(kind="impersonation", **fields)
    store.set_report_status(rid, "resolved")
    with pytest.raises(IntegrityError):
        store.set_report_status(rid, "closed")
    assert [r.status for r in store.list_reports()] == ["resolved"]
    store.set_report_status(rid, "resolved")  # the status it has: nothing to log
    entries = store.list_audit(target_type="report")[1]
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("resolved", {"status": "open"}, {"status": "resolved"})
    ]


def test_parallel_stats_flushes_add_up(store):
    def flush() -> None:
        for _ in range(5):
            store.add_stats(
                {
                    ("2026-11-20", "unknown", "a.example"): 1,
                    ("2026-11-20", "unknown", "b.example"): 2,
                }
            )

    threads = [threading.Thread(target=flush) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.top_domains("unknown", "2026-11-01") == [("b.example", 100), ("a.example", 50)]
